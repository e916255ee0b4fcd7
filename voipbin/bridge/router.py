"""Pure routing: one ARI event → the call workflow to signal and the signal to send.

`SIGNALLED` is the one table of events a call workflow hears: only those
`CallWorkflow.ari_event` reads. Everything else (ChannelVarset, ChannelDialplan, Dial,
StasisEnd, bridge membership, PlaybackStarted, ...) is dropped here: each signal is a
Temporal RPC plus a workflow task, and an outbound call's Dial x3 and StasisEnd alone
were 4 of its 9 signals (DESIGN §12). A workflow that starts reading another event type
adds it here.

Two events the workflow could read are redundant, so they are dropped too (`_redundant`):
- ChannelHangupRequest: ChannelDestroyed follows every one and carries the same far-end
  cause (all the Asterisk 22 traces), and the soft ones are our own DELETE's echo;
- ChannelStateChange Up of a channel outside Stasis: an originated channel's answer,
  told again by the StasisStart right behind it. Inside Stasis (created + dialled for
  early media, inbound) Up is the only answer there is, so it is kept.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from telephony.ari.events import (
    AriEvent,
    ChannelDestroyed,
    ChannelDtmfReceived,
    ChannelEvent,
    ChannelStateChange,
    PlaybackEvent,
    RecordingEvent,
    StasisStart,
)
from workflows.ids import call_workflow_id
from workflows.telephony_signals import (
    OUTBOUND_APP_ARG,
    RETURN_APP_ARG,
    AriEventSignal,
    call_id_for_channel,
)


@dataclass(frozen=True)
class Routed:
    workflow_id: str
    signal: AriEventSignal
    starts_call: bool  # StasisStart of a channel we did not create: a new inbound call


@dataclass(frozen=True)
class _Subject:
    """What an event is about: a channel (most events) or a bridge."""

    channel_id: str = ""
    bridge_id: str = ""


Fields = dict[str, Any]


def _channel(event: AriEvent) -> _Subject:
    assert isinstance(event, ChannelEvent)
    return _Subject(channel_id=event.channel.id)


def _target(target_uri: str) -> _Subject:
    """`channel:<id>` / `bridge:<id>` of playbacks and recordings."""
    kind, _, ident = target_uri.partition(":")
    if kind == "channel":
        return _Subject(channel_id=ident)
    if kind == "bridge":
        return _Subject(bridge_id=ident)
    return _Subject()


def _stasis_start(event: AriEvent) -> Fields:
    assert isinstance(event, StasisStart)
    return {
        "state": event.channel.state,
        "args": list(event.args),
        "caller_number": event.channel.caller.number,
        "exten": event.channel.dialplan.exten,
    }


def _state(event: AriEvent) -> Fields:
    assert isinstance(event, ChannelEvent)
    return {"state": event.channel.state}


def _dtmf(event: AriEvent) -> Fields:
    assert isinstance(event, ChannelDtmfReceived)
    return {"state": event.channel.state, "digit": event.digit, "duration_ms": event.duration_ms}


def _destroyed(event: AriEvent) -> Fields:
    assert isinstance(event, ChannelDestroyed)
    return {"state": event.channel.state, "cause": event.cause, "cause_txt": event.cause_txt}


def _playback(event: AriEvent) -> Fields:
    assert isinstance(event, PlaybackEvent)
    return {"playback_id": event.playback.id, "playback_state": event.playback.state}


def _recording(event: AriEvent) -> Fields:
    assert isinstance(event, RecordingEvent)
    recording = event.recording
    extra: Fields = {"cause": recording.cause} if recording.cause else {}
    if recording.duration is not None:
        extra["duration"] = recording.duration
    return {
        "recording_name": recording.name,
        "recording_state": recording.state,
        "extra": extra,
    }


def _playback_subject(event: AriEvent) -> _Subject:
    assert isinstance(event, PlaybackEvent)
    return _target(event.playback.target_uri)


def _recording_subject(event: AriEvent) -> _Subject:
    assert isinstance(event, RecordingEvent)
    return _target(event.recording.target_uri)


Rule = tuple[Callable[[AriEvent], _Subject], Callable[[AriEvent], Fields]]

# event type → (what it is about, the signal's type-specific fields)
SIGNALLED: Mapping[str, Rule] = {
    "StasisStart": (_channel, _stasis_start),  # inbound start; outbound answered
    "ChannelStateChange": (_channel, _state),  # Ringing, Up
    "ChannelDtmfReceived": (_channel, _dtmf),
    "ChannelDestroyed": (_channel, _destroyed),
    "PlaybackFinished": (_playback_subject, _playback),
    "RecordingFinished": (_recording_subject, _recording),
}


def event_key(event: AriEvent) -> str:
    """Digest of the whole event (node included): a replay of it has the same key."""
    body = orjson.dumps(event.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()[:32]


def call_id_for_bridge(bridge_id: str) -> uuid.UUID | None:
    """Bridges we create are named `<call uuid>-...`; any other bridge is nobody's call."""
    return _uuid_prefix(bridge_id)


def _uuid_prefix(name: str) -> uuid.UUID | None:
    if len(name) < 36 or (len(name) > 36 and name[36] != "-"):
        return None
    try:
        return uuid.UUID(name[:36])
    except ValueError:
        return None


def is_new_inbound(event: AriEvent) -> bool:
    """StasisStart of a channel we did not create: its first app arg is not ours. Channels
    named `<call uuid>...` are ours too even without that arg (ARI's externalMedia takes
    no appArgs), and must never start a call of their own; nor does a channel coming back
    from our dialplan services (`context_from=...`, deploy/asterisk/extensions.conf)."""
    if not isinstance(event, StasisStart):
        return False
    if event.args and event.args[0] == OUTBOUND_APP_ARG:
        return False
    if any(arg.startswith(RETURN_APP_ARG) for arg in event.args):
        # Back from a dialplan service (echo, AMD): the channel's call is already running.
        return False
    return _uuid_prefix(event.channel.id) is None


def _redundant(event: AriEvent) -> bool:
    """An answer the StasisStart right behind it tells again (see the module doc)."""
    if isinstance(event, ChannelStateChange) and event.channel.state == "Up":
        return event.channel.dialplan.app_name != "Stasis"
    return False


def route(event: AriEvent) -> Routed | None:
    """The signal for `event`, or None when no call workflow should hear it."""
    rule = SIGNALLED.get(event.type)
    if rule is None or _redundant(event):
        return None
    subject_of, fields_of = rule
    subject = subject_of(event)
    if subject.channel_id:
        call_id = call_id_for_channel(subject.channel_id, event.node)
    elif subject.bridge_id:
        found = call_id_for_bridge(subject.bridge_id)
        if found is None:
            return None
        call_id = found
    else:
        return None
    fields: Fields = {"bridge_id": subject.bridge_id, **fields_of(event)}
    signal = AriEventSignal(
        event_type=event.type,
        node=event.node,
        channel_id=subject.channel_id,
        event_key=event_key(event),
        timestamp=event.timestamp,
        **fields,
    )
    return Routed(call_workflow_id(call_id), signal, is_new_inbound(event))
