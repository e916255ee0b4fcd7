"""The product's own processes under `voipbin dev`, in start order, with their probes.

One table (`dev_children`) says what runs and how we know it is ready; the supervisor
only walks it. Adjust the simulator here: `SIMULATOR_ARGS` is its whole command line.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil

from voipbin.config import Settings
from voipbin.devstack.probes import Probe, http_ok
from voipbin.devstack.process import ManagedProcess

# `python <SIMULATOR_ARGS>`; {recordings_dir} is filled in. Ports follow DESIGN §5.1
# (18088, 18089, ... so a real Asterisk on 8088 never clashes).
SIMULATOR_ARGS = (
    "-m", "telephony.simulator",
    "--nodes", "call-1:18088,call-2:18089",
    "--recordings-dir", "{recordings_dir}",
)  # fmt: skip
SIMULATOR_MODULE = "telephony.simulator"


@dataclass(frozen=True)
class SimulatorNode:
    name: str
    port: int

    @property
    def ari_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ari"

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sim"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def simulator_nodes() -> list[SimulatorNode]:
    """The nodes named in SIMULATOR_ARGS (`name:port,name:port`)."""
    spec = SIMULATOR_ARGS[SIMULATOR_ARGS.index("--nodes") + 1]
    nodes = []
    for item in spec.split(","):
        name, _, port = item.partition(":")
        nodes.append(SimulatorNode(name, int(port)))
    return nodes


def simulator_available() -> bool:
    """False while the simulator package (another issue) has not landed yet."""
    try:
        return importlib.util.find_spec(f"{SIMULATOR_MODULE}.__main__") is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: list[str]
    # Builds the readiness probe once the child runs (some probes look at the process).
    probe: Callable[[ManagedProcess], Probe]
    ready_within: float = 60.0
    ports: tuple[int, ...] = ()
    # Children of one stage start together; a stage starts once the previous is ready.
    stage: int = 1


def voipbin_argv() -> list[str]:
    # The console script sits next to the interpreter in a venv; `-c` covers a bare
    # interpreter. Either way the child runs the same code as this process.
    script = Path(sys.executable).parent / "voipbin"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from voipbin.cli import main; main()"]


def simulator_ari_nodes() -> str:
    """The simulator's nodes in the `ari.nodes` format (`name=url,...`), for the children."""
    return ",".join(f"{node.name}={node.base_url}" for node in simulator_nodes())


def dev_children(
    settings: Settings, *, temporal_address: str, recordings_dir: Path, with_simulator: bool
) -> list[ChildSpec]:
    api_port = settings.dev.api_port
    ari_auth = (settings.ari.username, settings.ari.password)
    temporal_port = temporal_frontend_port(temporal_address)
    voipbin = voipbin_argv()
    children: list[ChildSpec] = []
    if with_simulator:
        args = [arg.format(recordings_dir=recordings_dir) for arg in SIMULATOR_ARGS]
        nodes = simulator_nodes()
        children.append(
            ChildSpec(
                "simulator",
                [sys.executable, *args],
                probe=lambda _child: _all_ready(
                    [http_ok(f"{node.ari_url}/asterisk/ping", auth=ari_auth) for node in nodes]
                ),
                ports=tuple(node.port for node in nodes),
                # First and alone: the bridge and the worker talk to the nodes.
                stage=0,
            )
        )
    # The worker serves no port: it is ready once it holds a connection to the
    # Temporal frontend, the first thing a Temporal worker does.
    children.append(
        ChildSpec(
            "worker",
            [*voipbin, "worker"],
            probe=lambda child: connected_to(child, temporal_port),
        )
    )
    if not settings.ari.run_in_worker:
        # The bridge serves no port either, and its ARI sockets come and go with the
        # nodes; its first log line says imports and settings went through.
        children.append(ChildSpec("bridge", [*voipbin, "bridge"], probe=has_logged))
    children.append(
        ChildSpec(
            "api",
            [*voipbin, "api", "--port", str(api_port), "--host", "127.0.0.1"],
            probe=lambda _child: http_ok(f"http://127.0.0.1:{api_port}/health"),
            ports=(api_port,),
        )
    )
    return children


def temporal_frontend_port(address: str) -> int:
    """The port of a `host:port` Temporal address (7233, Temporal's default, if absent)."""
    _, _, port = address.rpartition(":")
    return int(port) if port.isdigit() else 7233


def child_env(
    base: Mapping[str, str],
    *,
    database_url: str,
    redis_url: str,
    temporal_address: str,
    ari_nodes: str | None = None,
) -> dict[str, str]:
    env = dict(base)
    # The simulator's nodes, unless the developer pointed ari.nodes somewhere on purpose.
    if ari_nodes is not None and "VOIPBIN_ARI__NODES" not in env:
        env["VOIPBIN_ARI__NODES"] = ari_nodes
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        TEMPORAL_ADDRESS=temporal_address,
        VOIPBIN_ENVIRONMENT="dev",
        # Line-buffered output so a child's log is complete when it dies.
        PYTHONUNBUFFERED="1",
        # Plain tracebacks: typer's boxed ones fill the log tail we show on a crash
        # with frame art instead of the error.
        TYPER_STANDARD_TRACEBACK="1",
    )
    return env


def connected_to(child: ManagedProcess, port: int) -> Probe:
    """Ready when the process (or a child of it) has an established TCP connection to `port`."""

    async def probe() -> bool:
        if child.pid is None:
            return False
        root = psutil.Process(child.pid)
        for proc in [root, *root.children(recursive=True)]:
            try:
                connections = proc.net_connections(kind="inet")
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            for conn in connections:
                if (
                    conn.status == psutil.CONN_ESTABLISHED
                    and conn.raddr
                    and conn.raddr.port == port
                ):
                    return True
        return False

    return probe


def has_logged(child: ManagedProcess) -> Probe:
    """Ready once the process has written its first line of output."""

    async def probe() -> bool:
        return bool(child.output())

    return probe


def _all_ready(probes: list[Probe]) -> Probe:
    async def probe() -> bool:
        for one in probes:
            if not await one():
                return False
        return True

    return probe
