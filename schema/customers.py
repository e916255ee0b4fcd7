from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from voipbin.customers.models import Customer as CustomerRow


@strawberry.enum
class WebhookMethod(Enum):
    POST = "POST"
    GET = "GET"
    PUT = "PUT"
    DELETE = "DELETE"


@strawberry.enum
class CustomerStatus(Enum):
    INITIAL = "initial"
    ACTIVE = "active"
    FROZEN = "frozen"
    DELETED = "deleted"
    EXPIRED = "expired"


@strawberry.type
class Customer:
    id: UUID
    name: str
    detail: str
    email: str
    phone_number: str
    address: str
    webhook_uri: str
    webhook_method: WebhookMethod
    webhook_enabled: bool = strawberry.field(
        description="False after every delivery to `webhookUri` failed for a whole retry "
        "window (then `webhookDisabledReason` says so) or when you turned it off; its events "
        "are kept as skipped deliveries, so after re-enabling, "
        "`replayMissedWebhookDeliveries(id: <your customer id>)` resends them."
    )
    webhook_disabled_reason: str
    status: CustomerStatus
    tm_create: datetime
    tm_update: datetime

    @classmethod
    def from_model(cls, row: CustomerRow) -> Customer:
        return cls(
            id=row.id,
            name=row.name,
            detail=row.detail,
            email=row.email,
            phone_number=row.phone_number,
            address=row.address,
            webhook_uri=row.webhook_uri,
            webhook_method=WebhookMethod(row.webhook_method),
            webhook_enabled=row.webhook_enabled,
            webhook_disabled_reason=row.webhook_disabled_reason,
            status=CustomerStatus(row.status),
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.input
class CreateCustomerInput:
    name: str
    email: str
    admin_username: str
    admin_password: str
    detail: str = ""
    webhook_uri: str = ""
    webhook_method: WebhookMethod = WebhookMethod.POST


@strawberry.input
class UpdateCustomerInput:
    name: str | None = None
    detail: str | None = None
    email: str | None = None
    phone_number: str | None = None
    address: str | None = None
    webhook_uri: str | None = None
    webhook_method: WebhookMethod | None = None
    webhook_enabled: bool | None = None


@strawberry.type
class WebhookSecret:
    """The signing secret, shown only in this response."""

    secret: str
