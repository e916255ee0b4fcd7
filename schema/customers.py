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


@strawberry.type
class WebhookSecret:
    """The signing secret, shown only in this response."""

    secret: str
