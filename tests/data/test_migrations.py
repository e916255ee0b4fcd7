"""One Alembic history: head on an empty database is exactly the models; base is empty."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from voipbin.devstack.databases import create_database, drop_database
from voipbin.migrations import alembic_config, downgrade_to, upgrade_to
from voipbin.models import load_all_models


@pytest.fixture
async def empty_db(pg_server_url: str) -> AsyncIterator[str]:
    name = f"voipbin_mig_{uuid.uuid4().hex[:8]}"
    url = await create_database(pg_server_url, name)
    yield url
    await drop_database(pg_server_url, name)


async def _diff(url: str) -> list[object]:
    load_all_models()
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:

            def compare(sync_conn: sa.Connection) -> list[object]:
                ctx = MigrationContext.configure(
                    sync_conn, opts={"compare_type": True, "compare_server_default": True}
                )
                return list(compare_metadata(ctx, SQLModel.metadata))

            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text("select tablename from pg_tables where schemaname='public'")
            )
            return {r[0] for r in rows}
    finally:
        await engine.dispose()


def test_there_is_a_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("postgresql://unused/none"))
    assert len(script.get_heads()) == 1


async def test_upgrade_yields_the_models_and_downgrade_removes_everything(empty_db: str) -> None:
    await asyncio.to_thread(upgrade_to, empty_db, "head")
    assert await _diff(empty_db) == []
    assert {"customers", "agents", "access_keys", "audit_logs", "outbox_events"} <= await _tables(
        empty_db
    )
    await asyncio.to_thread(downgrade_to, empty_db, "base")
    assert await _tables(empty_db) <= {"alembic_version"}
    # and back up again: every revision's downgrade left a clean slate
    await asyncio.to_thread(upgrade_to, empty_db, "head")
    assert await _diff(empty_db) == []
