"""The contract between the ARI bridge and the call workflows.

The bridge turns each ARI event into one `AriEventSignal` and signals the workflow that
owns the channel: `call:<call_id>`. Which call owns a channel is a pure function of the
channel id, so no lookup (and no shared state) is needed:

* channels voipbin creates are named after the call: `<call uuid>` for the call's own
  channel and `<call uuid>-<suffix>` for helpers (snoop, external media, dialled legs use
  their own call's uuid);
* a channel Asterisk named itself (an inbound call entering Stasis from the dialplan,
  id like `1795560487.62`) belongs to the call `uuid5(CHANNEL_NAMESPACE, node/channel_id)`,
  so a replayed StasisStart lands on the same workflow (signal-with-start is idempotent).
  The node is part of the key because Asterisk ids are `<epoch>.<sequence>` per node:
  two nodes started in the same second hand out the same ids.

Events carry `event_key` (a digest of the raw event) so a workflow can ignore a replayed
event it has already handled. Pure dataclasses: safe inside the workflow sandbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

ARI_EVENT_SIGNAL = "ari_event"
CHANNEL_NAMESPACE = uuid.UUID("5b0f4a52-52a4-4a0e-9a2d-6e1d3c1f0b7e")
# appArgs first element on channels we originate, so StasisStart of our own outbound
# channels is never mistaken for a new inbound call.
OUTBOUND_APP_ARG = "outbound"
# A channel the dialplan hands back to Stasis after a service context (echo, AMD) carries
# `context_from=<context>` (deploy/asterisk/extensions.conf): a return, not a new call.
RETURN_APP_ARG = "context_from="


def app_arg_map(args: list[str]) -> dict[str, str]:
    """Stasis args `key=value` as a map (spec telephony §2); bare words are skipped."""
    return dict(arg.split("=", 1) for arg in args if "=" in arg)


def call_id_for_channel(channel_id: str, node: str) -> uuid.UUID:
    try:
        return uuid.UUID(channel_id[:36])
    except ValueError:
        return uuid.uuid5(CHANNEL_NAMESPACE, f"{node}/{channel_id}")


@dataclass
class AriEventSignal:
    event_type: str  # ARI type: StasisStart, ChannelStateChange, ChannelDtmfReceived, ...
    node: str  # the Asterisk node (simulator node) that emitted it
    channel_id: str
    event_key: str
    timestamp: str = ""
    state: str = ""  # channel state (Down, Ring, Ringing, Up, Busy)
    digit: str = ""  # ChannelDtmfReceived
    duration_ms: int = 0
    cause: int = 0  # ChannelHangupRequest / ChannelDestroyed
    cause_txt: str = ""
    soft: bool = False
    dialstatus: str = ""  # Dial
    playback_id: str = ""  # Playback*
    playback_state: str = ""
    recording_name: str = ""  # Recording*
    recording_state: str = ""
    bridge_id: str = ""  # ChannelEnteredBridge / ChannelLeftBridge
    args: list[str] = field(default_factory=list)  # StasisStart
    caller_number: str = ""  # StasisStart: the caller (From)
    exten: str = ""  # StasisStart: the dialled number (To)
    extra: dict[str, Any] = field(default_factory=dict)
