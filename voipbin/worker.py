"""`voipbin worker`: the Temporal worker process (workflows, activities, dispatcher)."""

from __future__ import annotations

import asyncio

import structlog

from voipbin.config import Settings
from voipbin.logging import configure_logging

log = structlog.get_logger(__name__)


async def run_worker(settings: Settings) -> None:
    from workflows.registry import run_workers

    configure_logging(settings.log_level, settings.log_json)
    log.info("worker_starting", temporal=settings.temporal_address)
    await run_workers(settings)


def main(settings: Settings) -> None:
    asyncio.run(run_worker(settings))
