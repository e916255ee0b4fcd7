"""Pidfiles for the servers we spawn, so a run killed with SIGKILL does not wedge the next.

The dev lock guarantees no live `voipbin dev` owns the state folder, so a server still
running from a pidfile there is a leftover of a crashed run: stop it before starting a
fresh one on the same data (two Redis or Temporal servers on one data file would corrupt it).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import psutil


def stop_leftover(pidfile: Path, executable: str, grace: float = 10.0) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (FileNotFoundError, ValueError):
        return
    with contextlib.suppress(psutil.NoSuchProcess):
        proc = psutil.Process(pid)
        # The PID may have been reused by an unrelated process since: only act on ours.
        if Path(executable).name in " ".join(proc.cmdline()):
            proc.terminate()
            try:
                proc.wait(grace)
            except psutil.TimeoutExpired:
                proc.kill()
    pidfile.unlink(missing_ok=True)


def write_pidfile(pidfile: Path, pid: int) -> None:
    pidfile.write_text(f"{pid}\n")
