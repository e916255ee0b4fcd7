"""/ready: each dependency reported on its own (DESIGN §2)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import sqlalchemy as sa

from voipbin.services import Services
from voipbin.telephony_nodes import NodeStates, parse_nodes


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


async def telephony_nodes(services: Services) -> list[dict[str, Any]]:
    """Each configured ARI node as the sentinel last saw it (UNKNOWN: not reported lately).

    Informational: the API serves reads and queues work without a media server, so a down
    node does not make the API unready; it does stop new channels being placed there."""
    nodes = parse_nodes(services.settings.ari)
    try:
        states = await NodeStates(
            services.redis, services.settings.ari.node_state_ttl_seconds
        ).read([n.name for n in nodes])
    except Exception:  # Redis down: already reported by its own check
        states = {}
    out = []
    for node in nodes:
        state = states.get(node.name)
        out.append(
            {
                "name": node.name,
                "role": node.farm,
                "status": state.status.upper() if state else "UNKNOWN",
                "accepts_channels": bool(state and state.accepts_channels),
                "since": state.since if state else None,
            }
        )
    return out


async def check_all(services: Services) -> dict[str, dict[str, Any]]:
    pg, rd, tp = await asyncio.gather(
        _timed(_postgres(services)), _timed(_redis(services)), _timed(_temporal(services))
    )
    return {"postgres": pg, "redis": rd, "temporal": tp}
