from __future__ import annotations

from enum import IntFlag, StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from voipbin.db import ResourceBase


class Permission(IntFlag):
    """The original's permission bits (spec domain-rules §2), named."""

    NONE = 0
    PLATFORM_ADMIN = 0x0001
    CUSTOMER_AGENT = 0x0010
    CUSTOMER_ADMIN = 0x0020
    CUSTOMER_MANAGER = 0x0040


class AgentStatus(StrEnum):
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    OFFLINE = "offline"
    RINGING = "ringing"


class RingMethod(StrEnum):
    RINGALL = "ringall"
    LINEAR = "linear"


class Agent(ResourceBase, table=True):
    """A human user of a customer (login = username)."""

    __tablename__ = "agents"
    __table_args__ = (
        # usernames are global logins; a soft-deleted agent frees its name
        sa.Index(
            "uq_agents_username_live",
            "username",
            unique=True,
            postgresql_where=sa.text("tm_delete IS NULL"),
        ),
        sa.Index("ix_agents_customer_id_tm_create", "customer_id", "tm_create"),
    )

    username: str = Field(max_length=255)
    password_hash: str = Field(max_length=255)
    name: str = Field(default="", max_length=255)
    detail: str = Field(default="", max_length=2000)
    ring_method: str = Field(default=RingMethod.RINGALL.value, max_length=16)
    status: str = Field(default=AgentStatus.OFFLINE.value, max_length=16)
    permission: int = Field(default=int(Permission.CUSTOMER_AGENT))
    disabled: bool = Field(default=False)
    addresses: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    tag_ids: list[str] = Field(default_factory=list, sa_type=JSONB)
