"""The root fixtures hand out what they promise (tests/conftest.py)."""

from __future__ import annotations

import re

import asyncpg
import redis.asyncio as aioredis
from temporalio.client import Client

from voipbin.config import Settings
from voipbin.devstack.databases import connect_kwargs


async def test_database_url_is_a_fresh_database_migrated_to_head(database_url: str) -> None:
    assert database_url.startswith("postgresql+asyncpg://")
    kwargs = connect_kwargs(database_url)
    assert re.fullmatch(r"voipbin_test_[0-9a-f]{8}", kwargs["database"])
    conn = await asyncpg.connect(**kwargs)
    try:
        assert await conn.fetchval("SELECT count(*) FROM alembic_version") == 1
    finally:
        await conn.close()


async def test_redis_url_and_temporal_address_answer(redis_url: str, temporal_address: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    assert await client.ping()
    await client.aclose()
    assert (await Client.connect(temporal_address)).namespace == "default"


def test_settings_carry_the_session_servers(
    settings: Settings, database_url: str, redis_url: str, temporal_address: str
) -> None:
    assert settings.environment == "test"
    assert settings.database_url == database_url
    assert settings.redis_url == redis_url
    assert settings.temporal_address == temporal_address
