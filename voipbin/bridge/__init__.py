"""`voipbin bridge`: ARI → Temporal bridge (telephony issue)."""

from __future__ import annotations

import asyncio

import structlog

from voipbin.config import Settings
from voipbin.logging import configure_logging

log = structlog.get_logger(__name__)


async def run_bridge(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_json)
    log.info("bridge_idle", reason="no ARI nodes configured yet")
    await asyncio.Event().wait()
