"""Keyset pagination for Relay connections, newest first (tm_create DESC, id DESC)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from voipbin.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int


def encode_cursor(tm_create: datetime, row_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{tm_create.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str, field: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        ts, rid = raw.split("|", 1)
        return datetime.fromisoformat(ts), UUID(rid)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(field, f"`{field}` is not a valid cursor") from exc


def check_args(args: PageArgs, max_page_size: int, default_size: int = 20) -> None:
    for name, value in (("first", args.first), ("last", args.last)):
        if value is not None and not 0 <= value <= max_page_size:
            raise InvalidInput(name, f"`{name}` must be between 0 and {max_page_size}")
    if args.first is not None and args.last is not None:
        raise InvalidInput("last", "use either `first` or `last`, not both")


async def paginate(
    session: AsyncSession,
    model: Any,
    where: Sequence[sa.ColumnElement[bool]],
    args: PageArgs,
    max_page_size: int,
) -> Page[Any]:
    """One page of `model` rows matching `where`, plus the total count (two statements)."""
    check_args(args, max_page_size)
    ts_col, id_col = model.tm_create, model.id
    conditions = list(where)
    backwards = args.last is not None
    size = (args.last if backwards else args.first) or 0
    if args.first is None and args.last is None:
        size = 20
    if args.after:
        ts, rid = decode_cursor(args.after, "after")
        conditions.append(sa.tuple_(ts_col, id_col) < sa.tuple_(sa.literal(ts), sa.literal(rid)))
    if args.before:
        ts, rid = decode_cursor(args.before, "before")
        conditions.append(sa.tuple_(ts_col, id_col) > sa.tuple_(sa.literal(ts), sa.literal(rid)))
    order = (ts_col.asc(), id_col.asc()) if backwards else (ts_col.desc(), id_col.desc())
    stmt = sa.select(model).where(*conditions).order_by(*order).limit(size + 1)
    rows = list((await session.execute(stmt)).scalars().all())
    extra = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    total = (
        await session.execute(sa.select(sa.func.count()).select_from(model).where(*where))
    ).scalar_one()
    return Page(
        items=rows,
        cursors=[encode_cursor(r.tm_create, r.id) for r in rows],
        has_next_page=extra if not backwards else args.before is not None,
        has_previous_page=extra if backwards else args.after is not None,
        total_count=int(total),
    )
