from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voipbin.db import utcnow


class CustomerStatus(StrEnum):
    INITIAL = "initial"
    ACTIVE = "active"
    FROZEN = "frozen"
    DELETED = "deleted"
    EXPIRED = "expired"


class WebhookMethod(StrEnum):
    POST = "POST"
    GET = "GET"
    PUT = "PUT"
    DELETE = "DELETE"


class Customer(SQLModel, table=True):
    """A tenant. Its own id is its tenant id, so it has no separate customer_id."""

    __tablename__ = "customers"

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str = Field(default="", max_length=255)
    detail: str = Field(default="", max_length=2000)
    email: str = Field(default="", max_length=320)
    phone_number: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=500)
    webhook_method: str = Field(default=WebhookMethod.POST.value, max_length=8)
    webhook_uri: str = Field(default="", max_length=2048)
    webhook_secret: str = Field(default="", max_length=64)
    # the customer's own URL is an endpoint like any other: disabled after a whole retry
    # window of failures (by the system) or by the customer, re-enabled by the customer
    webhook_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    webhook_disabled_reason: str = Field(
        default="", max_length=255, sa_column_kwargs={"server_default": ""}
    )
    tm_webhook_last_success: datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    status: str = Field(default=CustomerStatus.ACTIVE.value, max_length=16)
    is_platform: bool = Field(default=False)
    tm_create: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_update: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_delete: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
