from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.common import Connection
from schema.recordings import Recording, RecordingFilter
from voipbin.recordings.models import Recording as RecordingRow
from voipbin.recordings.service import RecordingFilter as Filter


@strawberry.type
class RecordingQueries:
    @strawberry.field
    async def recording(self, info: Info, id: UUID) -> Recording:
        service = info.context.services.recordings
        row = await service.get(info.context.user, id)
        return Recording.from_model(row, service.download_url(row))

    @strawberry.field
    async def recordings(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: RecordingFilter | None = None,
    ) -> Connection[Recording]:
        service = info.context.services.recordings
        f = filter or RecordingFilter()
        page = await service.list_page(
            info.context.user,
            page_args(first, after, last, before),
            Filter(f.reference_id, f.status.value if f.status else None),
        )

        def convert(row: RecordingRow) -> Recording:
            return Recording.from_model(row, service.download_url(row))

        return Connection[Recording].from_page(page, convert)
