from __future__ import annotations

from datetime import datetime
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from voipbin.events.envelope import Envelope


@strawberry.type(description="An event envelope (DESIGN §6). `eventId` is the dedupe key.")
class Event:
    event_id: strawberry.ID
    event_type: str
    timestamp: datetime
    customer_id: UUID
    agent_id: UUID | None
    resource_type: str
    resource_id: UUID
    sequence: int = strawberry.field(
        description="Grows by one per event of the same resource: order and dedupe by it."
    )
    data: JSON

    @classmethod
    def from_envelope(cls, event: Envelope) -> Event:
        return cls(
            event_id=strawberry.ID(str(event.event_id)),
            event_type=event.event_type,
            timestamp=event.timestamp,
            customer_id=event.customer_id,
            agent_id=event.agent_id,
            resource_type=event.resource_type,
            resource_id=event.resource_id,
            sequence=event.sequence,
            data=cast("JSON", event.data),
        )
