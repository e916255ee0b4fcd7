"""Fixtures shared by the `voipbin dev` tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from voipbin.devstack.databases import create_database, drop_database


@pytest.fixture
async def dev_database_url(pg_server_url: str) -> AsyncIterator[str]:
    """A database of its own: the dev seed must not land in the session's database."""
    name = f"voipbin_test_{uuid.uuid4().hex[:8]}"
    url = await create_database(pg_server_url, name)
    yield url
    await drop_database(pg_server_url, name)
