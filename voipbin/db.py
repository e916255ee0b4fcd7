"""Async engine, sessions and the common resource columns (DESIGN §4)."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import UUID, uuid4

import sqlalchemy as sa
from pydantic._internal import _fields as pydantic_fields
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel import Field, SQLModel

from voipbin.config import to_asyncpg_url

# pydantic asks `inspect.signature` about a field's default_factory each time a table
# model is built (FieldInfo.default_factory_takes_validated_data is not cached, and
# parsing a builtin's text signature, `dict` or `list`, is slow): 8% of createCall's CPU
# (bench/calls.py under py-spy). The answer never changes for a given factory.
if hasattr(pydantic_fields, "takes_validated_data_argument"):
    pydantic_fields.takes_validated_data_argument = functools.cache(  # type: ignore[assignment]
        pydantic_fields.takes_validated_data_argument
    )

# Constraint names stable across autogenerate runs, so migrations never churn.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts_column(nullable: bool) -> sa.Column[datetime]:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable)


class ResourceBase(SQLModel):
    """Columns every resource table carries: id, tenant, create/update/soft-delete times."""

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    customer_id: UUID = Field(index=True)
    tm_create: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_update: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    tm_delete: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


def create_engine(database_url: str, pool_size: int = 10, *, pre_ping: bool = True) -> AsyncEngine:
    """`pre_ping` checks a pooled connection before each use (one round trip), so a
    request after a database restart does not fail. A Temporal worker goes without: an
    activity that meets a dead connection fails, the pool drops its old connections, and
    the retry runs on a new one."""
    return create_async_engine(
        to_asyncpg_url(database_url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
    )


SessionFactory = async_sessionmaker[AsyncSession]


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any exception."""
    async with sessions() as session, session.begin():
        yield session
