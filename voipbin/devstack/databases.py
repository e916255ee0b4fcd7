"""Create and drop databases on a PostgreSQL server given by a SQLAlchemy URL.

Used by `voipbin dev` (the `voipbin` database on the embedded server) and by the test
fixtures (one fresh database per test session).
"""

from __future__ import annotations

from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import URL, make_url

from voipbin.config import to_asyncpg_url


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    parsed = make_url(to_asyncpg_url(url)).set(database=database)
    return _render(parsed)


def connect_kwargs(url: str) -> dict[str, Any]:
    """asyncpg.connect keyword arguments for a SQLAlchemy URL (TCP or unix socket)."""
    parsed = make_url(to_asyncpg_url(url))
    host = parsed.host or parsed.query.get("host")
    kwargs: dict[str, Any] = {
        "user": parsed.username or "postgres",
        "database": parsed.database or "postgres",
    }
    if host:
        kwargs["host"] = host if isinstance(host, str) else host[0]
    if parsed.port:
        kwargs["port"] = parsed.port
    if parsed.password:
        kwargs["password"] = parsed.password
    return kwargs


async def database_exists(url: str, database: str) -> bool:
    conn = await asyncpg.connect(**connect_kwargs(with_database(url, "postgres")))
    try:
        found = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
    finally:
        await conn.close()
    return found is not None


async def create_database(url: str, database: str, *, exist_ok: bool = False) -> str:
    """Create `database` on the server of `url`; return the URL of the new database."""
    if not (exist_ok and await database_exists(url, database)):
        conn = await asyncpg.connect(**connect_kwargs(with_database(url, "postgres")))
        try:
            await conn.execute(f'CREATE DATABASE "{_identifier(database)}"')
        finally:
            await conn.close()
    return with_database(url, database)


async def drop_database(url: str, database: str) -> None:
    """Drop `database`, first ending the sessions a test or child may have left open."""
    conn = await asyncpg.connect(**connect_kwargs(with_database(url, "postgres")))
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        await conn.execute(f'DROP DATABASE IF EXISTS "{_identifier(database)}"')
    finally:
        await conn.close()


def _identifier(name: str) -> str:
    # Database names come from code (voipbin, voipbin_test_<hex>), never from users;
    # refuse anything that would need quoting rather than try to quote it.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"refusing unusual database name {name!r}")
    return name


def _render(url: URL) -> str:
    # render_as_string percent-encodes a socket path in ?host=; written plainly the URL
    # stays readable when `voipbin dev` prints it, and SQLAlchemy parses both forms alike.
    # Only the query is written by hand: the password keeps SQLAlchemy's escaping.
    base = url.set(query={}).render_as_string(hide_password=False)
    if not url.query:
        return base
    pairs: list[str] = []
    for key, value in url.query.items():
        values = [value] if isinstance(value, str) else list(value)
        pairs.extend(f"{key}={item}" for item in values)
    return base + "?" + "&".join(pairs)
