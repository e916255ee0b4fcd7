from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from voipbin.db import utcnow


class AuditLog(SQLModel, table=True):
    """Who did what, when, with before/after JSON (DESIGN §4). Append-only."""

    __tablename__ = "audit_logs"
    __table_args__ = (sa.Index("ix_audit_logs_customer_id_tm_create", "customer_id", "tm_create"),)

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    # null for events with no tenant yet (a failed login of an unknown username)
    customer_id: UUID | None = Field(default=None)
    actor_type: str = Field(max_length=16)  # agent | access_key | anonymous | system
    actor_id: UUID | None = Field(default=None)
    action: str = Field(max_length=64)
    resource_type: str = Field(default="", max_length=64)
    resource_id: UUID | None = Field(default=None)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    request_id: str = Field(default="", max_length=64)
    source_ip: str = Field(default="", max_length=64)
    tm_create: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
