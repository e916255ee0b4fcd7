from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from voipbin.db import utcnow


class OutboxEvent(SQLModel, table=True):
    """The transactional outbox: one row per event, written with the state change."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        sa.Index("ix_outbox_events_customer_id_position", "customer_id", "position"),
        sa.Index(
            "ix_outbox_events_unpublished",
            "position",
            postgresql_where=sa.text("tm_publish IS NULL"),
        ),
        sa.Index("ix_outbox_events_customer_id_published_seq", "customer_id", "published_seq"),
        sa.Index("ix_outbox_events_tm_publish", "tm_publish"),
    )

    # position orders events globally for replay (afterEventId); event_id is the dedupe key
    position: int | None = Field(default=None, sa_type=sa.BigInteger, primary_key=True)
    event_id: UUID = Field(default_factory=uuid4, unique=True)
    event_type: str = Field(max_length=64)
    customer_id: UUID
    agent_id: UUID | None = Field(default=None)
    resource_type: str = Field(max_length=64)
    resource_id: UUID
    sequence: int = Field(sa_type=sa.BigInteger)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    tm_create: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_publish: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Publish order, assigned by the dispatcher under one lock: unlike `position` (taken
    # at insert, committed in any order) it never lets a later replay skip an event.
    published_seq: int | None = Field(default=None, sa_type=sa.BigInteger, unique=True)


class ResourceSequence(SQLModel, table=True):
    """Last event sequence per resource; the upsert's row lock serialises writers."""

    __tablename__ = "resource_sequences"

    resource_type: str = Field(max_length=64, primary_key=True)
    resource_id: UUID = Field(primary_key=True)
    last_sequence: int = Field(default=0, sa_type=sa.BigInteger)
