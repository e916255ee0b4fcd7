"""A second `voipbin dev` on the same state folder is refused at once, naming the holder."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from voipbin.config import Settings
from voipbin.devstack.lock import DevLock, LockHeldError
from voipbin.devstack.supervisor import run_dev

_HOLD_LOCK = """
import sys, time
from pathlib import Path
from voipbin.devstack.lock import DevLock
lock = DevLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def test_second_run_dev_is_refused_with_the_holders_pid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        settings = Settings(environment="test")
        settings.dev.state_dir = tmp_path

        started = time.monotonic()
        code = run_dev(settings)

        assert code != 0
        assert time.monotonic() - started < 5  # refused at once, nothing was started
        err = capsys.readouterr().err
        assert f"PID {holder.pid}" in err
        assert "already running" in err
        assert not (tmp_path / "postgres").exists()
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_free_again_once_the_holder_is_gone(tmp_path: Path) -> None:
    first = DevLock(tmp_path)
    first.acquire()
    with pytest.raises(LockHeldError):
        DevLock(tmp_path).acquire()
    first.release()

    with DevLock(tmp_path):
        pass
