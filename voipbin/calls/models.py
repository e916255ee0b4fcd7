"""The call table: one row per call leg, with the original platform's public fields."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from voipbin.db import ResourceBase


class CallStatus(StrEnum):
    DIALING = "dialing"
    RINGING = "ringing"
    PROGRESSING = "progressing"
    TERMINATING = "terminating"
    CANCELING = "canceling"
    HANGUP = "hangup"


class CallDirection(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class Call(ResourceBase, table=True):
    __tablename__ = "calls"
    __table_args__ = (
        sa.Index("ix_calls_customer_id_tm_create", "customer_id", "tm_create"),
        sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_calls_customer_idem"),
    )

    owner_type: str = Field(default="", max_length=32)
    owner_id: UUID | None = Field(default=None)
    flow_id: UUID | None = Field(default=None)
    activeflow_id: UUID | None = Field(default=None)
    type: str = Field(default="flow", max_length=16)
    master_call_id: UUID | None = Field(default=None)
    chained_call_ids: list[str] = Field(default_factory=list, sa_type=JSONB)
    recording_id: UUID | None = Field(default=None)
    recording_ids: list[str] = Field(default_factory=list, sa_type=JSONB)
    groupcall_id: UUID | None = Field(default=None)
    confbridge_id: UUID | None = Field(default=None)  # internal: the confbridge it is in
    source: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    destination: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    status: str = Field(default=CallStatus.DIALING.value, max_length=16)
    action: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    direction: str = Field(default=CallDirection.OUTGOING.value, max_length=16)
    mute_direction: str = Field(default="", max_length=8)
    hangup_by: str = Field(default="", max_length=8)
    hangup_reason: str = Field(default="", max_length=16)
    hangup_cause: int = Field(default=0)
    call_metadata: dict[str, Any] = Field(
        default_factory=dict, sa_column_kwargs={"name": "metadata"}, sa_type=JSONB
    )
    # internal: where the call's channel lives, and the createCall idempotency key
    channel_id: str = Field(default="", max_length=80)
    node: str = Field(default="", max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=128)
    tm_ringing: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_progressing: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_hangup: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
