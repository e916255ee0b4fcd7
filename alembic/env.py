"""Async Alembic environment: autogenerate compares against SQLModel.metadata."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from alembic import context
from voipbin.config import to_asyncpg_url
from voipbin.models import load_all_models

load_all_models()
config = context.config
target_metadata = SQLModel.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    url = to_asyncpg_url(config.get_main_option("sqlalchemy.url") or "")
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # handed in by pytest-alembic
        _configure(connection)
        return
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online())


run()
