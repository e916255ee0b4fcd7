"""`voipbin dev`: lock → backing servers → migrate → seed → children → wait → stop.

One asyncio supervisor owns every process it starts. A signal, a startup failure or a
child's death all end in the same `_stop_all`, which stops children in reverse start
order (SIGTERM, SIGKILL after a grace period) and then the embedded servers, so nothing
is left running or listening.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from voipbin.config import Settings
from voipbin.devstack.children import (
    ChildSpec,
    child_env,
    dev_children,
    simulator_ari_nodes,
    simulator_available,
    simulator_nodes,
)
from voipbin.devstack.embedded import Backends, BackendStack
from voipbin.devstack.lock import DevLock, LockHeldError
from voipbin.devstack.probes import StartupError, require_free_port, wait_until
from voipbin.devstack.process import ManagedProcess

CHILD_GRACE_SECONDS = 10.0


def run_dev(settings: Settings) -> int:
    """Run the whole stack in the foreground; return the process exit code."""
    state_dir = settings.dev.state_dir.resolve()
    lock = DevLock(state_dir)
    try:
        lock.acquire()
    except LockHeldError as exc:
        _err(str(exc))
        return 1
    try:
        return asyncio.run(_Supervisor(settings, state_dir).run())
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 130
    finally:
        lock.release()


class _Supervisor:
    def __init__(self, settings: Settings, state_dir: Path) -> None:
        self.settings = settings
        self.state_dir = state_dir
        self.logs_dir = state_dir / "logs"
        self.backends = BackendStack(settings, state_dir)
        self.children: list[ManagedProcess] = []
        self.with_simulator = simulator_available()

    async def run(self) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # SIGHUP too: closing the terminal must not kill us before the children, which
        # live in their own sessions and would otherwise run on unsupervised.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        startup = asyncio.create_task(self._start_all())
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({startup, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not startup.done():
                _say("interrupted during startup")
                startup.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await startup
                return 0
            try:
                lines = startup.result()
            except StartupError as exc:
                _report_failure(str(exc), exc.tail)
                return 1
            except Exception as exc:  # migration or seed: show where, then clean up
                trace = traceback.format_exception(exc)
                _report_failure(f"startup failed: {exc!r}", "".join(trace).splitlines())
                return 1
            print("\n".join(lines), flush=True)
            return await self._watch(stopping)
        finally:
            stopping.cancel()
            _say("stopping")
            await self._stop_all()
            _say("stopped")

    async def _start_all(self) -> list[str]:
        """Bring everything up; return the banner to print."""
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        self._check_ports()
        backends = await self.backends.start()
        attached = [n for n in ("postgres", "redis", "temporal") if n not in backends.embedded]
        _say(
            "servers ready (embedded: "
            f"{', '.join(backends.embedded) or 'none'}; attached: {', '.join(attached) or 'none'})"
        )

        _say("migrating the database to head")
        from voipbin.migrations import upgrade_to

        await asyncio.to_thread(upgrade_to, backends.database_url, "head")

        seeded = self.settings.model_copy(
            update={
                "database_url": backends.database_url,
                "redis_url": backends.redis_url,
                "temporal_address": backends.temporal_address,
            }
        )
        from voipbin.seed import seed_demo

        _say("seeding the demo customer (idempotent)")
        report = await seed_demo(seeded)

        if not self.with_simulator:
            _say("WARNING: telephony.simulator is not importable yet; starting without it")
        env = child_env(
            os.environ,
            database_url=backends.database_url,
            redis_url=backends.redis_url,
            temporal_address=backends.temporal_address,
            ari_nodes=simulator_ari_nodes() if self.with_simulator else None,
        )
        specs = dev_children(
            self.settings,
            temporal_address=backends.temporal_address,
            recordings_dir=self.state_dir / "recordings",
            with_simulator=self.with_simulator,
        )
        (self.state_dir / "recordings").mkdir(exist_ok=True)
        for stage in sorted({spec.stage for spec in specs}):
            await self._start_stage([spec for spec in specs if spec.stage == stage], env)
        return self._banner(backends, report.lines())

    def _check_ports(self) -> None:
        # Checked before anything starts so a busy port costs nothing to clean up.
        ports = [("api", self.settings.dev.api_port)]
        if self.with_simulator:
            ports += [(f"simulator {node.name}", node.port) for node in simulator_nodes()]
        for name, port in ports:
            require_free_port(name, port, "stop whatever uses it or choose another port")

    async def _start_stage(self, specs: list[ChildSpec], env: dict[str, str]) -> None:
        """Spawn a stage's children together and wait until every one is ready.

        `self.children` keeps the table's order whatever order they become ready in, so
        shutdown is always the reverse of the table.
        """
        started: list[tuple[ChildSpec, ManagedProcess]] = []
        for spec in specs:
            child = ManagedProcess(
                spec.name, spec.argv, log_path=self.logs_dir / f"{spec.name}.log", env=env
            )
            self.children.append(child)
            await child.start()
            started.append((spec, child))
        try:
            async with asyncio.TaskGroup() as group:
                for spec, child in started:
                    group.create_task(self._until_ready(spec, child))
        except* StartupError as failures:
            # Report the first child that failed; its siblings were cancelled, not broken.
            raise failures.exceptions[0] from None

    async def _until_ready(self, spec: ChildSpec, child: ManagedProcess) -> None:
        await wait_until(spec.probe(child), what=spec.name, within=spec.ready_within, process=child)
        _say(f"{spec.name} ready (pid {child.pid}, log {child.log_path})")

    async def _watch(self, stopping: asyncio.Task[bool]) -> int:
        """Wait for a signal (exit 0) or the first unexpected death (exit 1)."""
        watched: dict[asyncio.Future[Any], str] = {}
        logs: dict[str, list[str]] = {}
        for child in self.children:
            watched[asyncio.ensure_future(child.wait())] = child.name
        for server in (self.backends.redis, self.backends.temporal):
            if server is not None:
                watched[asyncio.ensure_future(server.process.wait())] = server.process.name
        if self.backends.postgres is not None:
            watched[asyncio.ensure_future(_pid_gone(self.backends.postgres.pid))] = "postgres"
        try:
            done, _ = await asyncio.wait({stopping, *watched}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in watched:
                future.cancel()
        if stopping in done:
            return 0
        name = next(watched[future] for future in done if future in watched)
        for process in [*self.children, *self._server_processes()]:
            logs[process.name] = process.tail()
        postgres_log = self.state_dir / "postgres" / "log"
        if name == "postgres" and postgres_log.exists():
            logs["postgres"] = postgres_log.read_text(errors="replace").splitlines()[-40:]
        _report_failure(f"{name} exited unexpectedly", logs.get(name, []))
        return 1

    def _server_processes(self) -> list[ManagedProcess]:
        servers = (self.backends.redis, self.backends.temporal)
        return [server.process for server in servers if server is not None]

    async def _stop_all(self) -> None:
        for child in reversed(self.children):
            if child.running:
                _say(f"stopping {child.name}")
            if await child.stop(CHILD_GRACE_SECONDS):
                _say(f"{child.name} ignored SIGTERM for {CHILD_GRACE_SECONDS:.0f} s; killed")
        await self.backends.stop()

    def _banner(self, backends: Backends, seed_lines: list[str]) -> list[str]:
        api = f"http://127.0.0.1:{self.settings.dev.api_port}"
        rows = [
            ("GraphQL", f"{api}/graphql"),
            ("Console", f"{api}/console"),
            ("Health", f"{api}/health  (readiness {api}/ready)"),
            ("Metrics", f"{api}/metrics"),
        ]
        if backends.temporal_ui_url is not None:
            rows.append(("Temporal UI", backends.temporal_ui_url))
        if self.with_simulator:
            for node in simulator_nodes():
                rows.append((f"ARI {node.name}", f"{node.ari_url}  (voipbin/voipbin)"))
                rows.append((f"Sim {node.name}", node.sim_url))
        rows += [
            ("PostgreSQL", _hide_password(backends.database_url)),
            ("Redis", backends.redis_url),
            ("Temporal", backends.temporal_address),
            ("State", str(self.state_dir)),
            ("Logs", str(self.logs_dir)),
        ]
        width = max(len(label) for label, _ in rows)
        lines = ["", "voipbin dev is up. Ctrl-C stops everything.", ""]
        lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
        lines += ["", *seed_lines, ""]
        return lines


async def _pid_gone(pid: int | None) -> None:
    """Completes when a process we did not spawn (the postmaster) disappears."""
    import psutil

    if pid is None:
        await asyncio.Event().wait()
        return
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        await asyncio.sleep(1.0)


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True).replace("%2F", "/")
    except Exception:  # not a SQLAlchemy URL: print as given
        return url


def _report_failure(message: str, tail: list[str]) -> None:
    _err(message)
    if tail:
        _err("last output:")
        for line in tail:
            print(f"    {line}", file=sys.stderr)
    sys.stderr.flush()


def _say(message: str) -> None:
    print(f"voipbin dev: {message}", flush=True)


def _err(message: str) -> None:
    print(f"voipbin dev: {message}", file=sys.stderr, flush=True)
