"""Confbridge row changes, each one transaction (called by the confbridge activities).

The original publishes `confbridge_*` events on its internal bus only (spec events.md:
"I"); here the workflows signal each other directly, so none of them goes to the
customer-facing outbox. What a customer does see is the call's own `call_updated` when it
joins or leaves (spec events.md: "confbridge join/leave"), with the call's internal
`confbridge_id` set or cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from voipbin.calls.models import Call
from voipbin.calls.public import call_data
from voipbin.confbridges.models import Confbridge, ConfbridgeStatus
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.events.outbox import emit


@dataclass(frozen=True)
class NewConfbridge:
    id: UUID
    customer_id: UUID
    type: str
    node: str
    bridge_id: str
    reference_type: str = "call"
    reference_id: UUID | None = None
    flags: list[str] = field(default_factory=list)


async def create(sessions: SessionFactory, new: NewConfbridge) -> Confbridge:
    """Idempotent on the id: a retry finds the row its earlier attempt wrote."""
    async with transaction(sessions) as session:
        row = await session.get(Confbridge, new.id)
        if row is None:
            row = Confbridge(
                id=new.id,
                customer_id=new.customer_id,
                type=new.type,
                node=new.node,
                bridge_id=new.bridge_id,
                reference_type=new.reference_type,
                reference_id=new.reference_id,
                flags=list(new.flags),
            )
            session.add(row)
        return row


async def member(
    sessions: SessionFactory, confbridge_id: UUID, call_id: UUID, *, in_: bool
) -> None:
    """A call joined (`in_`) or left: the member list and the call's `confbridge_id`."""
    async with transaction(sessions) as session:
        row = await session.get(Confbridge, confbridge_id, with_for_update=True)
        if row is None:
            return
        members = [c for c in row.call_ids if c != str(call_id)]
        row.call_ids = [*members, str(call_id)] if in_ else members
        row.tm_update = utcnow()
        call = await session.get(Call, call_id, with_for_update=True)
        if call is None or call.customer_id != row.customer_id:
            return
        wanted = confbridge_id if in_ else None
        if not in_ and call.confbridge_id != confbridge_id:
            return  # already in another confbridge (or a retry): nothing to clear
        if call.confbridge_id == wanted:
            return  # a retry after the commit
        call.confbridge_id = wanted
        call.tm_update = utcnow()
        await emit(
            session,
            customer_id=call.customer_id,
            event_type="call_updated",
            resource_type="call",
            resource_id=call.id,
            data=call_data(call),
        )


async def set_status(sessions: SessionFactory, confbridge_id: UUID, status: str) -> None:
    async with transaction(sessions) as session:
        row = await session.get(Confbridge, confbridge_id, with_for_update=True)
        if row is None or row.status == ConfbridgeStatus.TERMINATED:
            return
        row.status = status
        row.tm_update = utcnow()
        if status == ConfbridgeStatus.TERMINATED:
            row.tm_end = row.tm_update
            row.call_ids = []
