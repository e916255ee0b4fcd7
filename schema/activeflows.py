"""GraphQL type of an activeflow: one running instance of a flow for one reference."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from voipbin.activeflows.models import Activeflow as ActiveflowRow


@strawberry.enum
class ActiveflowStatus(Enum):
    RUNNING = "running"
    ENDED = "ended"


@strawberry.type
class Activeflow:
    id: UUID
    customer_id: UUID
    flow_id: UUID | None
    status: ActiveflowStatus
    reference_type: str = strawberry.field(description="call, api, conversation, ...")
    reference_id: UUID | None
    reference_activeflow_id: UUID | None
    on_complete_flow_id: UUID | None
    current_action: JSON
    forward_action_id: UUID | None
    executed_actions: list[JSON]
    tm_create: datetime
    tm_update: datetime

    @classmethod
    def from_model(cls, row: ActiveflowRow) -> Activeflow:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            flow_id=row.flow_id,
            status=ActiveflowStatus(row.status),
            reference_type=row.reference_type,
            reference_id=row.reference_id,
            reference_activeflow_id=row.reference_activeflow_id,
            on_complete_flow_id=row.on_complete_flow_id,
            current_action=cast("JSON", row.current_action),
            forward_action_id=row.forward_action_id,
            executed_actions=[cast("JSON", a) for a in row.executed_actions],
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.input
class ActiveflowFilter:
    status: ActiveflowStatus | None = None
    reference_id: UUID | None = None
