"""Event delivery: Stasis applications, what each is subscribed to, and its WebSockets.

Asterisk only sends an app the events of objects it is subscribed to, and the traces
show exactly when those subscriptions start and end; this module holds that bookkeeping.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import orjson

from telephony.simulator.model import Bridge, Channel, JsonDict, ari_timestamp


@dataclass
class Application:
    name: str
    channel_ids: set[str] = field(default_factory=set)
    bridge_ids: set[str] = field(default_factory=set)
    # Channels the app asked for (`POST /applications/{app}/subscription`): Asterisk counts
    # subscriptions, so leaving Stasis ends only Stasis' own, and these keep their events.
    explicit_channel_ids: set[str] = field(default_factory=set)

    def to_json(self) -> JsonDict:
        return {
            "name": self.name,
            "channel_ids": sorted(self.channel_ids),
            "bridge_ids": sorted(self.bridge_ids),
            "endpoint_ids": [],
            "device_names": [],
            "events_allowed": [],
            "events_disallowed": [],
        }


@dataclass(eq=False)
class EventConnection:
    """One `/ari/events` WebSocket; the route drains `queue` onto the socket."""

    app: str
    subscribe_all: bool
    queue: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)

    def close(self) -> None:
        self.queue.put_nowait(None)


class EventBus:
    def __init__(self, asterisk_id: str) -> None:
        self.asterisk_id = asterisk_id
        self.apps: dict[str, Application] = {}
        self.connections: set[EventConnection] = set()

    def app(self, name: str) -> Application:
        if name not in self.apps:
            self.apps[name] = Application(name)
        return self.apps[name]

    def connect(self, app: str, subscribe_all: bool) -> EventConnection:
        self.app(app)
        connection = EventConnection(app, subscribe_all)
        self.connections.add(connection)
        return connection

    def disconnect(self, connection: EventConnection) -> None:
        self.connections.discard(connection)

    def registered(self, app: str) -> bool:
        return any(c.app == app for c in self.connections)

    def drop_all(self) -> None:
        for connection in list(self.connections):
            connection.close()
        self.connections.clear()

    def _send(self, app: str, event_type: str, body: JsonDict, subscribed: bool) -> None:
        payload: JsonDict | None = None
        for connection in self.connections:
            if connection.app != app or not (subscribed or connection.subscribe_all):
                continue
            if payload is None:
                payload = {"type": event_type, "timestamp": ari_timestamp(), **body}
                payload["asterisk_id"] = self.asterisk_id
                payload["application"] = app
                encoded = orjson.dumps(payload)
            connection.queue.put_nowait(encoded)

    def channel_event(self, event_type: str, channel: Channel, **fields: object) -> None:
        body: JsonDict = {**fields, "channel": channel.to_json()}
        for app in self.apps.values():
            self._send(app.name, event_type, body, channel.id in app.channel_ids)

    def dial_event(self, peer: Channel, dialstatus: str, dialstring: str) -> None:
        # No `caller` key: an ARI originate/dial has no calling channel (README, Dial).
        body: JsonDict = {
            "dialstatus": dialstatus,
            "forward": "",
            "dialstring": dialstring,
            "peer": peer.to_json(),
        }
        for app in self.apps.values():
            self._send(app.name, "Dial", body, peer.id in app.channel_ids)

    def bridge_event(self, event_type: str, bridge: Bridge, channel: Channel | None) -> None:
        body: JsonDict = {"bridge": bridge.to_json()}
        if channel is not None:
            body["channel"] = channel.to_json()
        for app in self.apps.values():
            if channel is not None:
                subscribed = channel.id in app.channel_ids or bridge.id in app.bridge_ids
            else:
                subscribed = bridge.id in app.bridge_ids
            self._send(app.name, event_type, body, subscribed)

    def device_event(self, device: str, state: str) -> None:
        body: JsonDict = {"device_state": {"name": device, "state": state}}
        for app in self.apps.values():
            self._send(app.name, "DeviceStateChanged", body, False)

    def app_event(self, app: str, event_type: str, **fields: object) -> None:
        """Playback and recording events go to the app that started them."""
        self._send(app, event_type, dict(fields), True)
