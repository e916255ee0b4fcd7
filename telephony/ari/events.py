"""Typed ARI events, discriminated on `type`, with an `UnknownEvent` fallback.

Each parsed event is tagged with the node it came from, because channel ids are only
unique per Asterisk and the call engine must route follow-up requests to that node.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, TypeAdapter

from telephony.ari.models import (
    AriModel,
    Bridge,
    Channel,
    LiveRecording,
    Playback,
    parse_ari_time,
)


class BaseEvent(AriModel):
    type: str
    timestamp: str = ""
    asterisk_id: str = ""
    application: str = ""
    node: str = ""  # set by the connection, not sent by Asterisk

    @property
    def at(self) -> datetime:
        return parse_ari_time(self.timestamp)


class ChannelEvent(BaseEvent):
    channel: Channel


class StasisStart(ChannelEvent):
    type: Literal["StasisStart"]
    args: list[str] = []
    replace_channel: Channel | None = None


class StasisEnd(ChannelEvent):
    type: Literal["StasisEnd"]


class ChannelCreated(ChannelEvent):
    type: Literal["ChannelCreated"]


class ChannelDestroyed(ChannelEvent):
    type: Literal["ChannelDestroyed"]
    cause: int
    cause_txt: str


class ChannelStateChange(ChannelEvent):
    type: Literal["ChannelStateChange"]


class ChannelDtmfReceived(ChannelEvent):
    type: Literal["ChannelDtmfReceived"]
    digit: str
    duration_ms: int


class ChannelDialplan(ChannelEvent):
    type: Literal["ChannelDialplan"]
    dialplan_app: str
    dialplan_app_data: str


class ChannelCallerId(ChannelEvent):
    type: Literal["ChannelCallerId"]
    caller_presentation: int
    caller_presentation_txt: str


class ChannelConnectedLine(ChannelEvent):
    type: Literal["ChannelConnectedLine"]


class ChannelHangupRequest(ChannelEvent):
    type: Literal["ChannelHangupRequest"]
    # For a soft hangup this is the soft-hangup flag (32), not a Q.850 cause.
    cause: int | None = None
    soft: bool | None = None


class ChannelVarset(BaseEvent):
    type: Literal["ChannelVarset"]
    variable: str
    value: str
    channel: Channel | None = None  # absent for global variables


class ChannelHold(ChannelEvent):
    type: Literal["ChannelHold"]
    musicclass: str | None = None


class ChannelUnhold(ChannelEvent):
    type: Literal["ChannelUnhold"]


class ChannelEnteredBridge(ChannelEvent):
    type: Literal["ChannelEnteredBridge"]
    bridge: Bridge


class ChannelLeftBridge(ChannelEvent):
    type: Literal["ChannelLeftBridge"]
    bridge: Bridge


class BridgeCreated(BaseEvent):
    type: Literal["BridgeCreated"]
    bridge: Bridge


class BridgeDestroyed(BaseEvent):
    type: Literal["BridgeDestroyed"]
    bridge: Bridge


class Dial(BaseEvent):
    type: Literal["Dial"]
    peer: Channel
    caller: Channel | None = None
    dialstatus: str
    dialstring: str | None = None
    forward: str | None = None


class PlaybackEvent(BaseEvent):
    playback: Playback


class PlaybackStarted(PlaybackEvent):
    type: Literal["PlaybackStarted"]


class PlaybackContinuing(PlaybackEvent):
    type: Literal["PlaybackContinuing"]


class PlaybackFinished(PlaybackEvent):
    type: Literal["PlaybackFinished"]


class RecordingEvent(BaseEvent):
    recording: LiveRecording


class RecordingStarted(RecordingEvent):
    type: Literal["RecordingStarted"]


class RecordingFinished(RecordingEvent):
    type: Literal["RecordingFinished"]


class RecordingFailed(RecordingEvent):
    type: Literal["RecordingFailed"]


class ContactStatusChange(BaseEvent):
    type: Literal["ContactStatusChange"]
    endpoint: dict[str, Any]
    contact_info: dict[str, Any]


class PeerStatusChange(BaseEvent):
    type: Literal["PeerStatusChange"]
    endpoint: dict[str, Any]
    peer: dict[str, Any]


class ApplicationReplaced(BaseEvent):
    type: Literal["ApplicationReplaced"]


class UnknownEvent(BaseEvent):
    """Any event type voipbin does not model; the raw JSON stays available."""

    raw: dict[str, Any] = {}


KnownEvent = Annotated[
    StasisStart
    | StasisEnd
    | ChannelCreated
    | ChannelDestroyed
    | ChannelStateChange
    | ChannelDtmfReceived
    | ChannelDialplan
    | ChannelCallerId
    | ChannelConnectedLine
    | ChannelHangupRequest
    | ChannelVarset
    | ChannelHold
    | ChannelUnhold
    | ChannelEnteredBridge
    | ChannelLeftBridge
    | BridgeCreated
    | BridgeDestroyed
    | Dial
    | PlaybackStarted
    | PlaybackContinuing
    | PlaybackFinished
    | RecordingStarted
    | RecordingFinished
    | RecordingFailed
    | ContactStatusChange
    | PeerStatusChange
    | ApplicationReplaced,
    Field(discriminator="type"),
]
AriEvent = KnownEvent | UnknownEvent

_known_adapter: TypeAdapter[KnownEvent] = TypeAdapter(KnownEvent)
KNOWN_TYPES: frozenset[str] = frozenset(
    get_args(model.model_fields["type"].annotation)[0]
    for model in get_args(get_args(KnownEvent)[0])
)


def parse_event(data: dict[str, Any], node: str = "") -> AriEvent:
    """Parse one WebSocket message; unmodelled types become `UnknownEvent`."""
    tagged = {**data, "node": node}
    if data.get("type") in KNOWN_TYPES:
        return _known_adapter.validate_python(tagged)
    return UnknownEvent.model_validate({**tagged, "type": str(data.get("type", "")), "raw": data})
