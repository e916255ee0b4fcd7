from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from voipbin.db import ResourceBase


class NumberType(StrEnum):
    NORMAL = "normal"  # PSTN number bought from a provider
    VIRTUAL = "virtual"  # +899 internal number: no carrier, no PSTN


class NumberStatus(StrEnum):
    ACTIVE = "active"
    DELETED = "deleted"


class Number(ResourceBase, table=True):
    """A phone number a customer owns; its flows answer inbound calls and messages."""

    __tablename__ = "numbers"
    __table_args__ = (
        # one live owner per number, across customers (inbound routing needs it unique)
        sa.Index(
            "uq_numbers_number_live",
            "number",
            unique=True,
            postgresql_where=sa.text("tm_delete IS NULL"),
        ),
        sa.Index("ix_numbers_customer_id_tm_create", "customer_id", "tm_create"),
        sa.Index("ix_numbers_customer_id_call_flow_id", "customer_id", "call_flow_id"),
    )

    number: str = Field(max_length=32)
    type: str = Field(default=NumberType.NORMAL.value, max_length=16)
    call_flow_id: UUID | None = Field(default=None)
    message_flow_id: UUID | None = Field(default=None)
    name: str = Field(default="", max_length=255)
    detail: str = Field(default="", max_length=2000)
    status: str = Field(default=NumberStatus.ACTIVE.value, max_length=16)
    provider_name: str = Field(default="", max_length=32)
    provider_reference_id: str = Field(default="", max_length=255)
    t38_enabled: bool = Field(default=False)
    emergency_enabled: bool = Field(default=False)
    tm_purchase: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_renew: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
