"""Recordings: get, list, the owner-only file download, and retention (hard delete of the
row and its file `recording_retention_days` after it ended, DESIGN §4).

The download URL carries a short-lived HMAC token bound to the recording and its
customer, so a browser can fetch the file without the Authorization header; without a
token the caller's own credentials are checked. Either way another customer's recording
is NOT_FOUND."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import sqlalchemy as sa
import structlog

from voipbin import repository as repo
from voipbin.auth.principal import Principal
from voipbin.config import Settings
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import NotFound
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.recordings.models import Recording, RecordingStatus

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RecordingFilter:
    reference_id: UUID | None = None
    status: str | None = None


class RecordingService:
    def __init__(self, settings: Settings, sessions: SessionFactory) -> None:
        self._settings = settings
        self._sessions = sessions
        self._key = hashlib.sha256(b"recording-file\0" + settings.auth.jwt_secret.encode()).digest()

    async def get(self, principal: Principal, recording_id: UUID) -> Recording:
        async with self._sessions() as session:
            return await repo.require_scoped(
                session, Recording, principal.customer_id, recording_id, "recording"
            )

    async def list_page(
        self, principal: Principal, args: PageArgs, filter: RecordingFilter
    ) -> Page[Recording]:
        where = repo.live(Recording, principal.customer_id)
        if filter.reference_id:
            where.append(Recording.reference_id == filter.reference_id)  # type: ignore[arg-type]
        if filter.status:
            where.append(Recording.status == filter.status)  # type: ignore[arg-type]
        async with self._sessions() as session:
            return await paginate(
                session, Recording, where, args, self._settings.limits.max_page_size
            )

    # -- download ------------------------------------------------------------------------

    def _sign(self, recording_id: UUID, customer_id: UUID, expires: int) -> str:
        message = f"{recording_id}.{customer_id}.{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def download_url(self, row: Recording) -> str | None:
        """`/recordings/<id>/file?token=...`, valid `download_token_ttl_seconds`."""
        if row.status != RecordingStatus.ENDED or not row.file_path:
            return None
        expires = int(time.time()) + self._settings.calls.download_token_ttl_seconds
        token = f"{row.customer_id}.{expires}.{self._sign(row.id, row.customer_id, expires)}"
        return f"/recordings/{row.id}/file?token={token}"

    def _customer_from_token(self, recording_id: UUID, token: str) -> UUID:
        try:
            customer, expires_text, signature = token.split(".")
            customer_id, expires = UUID(customer), int(expires_text)
        except ValueError:
            raise NotFound("recording") from None
        expected = self._sign(recording_id, customer_id, expires)
        if expires < time.time() or not hmac.compare_digest(expected, signature):
            raise NotFound("recording")
        return customer_id

    async def file(
        self, recording_id: UUID, *, principal: Principal | None, token: str | None
    ) -> Path:
        """The WAV of an ended recording, for its owner only (else NOT_FOUND)."""
        if token:
            customer_id = self._customer_from_token(recording_id, token)
        elif principal is not None:
            customer_id = principal.customer_id
        else:
            raise NotFound("recording")
        async with self._sessions() as session:
            row = await repo.get_scoped(session, Recording, customer_id, recording_id)
        exists = (
            row is not None
            and row.file_path
            and await asyncio.to_thread(Path(row.file_path).is_file)
        )
        if row is None or not exists:
            raise NotFound("recording")
        return Path(row.file_path)

    # -- retention -----------------------------------------------------------------------

    async def delete_expired(self) -> int:
        """Hard-delete recordings (row and file) older than the retention setting."""
        cutoff = utcnow() - timedelta(days=self._settings.calls.recording_retention_days)
        async with transaction(self._sessions) as session:
            rows = (
                (
                    await session.execute(
                        sa.delete(Recording)
                        .where(Recording.tm_end < cutoff)  # type: ignore[arg-type,operator]
                        .returning(Recording.__table__.c.file_path)  # type: ignore[attr-defined]
                    )
                )
                .scalars()
                .all()
            )
        for path in rows:
            if path:
                await asyncio.to_thread(Path(path).unlink, missing_ok=True)
        return len(rows)

    async def run_retention(self, interval_seconds: float = 3600.0) -> None:
        """The worker's periodic retention task (runs until cancelled)."""
        while True:
            try:
                deleted = await self.delete_expired()
                if deleted:
                    log.info("recordings_expired", deleted=deleted)
            except Exception:  # keep the loop alive: next turn retries
                log.exception("recording_retention_failed")
            await asyncio.sleep(interval_seconds)
