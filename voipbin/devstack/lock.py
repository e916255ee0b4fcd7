"""One `voipbin dev` per state folder: an fcntl lock on `<state_dir>/dev.lock`.

flock is released by the kernel when the holder dies, so a crashed run never leaves a
stale lock behind; the PID written into the file is only there for the error message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class LockHeldError(RuntimeError):
    def __init__(self, path: Path, holder_pid: int | None) -> None:
        holder = f"PID {holder_pid}" if holder_pid is not None else "another process"
        super().__init__(
            f"another `voipbin dev` ({holder}) is already running with this state folder "
            f"(lock {path}); stop it first or pass a different --state-dir"
        )
        self.path = path
        self.holder_pid = holder_pid


class DevLock:
    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "dev.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" so a failed attempt does not truncate the holder's PID before we read it.
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            raise LockHeldError(self.path, int(text) if text.isdigit() else None) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        # Empty the PID first: after the unlock the file is only a stale hint.
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None

    def __enter__(self) -> DevLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
