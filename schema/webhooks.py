from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from schema.customers import WebhookMethod
from voipbin.webhooks.models import Webhook as WebhookRow
from voipbin.webhooks.models import WebhookAttempt as AttemptRow
from voipbin.webhooks.models import WebhookDelivery as DeliveryRow
from voipbin.webhooks.sender import AttemptResult


@strawberry.enum
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"


@strawberry.type(
    description="A webhook endpoint. Its signing secret is shown only on create and rotate."
)
class Webhook:
    id: UUID
    customer_id: UUID
    name: str
    uri: str
    method: WebhookMethod
    event_types: list[str] = strawberry.field(description="Empty: every event type.")
    enabled: bool
    disabled_reason: str
    tm_disable: datetime | None
    tm_last_success: datetime | None
    tm_create: datetime
    tm_update: datetime

    @classmethod
    def from_model(cls, row: WebhookRow) -> Webhook:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            name=row.name,
            uri=row.uri,
            method=WebhookMethod(row.method),
            event_types=list(row.event_types),
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            tm_disable=row.tm_disable,
            tm_last_success=row.tm_last_success,
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.type(description="A webhook endpoint with its signing secret (shown this once).")
class WebhookWithSecret:
    webhook: Webhook
    signing_secret: str


@strawberry.type
class WebhookAttempt:
    number: int
    uri: str
    status_code: int | None
    latency_ms: float
    error: str
    response_body: str = strawberry.field(description="The first 1 KB of the response.")
    tm_attempt: datetime

    @classmethod
    def from_model(cls, row: AttemptRow) -> WebhookAttempt:
        return cls(
            number=row.number,
            uri=row.uri,
            status_code=row.status_code,
            latency_ms=row.latency_ms,
            error=row.error,
            response_body=row.response_body,
            tm_attempt=row.tm_attempt,
        )


@strawberry.type(description="One event to one endpoint; `id` is the X-VoIPBIN-Delivery header.")
class WebhookDelivery:
    id: UUID
    webhook_id: UUID | None = strawberry.field(description="Null: the customer's webhookUri.")
    event_id: UUID
    event_type: str
    status: WebhookDeliveryStatus
    attempt_count: int
    last_status_code: int | None
    last_error: str
    tm_create: datetime
    tm_update: datetime
    tm_finish: datetime | None

    @strawberry.field
    async def attempts(self, info: strawberry.Info) -> list[WebhookAttempt]:
        rows = await info.context.services.webhooks.attempts(info.context.user, self.id)
        return [WebhookAttempt.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, row: DeliveryRow) -> WebhookDelivery:
        return cls(
            id=row.id,
            webhook_id=row.webhook_id,
            event_id=row.event_id,
            event_type=row.event_type,
            status=WebhookDeliveryStatus(row.status),
            attempt_count=row.attempt_count,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            tm_create=row.tm_create,
            tm_update=row.tm_update,
            tm_finish=row.tm_finish,
        )


@strawberry.type
class WebhookTestResult:
    delivered: bool
    status_code: int | None
    latency_ms: float
    error: str
    response_body: str

    @classmethod
    def from_result(cls, result: AttemptResult) -> WebhookTestResult:
        return cls(
            delivered=result.outcome.value == "delivered",
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
            response_body=result.response_body,
        )


@strawberry.input
class CreateWebhookInput:
    uri: str
    name: str = ""
    method: WebhookMethod = WebhookMethod.POST
    event_types: list[str] = strawberry.field(default_factory=list)
    enabled: bool = True


@strawberry.input
class UpdateWebhookInput:
    id: UUID
    name: str | None = None
    uri: str | None = None
    method: WebhookMethod | None = None
    event_types: list[str] | None = None
    enabled: bool | None = None


@strawberry.input
class WebhookDeliveryFilter:
    webhook_id: UUID | None = strawberry.field(
        default=None, description="An endpoint id, or your customer id for its webhookUri."
    )
    status: WebhookDeliveryStatus | None = None
    event_type: str | None = None
    event_id: UUID | None = None
