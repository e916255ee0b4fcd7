"""The embedded servers start, answer, keep their data across a restart and stop cleanly."""

from __future__ import annotations

import sys
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis.asyncio as aioredis
from temporalio.client import Client

from tests.helpers.ports import free_port
from voipbin.devstack.databases import connect_kwargs
from voipbin.devstack.postgres import EmbeddedPostgres
from voipbin.devstack.probes import Probe, StartupError, port_is_free, wait_until
from voipbin.devstack.process import ManagedProcess, group_members
from voipbin.devstack.redis_server import EmbeddedRedis
from voipbin.devstack.temporal_server import TemporalDevServer


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def test_redis_keeps_data_across_restart_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    server = EmbeddedRedis(tmp_path / "redis", port)
    url = await server.start()
    assert url == f"redis://127.0.0.1:{port}/0"
    client = aioredis.Redis.from_url(url)
    await client.set("devstack:kept", "yes")
    await client.aclose()
    first_pid = server.process.pid
    assert first_pid is not None

    await server.stop()
    assert _gone(first_pid)
    assert port_is_free(port)

    await server.start()
    try:
        client = aioredis.Redis.from_url(url)
        assert await client.get("devstack:kept") == b"yes"
        await client.aclose()
    finally:
        await server.stop()
    assert port_is_free(port)


async def test_postgres_keeps_data_across_restart_and_stops_cleanly(scratch_dir: Path) -> None:
    server = EmbeddedPostgres(scratch_dir / "postgres")
    url = await server.start("voipbin")
    assert url.startswith("postgresql+asyncpg://")
    assert "/voipbin?" in url
    conn = await asyncpg.connect(**connect_kwargs(url))
    await conn.execute("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('yes')")
    await conn.close()
    first_pid = server.pid
    assert first_pid is not None

    await server.stop()
    assert _gone(first_pid)
    assert not (scratch_dir / "postgres" / "postmaster.pid").exists()

    url = await server.start("voipbin")  # "voipbin" exists now: must not fail
    try:
        conn = await asyncpg.connect(**connect_kwargs(url))
        assert await conn.fetchval("SELECT value FROM kept") == "yes"
        await conn.close()
    finally:
        second_pid = server.pid
        await server.stop()
    assert second_pid is not None
    assert _gone(second_pid)


async def test_temporal_dev_server_answers_and_frees_its_ports(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    server = TemporalDevServer(
        tmp_path / "temporal.db", port, ui_port=ui_port, log_path=tmp_path / "temporal.log"
    )
    address = await server.start()
    try:
        client = await Client.connect(address)
        assert client.namespace == "default"
    finally:
        await server.stop()
    assert (tmp_path / "temporal.db").exists()
    assert port_is_free(port)
    assert port_is_free(ui_port)


async def test_stop_leaves_no_grandchild(tmp_path: Path) -> None:
    # A shell whose own child would outlive it if only the shell were signalled.
    process = ManagedProcess(
        "sleepy", ["sh", "-c", "sleep 300 & sleep 300"], log_path=tmp_path / "sleepy.log"
    )
    await process.start()
    assert process.pid is not None
    await wait_until(_group_has(process.pid, 3), what="sleepy", within=10, process=process)
    await process.stop(grace=2)
    assert group_members(process.pid) == []


async def test_wait_until_reports_an_early_death_with_its_output(tmp_path: Path) -> None:
    process = ManagedProcess(
        "crasher",
        [sys.executable, "-c", "print('boom: no config'); raise SystemExit(3)"],
        log_path=tmp_path / "crasher.log",
    )
    await process.start()

    async def never() -> bool:
        return False

    with pytest.raises(StartupError) as caught:
        await wait_until(never, what="crasher", within=30, process=process)
    assert "exited with code 3" in str(caught.value)
    assert any("boom: no config" in line for line in caught.value.tail)


def _group_has(pgid: int, count: int) -> Probe:
    async def probe() -> bool:
        return len(group_members(pgid)) >= count

    return probe
