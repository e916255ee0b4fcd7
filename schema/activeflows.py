"""GraphQL type of an activeflow: one running instance of a flow for one reference."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from schema.customers import WebhookMethod
from schema.flows import ActionInput
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
    webhook_uri: str = strawberry.field(
        description="Every event of this activeflow, and of resources naming it "
        "(`data.activeflow_id`: its call, recordings, ...), is also delivered here, signed "
        "with the customer's webhook secret, with the same retries as any endpoint."
    )
    webhook_method: WebhookMethod | None
    end_reason: str = strawberry.field(
        description="Why it ended: finished, stop (the action), stopped, deleted, hangup, "
        "action_failed, media_mismatch, max_executed_actions, ... (empty while running)."
    )
    error: str = strawberry.field(description="What went wrong when it ended early.")
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
            webhook_uri=row.webhook_uri,
            webhook_method=WebhookMethod(row.webhook_method) if row.webhook_method else None,
            end_reason=row.end_reason,
            error=row.error,
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.input
class ActiveflowFilter:
    status: ActiveflowStatus | None = None
    reference_id: UUID | None = None


@strawberry.input(
    description="A flow run without a call (reference_type `api`), started at once. Only "
    "actions without media run (branch, goto, conditions, variable_set, stop, webhook_send, "
    "fetch, fetch_flow, call, block); an action needing a call is refused."
)
class CreateActiveflowInput:
    flow_id: UUID | None = strawberry.field(
        default=None, description="One of your flows; or give `actions`."
    )
    actions: list[ActionInput] | None = strawberry.field(
        default=None, description="Inline actions, used when flowId is not given."
    )
    variables: JSON | None = strawberry.field(
        default=None,
        description="Initial variables: at most 100, values up to 32 KiB, 64 KiB in all; "
        "names starting `voipbin.` are the platform's. Unlike the original (which drops "
        "them silently) a violation is a BAD_USER_INPUT.",
    )
    webhook_uri: str = ""
    webhook_method: WebhookMethod = WebhookMethod.POST
    id: UUID | None = strawberry.field(default=None, description="Chosen by the client.")
