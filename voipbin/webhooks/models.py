"""Webhook endpoints, their deliveries (one per event per endpoint) and every attempt."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from voipbin.db import ResourceBase, utcnow


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # workflow started, no final outcome yet
    RETRYING = "retrying"  # at least one retryable failure, more attempts scheduled
    DELIVERED = "delivered"  # a 2xx answer
    FAILED = "failed"  # permanent 4xx, or the retry window ran out
    SKIPPED = "skipped"  # the endpoint was disabled when the event happened


class Webhook(ResourceBase, table=True):
    """A customer's extra endpoint (the customer's own `webhookUri` is the implicit one)."""

    __tablename__ = "webhooks"

    name: str = Field(default="", max_length=255)
    uri: str = Field(max_length=2048)
    method: str = Field(default="POST", max_length=8)
    # empty list = every event type
    event_types: list[str] = Field(default_factory=list, sa_type=JSONB)
    enabled: bool = Field(default=True)
    signing_secret: str = Field(max_length=64)
    disabled_reason: str = Field(default="", max_length=255)
    tm_disable: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_last_success: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class WebhookDelivery(SQLModel, table=True):
    """One event to one endpoint. Its id is the `X-VoIPBIN-Delivery` header."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "target_id", name="uq_webhook_deliveries_event_target"),
        sa.Index("ix_webhook_deliveries_customer_id_tm_create", "customer_id", "tm_create"),
        sa.Index("ix_webhook_deliveries_webhook_id_status", "webhook_id", "status"),
    )

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    customer_id: UUID
    # null for the customer's own webhookUri; target_id is then the customer id
    webhook_id: UUID | None = Field(default=None)
    target_id: UUID
    event_id: UUID
    event_type: str = Field(max_length=64)
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=16)
    attempt_count: int = Field(default=0)
    last_status_code: int | None = Field(default=None)
    last_error: str = Field(default="", max_length=1024)
    tm_create: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_update: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_finish: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class WebhookAttempt(SQLModel, table=True):
    """One HTTP request of a delivery, as sent and as answered."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        sa.UniqueConstraint("delivery_id", "number", name="uq_webhook_attempts_delivery_number"),
    )

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    delivery_id: UUID = Field(index=True)
    customer_id: UUID
    number: int
    uri: str = Field(max_length=2048)
    status_code: int | None = Field(default=None)
    latency_ms: float = Field(default=0.0)
    error: str = Field(default="", max_length=1024)
    response_body: str = Field(default="", max_length=1024)
    tm_attempt: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
