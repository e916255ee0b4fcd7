"""Pure simulator state: channels, bridges, playbacks and recordings, and their ARI JSON.

Nothing here does I/O or knows about time passing; `core.py` drives these objects.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

JsonDict = dict[str, Any]

CAUSE_TEXT: dict[int, str] = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    21: "Call Rejected",
    26: "Number changed",
    27: "Destination out of order",
    34: "Circuit/channel congestion",
    38: "Network out of order",
    127: "Interworking, unspecified",
}

# `DELETE /channels/{id}?reason=` names, as Asterisk's ari/resource_channels.c maps them.
HANGUP_REASONS: dict[str, int] = {
    "normal": 16,
    "busy": 17,
    "congestion": 34,
    "no_answer": 19,
    "timeout": 19,
    "rejected": 21,
    "unallocated": 1,
    "normal_unspecified": 31,
    "number_incomplete": 28,
    "codec_mismatch": 58,
    "interworking": 127,
    "failure": 38,
    "answered_elsewhere": 26,
}

ChannelState = Literal["Down", "Ring", "Ringing", "Up", "Busy"]


def cause_text(cause: int) -> str:
    return CAUSE_TEXT.get(cause, "Unknown")


def ari_timestamp(epoch: float | None = None) -> str:
    """`YYYY-MM-DDTHH:MM:SS.mmm+0000`: Asterisk's format (no colon in the offset)."""
    moment = datetime.fromtimestamp(time.time() if epoch is None else epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class IdSource:
    """Asterisk-style unique ids (`<epoch>.<seq>`) and the shared Local/Announcer counter."""

    def __init__(self) -> None:
        self._epoch = int(time.time())
        self._sequence = itertools.count()
        self._local = itertools.count()

    def unique_id(self) -> str:
        return f"{self._epoch}.{next(self._sequence)}"

    def local_suffix(self) -> str:
        return f"{next(self._local):08x}"


@dataclass
class CallerId:
    name: str = ""
    number: str = ""

    def to_json(self) -> JsonDict:
        return {"name": self.name, "number": self.number}


@dataclass
class Dialplan:
    context: str = "default"
    exten: str = "s"
    priority: int = 1
    app_name: str = ""
    app_data: str = ""

    def to_json(self) -> JsonDict:
        return {
            "context": self.context,
            "exten": self.exten,
            "priority": self.priority,
            "app_name": self.app_name,
            "app_data": self.app_data,
        }


@dataclass
class Channel:
    id: str
    name: str
    state: ChannelState
    dialplan: Dialplan
    caller: CallerId = field(default_factory=CallerId)
    connected: CallerId = field(default_factory=CallerId)
    creationtime: str = field(default_factory=ari_timestamp)
    language: str = "en"
    variables: dict[str, str] = field(default_factory=dict)
    # Stasis membership: the app name while the channel is in Stasis, else None.
    stasis_app: str | None = None
    stasis_args: list[str] = field(default_factory=list)
    # Channels the app originated or created stay subscribed until ChannelDestroyed;
    # dialplan channels (inbound) and snoops are dropped at StasisEnd.
    owned_by_app: bool = False
    # The dialled party's address (E.164, SIP URI or Local exten) and the peer half.
    address: str = ""
    dialstring: str = ""
    peer_id: str | None = None
    bridge_id: str | None = None
    # What `dialplan.app_*` shows once the channel is destroyed: "AppDial2" for an
    # originated channel, "" otherwise (traces 01, 01b).
    resting_app: tuple[str, str] = ("", "")
    hangup_requested: bool = False
    muted: bool = False
    held: bool = False

    def to_json(self) -> JsonDict:
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "protocol_id": "",
            "caller": self.caller.to_json(),
            "connected": self.connected.to_json(),
            "accountcode": "",
            "dialplan": self.dialplan.to_json(),
            "creationtime": self.creationtime,
            "language": self.language,
        }


@dataclass
class Bridge:
    id: str
    bridge_type: str
    name: str = ""
    channels: list[str] = field(default_factory=list)
    creationtime: str = field(default_factory=ari_timestamp)
    # The app hears BridgeDestroyed only while it is subscribed to the bridge: explicitly,
    # or implicitly through a member that did not leave through the API (README, Bridges).
    explicit_subscription: bool = False
    implicit_subscription: bool = False

    def to_json(self) -> JsonDict:
        return {
            "id": self.id,
            "technology": "simple_bridge" if self.bridge_type == "mixing" else "holding_bridge",
            "bridge_type": self.bridge_type,
            "bridge_class": "stasis",
            "creator": "Stasis",
            "name": self.name,
            "channels": list(self.channels),
            "creationtime": self.creationtime,
            "video_mode": "talker",
        }


PlaybackState = Literal["queued", "playing", "continuing", "done", "failed", "paused"]


@dataclass
class Playback:
    id: str
    media: list[str]
    target_uri: str
    language: str = "en"
    state: PlaybackState = "queued"
    index: int = 0

    @property
    def media_uri(self) -> str:
        return self.media[self.index]

    @property
    def next_media_uri(self) -> str | None:
        return self.media[self.index + 1] if self.index + 1 < len(self.media) else None

    def to_json(self) -> JsonDict:
        body: JsonDict = {"id": self.id, "media_uri": self.media_uri}
        # Asterisk leaves the key out, rather than sending null, when nothing is next.
        if self.next_media_uri is not None:
            body["next_media_uri"] = self.next_media_uri
        body.update({"target_uri": self.target_uri, "language": self.language})
        body["state"] = "playing" if self.state == "paused" else self.state
        return body


RecordingState = Literal["queued", "recording", "paused", "done", "failed", "canceled"]


@dataclass
class LiveRecording:
    name: str
    format: str
    target_uri: str
    state: RecordingState = "recording"
    max_duration_seconds: int = 0
    terminate_on: str = "none"
    samples: list[bytes] = field(default_factory=list)
    sample_count: int = 0
    muted: bool = False

    @property
    def duration_seconds(self) -> int:
        return self.sample_count // 8000

    def to_json(self) -> JsonDict:
        body: JsonDict = {
            "name": self.name,
            "format": self.format,
            "target_uri": self.target_uri,
            "state": self.state,
        }
        if self.state in ("done", "failed", "canceled"):
            body["duration"] = self.duration_seconds
            body["talking_duration"] = self.duration_seconds
            body["silence_duration"] = 0
        return body
