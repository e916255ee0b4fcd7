"""The ARI nodes from settings, their health in Redis, and the dispatcher placing channels.

The sentinel (one process) writes each node's health to Redis; activities in any worker
read it to pick a node for a new channel. A node's load is the set of channel ids living
on it, kept by the placement below (new outbound channels) and by the bridge
(StasisStart of inbound channels, ChannelDestroyed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from telephony.ari.client import AriClient
from telephony.ari.nodes import AriNode
from voipbin.config import AriSettings
from voipbin.keys import ari_channel_node_key, ari_node_channels_key, ari_node_key

UP = "up"
DOWN = "down"
ROLES = ("call", "conference", "registrar")


class NodeConfigError(ValueError):
    """`ari.nodes` cannot be parsed (raised at startup, names the bad item)."""


class NoHealthyNode(LookupError):
    def __init__(self, role: str) -> None:
        super().__init__(f"no healthy ARI node with role {role!r}")
        self.role = role


def parse_nodes(settings: AriSettings) -> list[AriNode]:
    """`call-1=http://127.0.0.1:18088,conference:conf-1=http://...` → nodes."""
    nodes: list[AriNode] = []
    for item in (part.strip() for part in settings.nodes.split(",")):
        if not item:
            continue
        label, sep, url = item.partition("=")
        role, _, name = label.rpartition(":")
        role = role or name.rsplit("-", 1)[0]
        if not sep or not name or not url.startswith(("http://", "https://")):
            raise NodeConfigError(f"ari.nodes: {item!r} is not `[role:]name=http://host:port`")
        if role not in ROLES:
            raise NodeConfigError(f"ari.nodes: {item!r} has role {role!r}, not one of {ROLES}")
        if any(node.name == name for node in nodes):
            raise NodeConfigError(f"ari.nodes: node name {name!r} is used twice")
        nodes.append(AriNode(name, url.rstrip("/"), settings.username, settings.password, role))
    return nodes


@dataclass(frozen=True)
class NodeState:
    name: str
    status: str  # UP | DOWN
    socket: bool  # the bridge's event socket to it is open
    since: float  # epoch seconds of the last status change
    checked: float  # epoch seconds of the last probe

    @property
    def accepts_channels(self) -> bool:
        # Without the socket we would place a channel whose events nobody hears.
        return self.status == UP and self.socket


# Writes the state; answers 1 when the status changed, so among several writers (bridge
# replicas) exactly one reports a transition.
_WRITE_STATE = """
local old = redis.call('HGET', KEYS[1], 'status')
if old ~= ARGV[1] then redis.call('HSET', KEYS[1], 'status', ARGV[1], 'since', ARGV[3]) end
redis.call('HSET', KEYS[1], 'socket', ARGV[2], 'checked', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if old == ARGV[1] then return 0 end
return 1
"""

# KEYS: the candidates' channel sets, then the channel's owner key.
# ARGV: channel id, owner ttl, candidate names (same order as KEYS).
# The current owner wins if it is still a candidate (a retried placement is idempotent);
# otherwise the candidate with the fewest channels takes it. Answers {chosen, previous}.
_PLACE = """
local owner_key = KEYS[#KEYS]
local channel = ARGV[1]
local current = redis.call('GET', owner_key)
local best, best_count = nil, nil
for i = 1, #KEYS - 1 do
  local name = ARGV[i + 2]
  if name == current then best = i; break end
  local count = redis.call('SCARD', KEYS[i])
  if best_count == nil or count < best_count then best, best_count = i, count end
end
redis.call('SADD', KEYS[best], channel)
redis.call('SET', owner_key, ARGV[best + 2], 'EX', ARGV[2])
return {ARGV[best + 2], current or ''}
"""


class NodeStates:
    """Each node's health in Redis (`ari_node:<name>`), written by the sentinel."""

    def __init__(self, redis: Redis, ttl_seconds: float) -> None:
        self.redis = redis
        self._ttl_ms = int(ttl_seconds * 1000)
        self._write = redis.register_script(_WRITE_STATE)

    async def write(self, name: str, status: str, socket: bool) -> bool:
        """Record a probe outcome; True when `status` differs from what Redis held."""
        changed = await self._write(
            keys=[ari_node_key(name)],
            args=[status, "1" if socket else "0", repr(time.time()), self._ttl_ms],
        )
        return bool(changed)

    async def read(self, names: list[str]) -> dict[str, NodeState]:
        """States of the named nodes; a node the sentinel has not (recently) seen is absent."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(ari_node_key(name))
            rows: list[dict[Any, Any]] = await pipe.execute()
        states: dict[str, NodeState] = {}
        for name, row in zip(names, rows, strict=True):
            fields = {_text(k): _text(v) for k, v in row.items()}
            if "status" not in fields:
                continue
            states[name] = NodeState(
                name,
                fields["status"],
                fields.get("socket") == "1",
                float(fields.get("since", 0.0)),
                float(fields.get("checked", 0.0)),
            )
        return states


class NodeDispatcher:
    """Spreads new channels over the healthy nodes of a role; remembers each one's node."""

    def __init__(
        self, redis: Redis, nodes: list[AriNode], states: NodeStates, owner_ttl_seconds: int
    ) -> None:
        self._redis = redis
        self.nodes = {node.name: node for node in nodes}
        self._states = states
        self._owner_ttl = owner_ttl_seconds
        self._place = redis.register_script(_PLACE)

    async def healthy(self, role: str) -> list[str]:
        names = [node.name for node in self.nodes.values() if node.farm == role]
        states = await self._states.read(names)
        return [name for name in names if name in states and states[name].accepts_channels]

    async def pick(self, role: str, channel_id: str) -> str:
        """The node for a new channel: its current node if healthy, else the least loaded."""
        candidates = await self.healthy(role)
        if not candidates:
            raise NoHealthyNode(role)
        keys = [ari_node_channels_key(name) for name in candidates]
        chosen, previous = await self._place(
            keys=[*keys, ari_channel_node_key(channel_id)],
            args=[channel_id, self._owner_ttl, *candidates],
        )
        node, previous = _text(chosen), _text(previous)
        if previous and previous != node:
            # Moved off a node that is no longer healthy: it must not count there.
            await self._redis.srem(ari_node_channels_key(previous), channel_id)
        return node

    async def claim(self, channel_id: str, node: str) -> None:
        """Record that `channel_id` lives on `node` (the bridge, at StasisStart)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(ari_node_channels_key(node), channel_id)
            pipe.set(ari_channel_node_key(channel_id), node, ex=self._owner_ttl)
            await pipe.execute()

    async def release(self, channel_id: str, node: str) -> None:
        """The channel is gone (ChannelDestroyed)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.srem(ari_node_channels_key(node), channel_id)
            pipe.delete(ari_channel_node_key(channel_id))
            await pipe.execute()

    async def node_of(self, channel_id: str) -> str | None:
        value = await self._redis.get(ari_channel_node_key(channel_id))
        return None if value is None else _text(value)

    async def channels_on(self, node: str) -> list[str]:
        """What a node holds (what a crashed node took with it, for session recovery)."""
        return sorted(_text(v) for v in await self._redis.smembers(ari_node_channels_key(node)))

    async def load(self) -> dict[str, int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in self.nodes:
                pipe.scard(ari_node_channels_key(name))
            counts: list[int] = await pipe.execute()
        return dict(zip(self.nodes, counts, strict=True))

    async def reconcile_channels(self, node: str, before: list[str], live: list[str]) -> None:
        """After a reconnect: drop what the node no longer holds among `before` (read
        before listing the node, so channels placed meanwhile stay) and add what it holds
        that we missed while its socket was down."""
        key = ari_node_channels_key(node)
        stale = set(before) - set(live)
        async with self._redis.pipeline(transaction=True) as pipe:
            if stale:
                pipe.srem(key, *stale)
            if live:
                pipe.sadd(key, *live)
            await pipe.execute()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class AriPool:
    """One process's view of the nodes: a REST client per node, health, placement."""

    def __init__(self, settings: AriSettings, redis: Redis) -> None:
        self.settings = settings
        self.nodes = parse_nodes(settings)
        self.clients = {
            node.name: AriClient(
                node.base_url,
                node.username,
                node.password,
                request_timeout=settings.request_timeout_seconds,
            )
            for node in self.nodes
        }
        self.states = NodeStates(redis, settings.node_state_ttl_seconds)
        self.dispatcher = NodeDispatcher(
            redis, self.nodes, self.states, settings.channel_owner_ttl_seconds
        )

    def client(self, node: str) -> AriClient:
        """KeyError names a node this process does not know."""
        return self.clients[node]

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
