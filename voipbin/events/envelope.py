"""The event envelope of DESIGN §6, as published on Redis and sent to subscribers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from voipbin.events.models import OutboxEvent


@dataclass(frozen=True, slots=True)
class Envelope:
    event_id: UUID
    event_type: str
    timestamp: datetime
    customer_id: UUID
    agent_id: UUID | None
    resource_type: str
    resource_id: UUID
    sequence: int
    data: dict[str, Any]
    # publish order (see OutboxEvent.published_seq): subscribers drop anything not above
    # the last one they passed on, which removes restart duplicates and the replay seam
    published_seq: int

    @classmethod
    def from_row(cls, row: OutboxEvent) -> Envelope:
        if row.published_seq is None:
            raise ValueError("an event gets its envelope once it has a publish sequence")
        return cls(
            event_id=row.event_id,
            event_type=row.event_type,
            timestamp=row.tm_create,
            customer_id=row.customer_id,
            agent_id=row.agent_id,
            resource_type=row.resource_type,
            resource_id=row.resource_id,
            sequence=row.sequence,
            data=row.data,
            published_seq=row.published_seq,
        )

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "event_id": str(self.event_id),
                "event_type": self.event_type,
                "timestamp": self.timestamp.isoformat(),
                "customer_id": str(self.customer_id),
                "agent_id": str(self.agent_id) if self.agent_id else None,
                "resource_type": self.resource_type,
                "resource_id": str(self.resource_id),
                "sequence": self.sequence,
                "data": self.data,
                "published_seq": self.published_seq,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        d = orjson.loads(raw)
        return cls(
            event_id=UUID(d["event_id"]),
            event_type=d["event_type"],
            timestamp=datetime.fromisoformat(d["timestamp"]),
            customer_id=UUID(d["customer_id"]),
            agent_id=UUID(d["agent_id"]) if d.get("agent_id") else None,
            resource_type=d["resource_type"],
            resource_id=UUID(d["resource_id"]),
            sequence=int(d["sequence"]),
            data=d["data"],
            published_seq=int(d["published_seq"]),
        )
