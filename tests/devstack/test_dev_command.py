"""`voipbin dev` end to end: comes up, answers /health, and Ctrl-C leaves nothing behind.

The first test attaches to the session's servers (fast); the second embeds all three
servers as a developer's first run would (skip it with VOIPBIN_SKIP_EMBEDDED_E2E=1).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.helpers.ports import free_port
from voipbin.devstack.children import simulator_available, simulator_nodes, voipbin_argv
from voipbin.devstack.probes import port_is_free

STARTUP_SECONDS = 120
SHUTDOWN_SECONDS = 60
_BACKEND_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "TEMPORAL_ADDRESS",
    "VOIPBIN_DATABASE_URL",
    "VOIPBIN_REDIS_URL",
    "VOIPBIN_TEMPORAL_ADDRESS",
)


async def test_dev_attached_to_given_servers_starts_and_stops_cleanly(
    tmp_path: Path, dev_database_url: str, redis_url: str, temporal_address: str
) -> None:
    env = _env_without_backends()
    env.update(
        DATABASE_URL=dev_database_url, REDIS_URL=redis_url, TEMPORAL_ADDRESS=temporal_address
    )
    await _start_interrupt_and_check(tmp_path, env)


@pytest.mark.skipif(
    bool(os.environ.get("VOIPBIN_SKIP_EMBEDDED_E2E")), reason="VOIPBIN_SKIP_EMBEDDED_E2E is set"
)
async def test_dev_fully_embedded_starts_and_stops_cleanly(scratch_dir: Path) -> None:
    ports = {
        "VOIPBIN_DEV__REDIS_PORT": free_port(),
        "VOIPBIN_DEV__TEMPORAL_PORT": free_port(),
        "VOIPBIN_DEV__TEMPORAL_UI_PORT": free_port(),
    }
    env = _env_without_backends()
    env.update({name: str(port) for name, port in ports.items()})
    state_dir = await _start_interrupt_and_check(scratch_dir, env, extra_ports=list(ports.values()))

    assert (state_dir / "postgres" / "PG_VERSION").exists()
    assert (state_dir / "temporal.db").exists()
    # The postmaster is not our child (pg_ctl daemonizes it): find it by its data folder.
    leftovers = _processes_mentioning(str(state_dir))
    assert leftovers == [], f"still running after shutdown: {leftovers}"


async def _start_interrupt_and_check(
    work_dir: Path, env: dict[str, str], extra_ports: list[int] | None = None
) -> Path:
    state_dir = work_dir / "state"
    api_port = free_port()
    output = work_dir / "dev.out"
    with output.open("wb") as out:
        dev = subprocess.Popen(
            [*voipbin_argv(), "dev", "--state-dir", str(state_dir), "--api-port", str(api_port)],
            env=env,
            cwd=work_dir,  # away from the repo's .env
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    descendants: list[psutil.Process] = []
    try:
        await _wait_healthy(dev, api_port, output)
        descendants = psutil.Process(dev.pid).children(recursive=True)
        assert descendants, "voipbin dev runs its children as subprocesses"

        dev.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(dev.wait, SHUTDOWN_SECONDS)
        assert code == 0, _show(output)
        survivors = [p for p in descendants if _alive(p)]
        assert survivors == [], f"children left running: {survivors}\n{_show(output)}"
        ports = [api_port, *(extra_ports or [])]
        if simulator_available():
            ports += [node.port for node in simulator_nodes()]
        busy = [port for port in ports if not port_is_free(port)]
        assert busy == [], f"ports still listening: {busy}\n{_show(output)}"
        text = output.read_text()
        assert "voipbin dev is up" in text
        started = re.findall(r"voipbin dev: (\w+) ready \(pid", text)
        stopped = re.findall(r"voipbin dev: stopping (\w+)$", text, flags=re.MULTILINE)
        expected = ["api", "bridge", "worker"] + (["simulator"] if simulator_available() else [])
        assert sorted(started) == sorted(expected)
        assert stopped == expected, "children stop in reverse start order"
    finally:
        _kill_if_running(dev, descendants)
    return state_dir


async def _wait_healthy(dev: subprocess.Popen[bytes], api_port: int, output: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            if dev.poll() is not None:
                pytest.fail(f"voipbin dev exited with {dev.returncode}:\n{_show(output)}")
            try:
                response = await client.get(f"http://127.0.0.1:{api_port}/health")
                # /health can answer a moment before the supervisor's own probe sees it;
                # the banner is its word that every child is up.
                if response.status_code == 200 and "voipbin dev is up" in output.read_text():
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
    pytest.fail(f"not up (/health + banner) within {STARTUP_SECONDS} s:\n{_show(output)}")


def _env_without_backends() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _BACKEND_VARIABLES}
    env.pop("VOIPBIN_DEV__STATE_DIR", None)
    return env


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if text in cmdline and _alive(proc):
            found.append(f"{proc.pid}: {cmdline}")
    return found


def _kill_if_running(dev: subprocess.Popen[bytes], descendants: list[psutil.Process]) -> None:
    # Only after a failed assertion: never leak processes into the rest of the session.
    # SIGTERM first, so `voipbin dev` still stops its embedded servers itself.
    if dev.poll() is None:
        with contextlib.suppress(psutil.NoSuchProcess):
            descendants = descendants + psutil.Process(dev.pid).children(recursive=True)
        dev.terminate()
        try:
            dev.wait(SHUTDOWN_SECONDS)
        except subprocess.TimeoutExpired:
            dev.kill()
            dev.wait()
    for proc in descendants:
        if _alive(proc):
            proc.kill()


def _show(output: Path) -> str:
    lines = output.read_text(errors="replace").splitlines()
    return "\n".join(lines[-80:])
