"""Activity contracts of the confbridge rows (run as local activities of
ConfbridgeWorkflow, the row's only writer): names, inputs and stubs."""

# No `from __future__ import annotations`: inputs are decoded inside the workflow sandbox.
from dataclasses import dataclass, field
from uuid import UUID

from temporalio import activity

CREATE = "confbridges.create"
MEMBER = "confbridges.member"
SET_STATUS = "confbridges.set_status"


@dataclass(frozen=True)
class CreateInput:
    confbridge_id: UUID
    customer_id: UUID
    type: str
    node: str
    bridge_id: str
    reference_type: str = "call"
    reference_id: UUID | None = None
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MemberInput:
    confbridge_id: UUID
    call_id: UUID
    joined: bool  # False: left


@dataclass(frozen=True)
class SetStatusInput:
    confbridge_id: UUID
    status: str  # terminating | terminated


@activity.defn(name=CREATE)
async def create(input: CreateInput) -> None:
    """The row, status progressing (idempotent on the id)."""
    raise NotImplementedError


@activity.defn(name=MEMBER)
async def member(input: MemberInput) -> None:
    """A call joined or left: member list, the call's confbridge_id, `call_updated`."""
    raise NotImplementedError


@activity.defn(name=SET_STATUS)
async def set_status(input: SetStatusInput) -> None:
    raise NotImplementedError
