from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voipbin.db import ResourceBase, utcnow


class AccessKey(ResourceBase, table=True):
    """An API key `ak_<32>`; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "access_keys"
    __table_args__ = (sa.Index("ix_access_keys_customer_id_tm_create", "customer_id", "tm_create"),)

    name: str = Field(default="", max_length=255)
    detail: str = Field(default="", max_length=2000)
    token_hash: str = Field(max_length=64, unique=True)
    token_prefix: str = Field(max_length=16)
    tm_expire: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_revoke: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class RefreshToken(SQLModel, table=True):
    """One link of a rotating refresh-token family; reuse of a used link kills the family."""

    __tablename__ = "refresh_tokens"

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    customer_id: UUID = Field(index=True)
    agent_id: UUID = Field(index=True)
    family_id: UUID = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True)
    tm_create: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_expire: datetime = Field(sa_type=sa.DateTime(timezone=True))
    tm_used: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_revoke: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
