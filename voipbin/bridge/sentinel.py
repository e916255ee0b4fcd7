"""Node health: probe each node, watch its event socket, report up/down transitions.

A node is *down* once `down_after_failures` probes (`GET /ari/asterisk/ping`) fail in a
row, or as soon as one fails after its event socket dropped (a crashed node closes the
socket first, so the probe confirms at once instead of after a full interval). It is
*up* when a probe answers and its event socket is open (until then its events would be
lost). Redis holds the state for every process (NodeStates); a transition is reported
only by the writer that changed it, so bridge replicas do not report it twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import structlog

from telephony.ari.client import AriClient
from telephony.ari.errors import AriError
from telephony.ari.nodes import AriNode
from voipbin.config import AriSettings
from voipbin.telephony_nodes import DOWN, UP, NodeStates

log = structlog.get_logger(__name__)


def raise_if_cancelling() -> None:
    """Re-raise a cancellation some library turned into another error on the way (a
    timeout racing it, a database driver wrapping it), so our loops still stop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


@dataclass(frozen=True)
class NodeChange:
    node: AriNode
    status: str  # UP | DOWN
    reason: str
    was: str | None = None  # the status before (None: first seen by this process)


OnChange = Callable[[NodeChange], Awaitable[None]]


class Sentinel:
    def __init__(
        self,
        nodes: list[AriNode],
        clients: Mapping[str, AriClient],
        states: NodeStates,
        settings: AriSettings,
        on_change: OnChange,
    ) -> None:
        self._nodes = nodes
        self._clients = clients
        self._states = states
        self._settings = settings
        self._on_change = on_change
        self._socket_up = {node.name: False for node in nodes}
        self._wake = {node.name: asyncio.Event() for node in nodes}
        self.status: dict[str, str | None] = {node.name: None for node in nodes}

    def socket_changed(self, node: str, connected: bool) -> None:
        """From the bridge: a node's event socket opened or closed; re-probe now."""
        if node in self._socket_up:
            self._socket_up[node] = connected
            self._wake[node].set()

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            for node in self._nodes:
                group.create_task(self._watch(node), name=f"sentinel-{node.name}")

    async def _watch(self, node: AriNode) -> None:
        failures = 0
        reason = ""
        while True:
            raise_if_cancelling()
            self._wake[node.name].clear()
            error = await self._probe(node)
            failures = 0 if error is None else failures + 1
            socket = self._socket_up[node.name]
            status = self.status[node.name]
            if error is None and socket:
                status, reason = UP, "answering, event socket open"
            elif error is not None and (
                failures >= self._settings.down_after_failures or not socket
            ):
                status, reason = DOWN, error
            if status is not None:
                await self._record(node, status, socket, reason)
            await self._pause(node.name)

    async def _pause(self, name: str) -> None:
        """One probe interval, cut short by a socket change. `asyncio.wait` rather than a
        timeout: on 3.11 a cancel racing an expiring `asyncio.timeout` can surface as
        TimeoutError, and this loop would then outlive its cancellation."""
        waiter = asyncio.ensure_future(self._wake[name].wait())
        try:
            await asyncio.wait({waiter}, timeout=self._settings.probe_interval_seconds)
        finally:
            waiter.cancel()

    async def _probe(self, node: AriNode) -> str | None:
        """None if the node answered in time, else why not."""
        try:
            async with asyncio.timeout(self._settings.probe_timeout_seconds):
                await self._clients[node.name].ping()
        except TimeoutError:
            raise_if_cancelling()  # we were cancelled, not the probe
            return f"no answer to ping within {self._settings.probe_timeout_seconds} s"
        except AriError as exc:
            return str(exc)
        return None

    async def _record(self, node: AriNode, status: str, socket: bool, reason: str) -> None:
        try:
            changed = await self._states.write(node.name, status, socket)
        except Exception:  # Redis down: keep probing, the next turn writes again
            log.exception("node_state_write_failed", node=node.name)
            return
        previous, self.status[node.name] = self.status[node.name], status
        if not changed:
            return
        report = log.warning if status == DOWN else log.info
        report("ari_node_" + status, node=node.name, role=node.farm, reason=reason, was=previous)
        try:
            await self._on_change(NodeChange(node, status, reason, previous))
        except Exception:  # a failing report must not stop the health checks
            log.exception("node_change_report_failed", node=node.name, status=status)
