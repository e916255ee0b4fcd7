from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from voipbin.flows.models import Flow as FlowRow
from voipbin.flows.validation import Problem

_NIL = "00000000-0000-0000-0000-000000000000"


@strawberry.enum
class FlowType(Enum):
    FLOW = "flow"
    CONFERENCE = "conference"
    QUEUE = "queue"
    CAMPAIGN = "campaign"
    TRANSFER = "transfer"


@strawberry.type
class Action:
    """One flow action: `type` and `option` keys are the original's snake_case names."""

    id: UUID
    next_id: UUID | None
    type: str
    option: JSON

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Action:
        next_id = data.get("next_id") or _NIL
        return cls(
            id=UUID(str(data["id"])),
            next_id=None if next_id == _NIL else UUID(str(next_id)),
            type=str(data.get("type", "")),
            option=cast("JSON", data.get("option") or {}),
        )


@strawberry.type
class Flow:
    id: UUID
    customer_id: UUID
    type: FlowType
    name: str
    detail: str
    actions: list[Action]
    on_complete_flow_id: UUID | None
    tm_create: datetime
    tm_update: datetime

    @classmethod
    def from_model(cls, row: FlowRow) -> Flow:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            type=FlowType(row.type),
            name=row.name,
            detail=row.detail,
            actions=[Action.from_json(a) for a in row.actions],
            on_complete_flow_id=row.on_complete_flow_id,
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.type
class FlowProblem:
    """One validation problem: `field` as in BAD_USER_INPUT, e.g. `actions[3].option.digits`."""

    field: str
    message: str

    @classmethod
    def from_problem(cls, problem: Problem) -> FlowProblem:
        return cls(field=problem.field, message=problem.message)


@strawberry.input
class ActionInput:
    """`id` is generated when missing; `option` keys are snake_case (`digits_receive`...)."""

    id: UUID | None = None
    type: str
    option: JSON | None = None
    next_id: UUID | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id) if self.id else None,
            "next_id": str(self.next_id) if self.next_id else None,
            "type": self.type,
            "option": self.option,
        }


@strawberry.input
class FlowFilter:
    type: FlowType | None = None
    name: str | None = None


@strawberry.input
class CreateFlowInput:
    name: str = ""
    detail: str = ""
    actions: list[ActionInput]
    on_complete_flow_id: UUID | None = None


@strawberry.input
class UpdateFlowInput:
    """Absent fields stay unchanged; `onCompleteFlowId` = the nil UUID clears it."""

    id: UUID
    name: str | None = None
    detail: str | None = None
    actions: list[ActionInput] | None = None
    on_complete_flow_id: UUID | None = None
