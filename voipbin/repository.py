"""Tenant-scoped row access shared by every resource repository.

Every query takes `customer_id` and skips soft-deleted rows, so another customer's id is
simply not found (STYLE §3.6): there is no unscoped getter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from voipbin.errors import NotFound

R = TypeVar("R")


def live(model: Any, customer_id: UUID) -> list[sa.ColumnElement[bool]]:
    return [model.customer_id == customer_id, model.tm_delete.is_(None)]


async def get_scoped(
    session: AsyncSession, model: type[R], customer_id: UUID, row_id: UUID, *, lock: bool = False
) -> R | None:
    m: Any = model
    stmt = sa.select(model).where(m.id == row_id, *live(m, customer_id))
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalars().first()


async def require_scoped(
    session: AsyncSession,
    model: type[R],
    customer_id: UUID,
    row_id: UUID,
    resource: str,
    *,
    lock: bool = False,
) -> R:
    row = await get_scoped(session, model, customer_id, row_id, lock=lock)
    if row is None:
        raise NotFound(resource)
    return row


async def get_many_scoped(
    session: AsyncSession, model: type[R], customer_id: UUID, ids: Sequence[UUID]
) -> list[R | None]:
    """Rows in key order with None for misses: the DataLoader batch contract."""
    m: Any = model
    rows = await session.execute(sa.select(model).where(m.id.in_(ids), *live(m, customer_id)))
    by_id = {r.id: r for r in rows.scalars().all()}  # type: ignore[attr-defined]
    return [by_id.get(i) for i in ids]
