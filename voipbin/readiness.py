"""/ready: each dependency reported on its own (DESIGN §2)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import sqlalchemy as sa

from voipbin.services import Services


async def _timed(coro: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(coro, timeout=2.0)
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    except Exception as exc:  # any failure means "not ready"; the text says why
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


async def _postgres(services: Services) -> None:
    async with services.engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))


async def _redis(services: Services) -> None:
    await services.redis.ping()


async def _temporal(services: Services) -> None:
    client = await services.temporal()
    await client.service_client.check_health()


async def check_all(services: Services) -> dict[str, dict[str, Any]]:
    pg, rd, tp = await asyncio.gather(
        _timed(_postgres(services)), _timed(_redis(services)), _timed(_temporal(services))
    )
    return {"postgres": pg, "redis": rd, "temporal": tp}
