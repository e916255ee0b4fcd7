"""The Asterisk nodes voipbin talks to, and which node each channel lives on.

Channel ids are ours (the call id), but a follow-up request must still go to the node
that owns the channel; this registry remembers that from StasisStart on.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from telephony.ari.client import AriClient


@dataclass(frozen=True)
class AriNode:
    name: str
    base_url: str  # e.g. http://127.0.0.1:18088 (without /ari)
    username: str
    password: str
    farm: str = "call"  # call | conference | registrar

    @property
    def events_url(self) -> str:
        scheme = "wss" if self.base_url.startswith("https") else "ws"
        host = self.base_url.split("://", 1)[1]
        return f"{scheme}://{host}/ari/events"


class NodeRegistry:
    def __init__(self, nodes: list[AriNode] | None = None) -> None:
        self._nodes: dict[str, AriNode] = {}
        self._clients: dict[str, AriClient] = {}
        self._channel_nodes: dict[str, str] = {}
        self._round_robin: dict[str, Iterator[AriNode]] = {}
        for node in nodes or []:
            self.add(node)

    def add(self, node: AriNode) -> None:
        self._nodes[node.name] = node
        self._round_robin.clear()

    def get(self, name: str) -> AriNode:
        return self._nodes[name]

    def __iter__(self) -> Iterator[AriNode]:
        return iter(list(self._nodes.values()))

    def in_farm(self, farm: str) -> list[AriNode]:
        return [n for n in self._nodes.values() if n.farm == farm]

    def pick(self, farm: str) -> AriNode:
        """Round-robin over a farm: 1:1 calls to call nodes, conferences to conference nodes."""
        if farm not in self._round_robin:
            members = self.in_farm(farm)
            if not members:
                raise LookupError(f"no ARI node in farm {farm!r}")
            self._round_robin[farm] = itertools.cycle(members)
        return next(self._round_robin[farm])

    def client(self, name: str) -> AriClient:
        if name not in self._clients:
            node = self._nodes[name]
            self._clients[name] = AriClient(node.base_url, node.username, node.password)
        return self._clients[name]

    # -- channel placement ------------------------------------------------------------------

    def place(self, channel_id: str, node_name: str) -> None:
        self._channel_nodes[channel_id] = node_name

    def node_of(self, channel_id: str) -> AriNode | None:
        name = self._channel_nodes.get(channel_id)
        return self._nodes.get(name) if name else None

    def client_for_channel(self, channel_id: str) -> AriClient:
        node = self.node_of(channel_id)
        if node is None:
            raise LookupError(f"channel {channel_id!r} is on no known node")
        return self.client(node.name)

    def forget(self, channel_id: str) -> None:
        self._channel_nodes.pop(channel_id, None)

    def channels_on(self, node_name: str) -> list[str]:
        """What a crashed node took with it (for session recovery)."""
        return [c for c, n in self._channel_nodes.items() if n == node_name]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
