"""The one helper every service calls to record an event with its state change (DESIGN §6).

The row is written in the caller's transaction, so an event exists if and only if the
change committed. `pg_notify` is transactional too: the dispatcher is woken at commit.

`emit` is one statement (sequence upsert, outbox insert and notify as CTEs): it runs in
every call state change, so its round trips count (it was three, DESIGN §12). For the
same reason it builds no ORM row: what it returns is the stored event's identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from voipbin.db import utcnow
from voipbin.events.models import OutboxEvent, ResourceSequence

NOTIFY_CHANNEL = "voipbin_outbox"

_SEQUENCES = ResourceSequence.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxEvent.__table__  # type: ignore[attr-defined]


def _emit_statement() -> Any:
    """Sequence upsert → outbox insert → notify, as one statement with named parameters.
    Built once: SQLAlchemy then compiles it once, instead of for every event."""
    seq_cte = (
        insert(_SEQUENCES)
        .values(
            resource_type=sa.bindparam("resource_type", type_=sa.String),
            resource_id=sa.bindparam("resource_id", type_=_OUTBOX.c.resource_id.type),
            last_sequence=1,
        )
        # last sequence + 1 of the resource; the upsert's row lock serialises writers
        .on_conflict_do_update(
            index_elements=["resource_type", "resource_id"],
            set_={"last_sequence": _SEQUENCES.c.last_sequence + 1},
        )
        .returning(_SEQUENCES.c.last_sequence)
        .cte("seq")
    )
    columns = ["event_id", "event_type", "customer_id", "agent_id", "resource_type"]
    columns += ["resource_id", "data", "tm_create", "sequence"]
    values = [
        sa.bindparam("event_id", type_=_OUTBOX.c.event_id.type),
        sa.bindparam("event_type", type_=sa.String),
        sa.bindparam("customer_id", type_=_OUTBOX.c.customer_id.type),
        sa.bindparam("agent_id", type_=_OUTBOX.c.agent_id.type),
        sa.bindparam("resource_type", type_=sa.String),
        sa.bindparam("resource_id", type_=_OUTBOX.c.resource_id.type),
        sa.bindparam("data", type_=JSONB),
        sa.bindparam("tm_create", type_=_OUTBOX.c.tm_create.type),
        seq_cte.c.last_sequence,
    ]
    row_cte = (
        sa.insert(_OUTBOX)
        .from_select(columns, sa.select(*values).select_from(seq_cte))
        .returning(_OUTBOX.c.position, _OUTBOX.c.sequence)
        .cte("row")
    )
    return sa.select(
        row_cte.c.position,
        row_cte.c.sequence,
        sa.func.pg_notify(NOTIFY_CHANNEL, sa.cast(row_cte.c.position, sa.Text)),
    )


_EMIT = _emit_statement()


@dataclass(frozen=True)
class Emitted:
    """An event as the outbox stored it."""

    event_id: UUID
    position: int
    sequence: int


async def emit(
    session: AsyncSession,
    *,
    customer_id: UUID,
    event_type: str,
    resource_type: str,
    resource_id: UUID,
    data: dict[str, Any],
    agent_id: UUID | None = None,
) -> Emitted:
    """Append an event to the outbox inside the caller's open transaction."""
    # Pending ORM changes first, as a flush here always did: the event follows its change.
    await session.flush()
    event_id = uuid4()
    params = {
        "event_id": event_id,
        "event_type": event_type,
        "customer_id": customer_id,
        "agent_id": agent_id,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "data": data,
        "tm_create": utcnow(),
    }
    position, sequence, _ = (await session.execute(_EMIT, params)).one()
    return Emitted(event_id, int(position), int(sequence))
