"""Bridges on one node: membership, BRIDGEPEER bookkeeping and subscriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telephony.simulator.errors import ApiError, not_found
from telephony.simulator.model import Bridge, Channel

if TYPE_CHECKING:
    from telephony.simulator.core import SimAsterisk

BRIDGE_FLAGS = frozenset(
    {"mixing", "holding", "dtmf_events", "proxy_media", "video_sfu", "video_single", "sdp_label"}
)


class Bridging:
    def __init__(self, node: SimAsterisk) -> None:
        self.node = node
        self.bridges: dict[str, Bridge] = {}
        self.announcers: dict[str, str] = {}  # bridge id -> Announcer channel name

    def get(self, bridge_id: str) -> Bridge:
        bridge = self.bridges.get(bridge_id)
        if bridge is None:
            raise not_found("Bridge")
        return bridge

    def create(self, bridge_type: str | None, bridge_id: str | None, name: str | None) -> Bridge:
        flags = {f.strip() for f in (bridge_type or "mixing").split(",") if f.strip()}
        if not flags or not flags <= BRIDGE_FLAGS:
            shown = bridge_id or "(null)"
            raise ApiError(500, f"Unable to create bridge. Possible duplicate bridge id '{shown}'")
        if bridge_id and bridge_id in self.bridges:
            raise ApiError(409, f"Bridge with id '{bridge_id}' already exists")
        bridge = Bridge(
            bridge_id or self.node.ids.unique_id(),
            "holding" if "holding" in flags else "mixing",
            name or "",
        )
        self.bridges[bridge.id] = bridge
        self.node.sources.bridges[bridge.id] = bridge.channels
        # Only subscribeAll sockets hear of ARI-created bridges (trace 07c).
        self.node.bus.bridge_event("BridgeCreated", bridge, None)
        return bridge

    def subscribe(self, app: str, bridge_id: str) -> None:
        bridge = self.bridges.get(bridge_id)
        if bridge is None:
            raise ApiError(422, "Event source does not exist")
        bridge.explicit_subscription = True
        self.node.bus.app(app).bridge_ids.add(bridge.id)

    def unsubscribe(self, app: str, bridge_id: str) -> None:
        bridge = self.bridges.get(bridge_id)
        if bridge is None:
            raise ApiError(422, "Event source does not exist")
        bridge.explicit_subscription = False
        self.node.bus.app(app).bridge_ids.discard(bridge.id)

    def _members(self, raw: str | None) -> list[Channel]:
        if not raw:
            raise ApiError(400, "Missing parameter channel")
        members = []
        for channel_id in (c.strip() for c in raw.split(",")):
            channel = self.node.channels.get(channel_id)
            if channel is None:
                raise ApiError(400, "Channel not found")
            members.append(channel)
        return members

    def _peer_names(self, bridge: Bridge, channel_id: str) -> list[str]:
        names = [self.node.channels[c].name for c in bridge.channels if c != channel_id]
        announcer = self.announcers.get(bridge.id)
        return [announcer, *names] if announcer else names

    def _announce_peers(self, bridge: Bridge) -> None:
        if len(bridge.channels) + (bridge.id in self.announcers) < 2:
            return
        for channel_id in bridge.channels:
            channel = self.node.channels[channel_id]
            peers = ",".join(self._peer_names(bridge, channel_id))
            channel.variables["BRIDGEPEER"] = peers
            self.node.bus.channel_event(
                "ChannelVarset", channel, variable="BRIDGEPEER", value=peers
            )

    def add(self, bridge_id: str, raw_channels: str | None) -> None:
        bridge = self.get(bridge_id)
        members = self._members(raw_channels)
        for channel in members:
            if channel.stasis_app is None:
                raise ApiError(422, "Channel not in Stasis application")
        for channel in members:
            if channel.bridge_id == bridge.id:
                continue
            if channel.bridge_id is not None:
                self.leave(channel, by_api=True)
            bridge.channels.append(channel.id)
            channel.bridge_id = bridge.id
            app = channel.stasis_app
            if app is not None:
                self.node.bus.app(app).bridge_ids.add(bridge.id)
                bridge.implicit_subscription = True
            # Each event lists the members so far (trace 07).
            self.node.bus.bridge_event("ChannelEnteredBridge", bridge, channel)
        self._announce_peers(bridge)

    def remove(self, bridge_id: str, raw_channels: str | None) -> None:
        bridge = self.get(bridge_id)
        members = self._members(raw_channels)
        for channel in members:
            if channel.bridge_id != bridge.id:
                raise ApiError(422, "Channel not in this bridge")
        for channel in members:
            self.leave(channel, by_api=True)

    def leave(self, channel: Channel, *, by_api: bool) -> None:
        bridge = self.bridges.get(channel.bridge_id or "")
        channel.bridge_id = None
        if bridge is None or channel.id not in bridge.channels:
            return
        bridge.channels.remove(channel.id)
        if by_api and channel.variables.pop("BRIDGEPEER", ""):
            # Reset only if it was ever set: a lone member has none (trace 07b).
            self.node.bus.channel_event("ChannelVarset", channel, variable="BRIDGEPEER", value="")
        self.node.bus.bridge_event("ChannelLeftBridge", bridge, channel)
        if by_api and not bridge.explicit_subscription:
            # Leaving through the API ends the app's implicit bridge subscription; a
            # member that hangs up does not (README, Bridges).
            bridge.implicit_subscription = False
            for app in self.node.bus.apps.values():
                app.bridge_ids.discard(bridge.id)

    def delete(self, bridge_id: str) -> None:
        bridge = self.get(bridge_id)
        for channel_id in list(bridge.channels):
            channel = self.node.channels.get(channel_id)
            if channel is not None:
                self.leave(channel, by_api=True)
        self.node.playing.fail_playbacks(f"bridge:{bridge.id}")
        self.node.playing.finish_recordings(f"bridge:{bridge.id}")
        self.node.bus.bridge_event("BridgeDestroyed", bridge, None)
        for app in self.node.bus.apps.values():
            app.bridge_ids.discard(bridge.id)
        del self.bridges[bridge.id]
        self.node.sources.bridges.pop(bridge.id, None)
        self.node.sources.music.pop(f"bridge:{bridge.id}", None)

    # A bridge playback joins an Announcer channel, seen only through BRIDGEPEER (trace 07).
    def announcer_joins(self, target_uri: str) -> None:
        kind, _, bridge_id = target_uri.partition(":")
        bridge = self.bridges.get(bridge_id)
        if kind != "bridge" or bridge is None or bridge_id in self.announcers:
            return
        self.announcers[bridge_id] = f"Announcer/ARI-{self.node.ids.local_suffix()};2"
        self._announce_peers(bridge)

    def announcer_leaves(self, target_uri: str) -> None:
        kind, _, bridge_id = target_uri.partition(":")
        if kind != "bridge" or self.announcers.pop(bridge_id, None) is None:
            return
        bridge = self.bridges.get(bridge_id)
        if bridge is not None:
            self._announce_peers(bridge)
