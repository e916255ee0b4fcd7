"""A child process in its own process group, logging to a file, stoppable as a group.

Every server and child of `voipbin dev` runs through this class so that shutdown is one
rule everywhere: SIGTERM to the whole group, SIGKILL after a grace period, then sweep
whatever grandchild is left. Its own group also means a Ctrl-C in the terminal reaches
only the supervisor, which then stops the children in order instead of all at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import psutil

DEFAULT_GRACE_SECONDS = 10.0


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._proc: asyncio.subprocess.Process | None = None
        self._log_offset = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def returncode(self) -> int | None:
        return self._proc.returncode if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # Logs are appended across runs; remember where this run starts so a
            # failure shows this run's lines, not yesterday's.
            self._log_offset = log.tell()
            header = f"===== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(self.argv)}\n"
            log.write(header.encode())
            log.flush()
            spawn = asyncio.ensure_future(
                asyncio.create_subprocess_exec(
                    *self.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=self.env,
                    cwd=self.cwd,
                    start_new_session=True,
                )
            )
            try:
                self._proc = await asyncio.shield(spawn)
            except asyncio.CancelledError:
                # Ctrl-C while spawning: keep the handle so stop() can still reach the
                # child instead of leaving an unknown process behind.
                self._proc = await spawn
                raise

    async def wait(self) -> int:
        assert self._proc is not None, f"{self.name} was never started"
        return await self._proc.wait()

    async def stop(self, grace: float = DEFAULT_GRACE_SECONDS) -> bool:
        """SIGTERM the group, SIGKILL it after `grace` seconds, leave nothing behind.

        Returns True when SIGKILL was needed (worth telling: the child ignored SIGTERM).
        """
        if self._proc is None:
            return False
        pgid = self._proc.pid  # leader of its own session: pgid == pid
        killed = False
        if self._proc.returncode is None:
            _signal_group(pgid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self._proc.wait(), grace)
            except TimeoutError:
                _signal_group(pgid, signal.SIGKILL)
                await self._proc.wait()
                killed = True
        return await _sweep_group(pgid, grace) or killed

    def tail(self, lines: int = 40) -> list[str]:
        """The last lines this run wrote to its log (after our header line)."""
        return self.output()[-lines:]

    def output(self) -> list[str]:
        """Everything this run wrote to its log so far, without our header line."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                text = log.read().decode(errors="replace")
        except FileNotFoundError:
            return []
        return text.splitlines()[1:]


def group_members(pgid: int) -> list[psutil.Process]:
    """Live (non-zombie) processes of a process group."""
    members: list[psutil.Process] = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                members.append(proc)
        except (ProcessLookupError, psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return members


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def _sweep_group(pgid: int, grace: float) -> bool:
    # The leader is gone, but a grandchild (a hypercorn worker, a shell's child) may
    # still hold a port. Give it the same SIGTERM-then-SIGKILL treatment.
    if not group_members(pgid):
        return False
    _signal_group(pgid, signal.SIGTERM)
    for _ in range(max(1, int(grace / 0.1))):
        if not group_members(pgid):
            return False
        await asyncio.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)
    # SIGKILL cannot be refused; wait for the kernel to finish so ports are free on return.
    for _ in range(50):
        if not group_members(pgid):
            break
        await asyncio.sleep(0.1)
    return True
