"""GraphQL type of a call recording; `downloadUrl` is a short-lived owner-only link."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from voipbin.recordings.models import Recording as RecordingRow


@strawberry.enum
class RecordingStatus(Enum):
    INITIATING = "initiating"
    RECORDING = "recording"
    STOPPING = "stopping"
    ENDED = "ended"


@strawberry.type
class Recording:
    id: UUID
    customer_id: UUID
    owner_type: str
    owner_id: UUID | None
    reference_type: str = strawberry.field(description="call | confbridge")
    reference_id: UUID
    status: RecordingStatus
    format: str
    activeflow_id: UUID | None
    on_end_flow_id: UUID | None
    tm_start: datetime | None
    tm_end: datetime | None
    tm_create: datetime
    download_url: str | None = strawberry.field(
        description="GET it (no credentials needed) while its token is valid; null until ended."
    )

    @classmethod
    def from_model(cls, row: RecordingRow, download_url: str | None) -> Recording:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            owner_type=row.owner_type,
            owner_id=row.owner_id,
            reference_type=row.reference_type,
            reference_id=row.reference_id,
            status=RecordingStatus(row.status),
            format=row.format,
            activeflow_id=row.activeflow_id,
            on_end_flow_id=row.on_end_flow_id,
            tm_start=row.tm_start,
            tm_end=row.tm_end,
            tm_create=row.tm_create,
            download_url=download_url,
        )


@strawberry.input
class RecordingFilter:
    reference_id: UUID | None = None
    status: RecordingStatus | None = None
