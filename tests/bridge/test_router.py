"""Routing is pure: which events reach which call workflow, and which start a call."""

from __future__ import annotations

import uuid
from typing import Any

from telephony.ari.events import parse_event
from voipbin.bridge.router import SIGNALLED, event_key, route
from workflows.ids import call_workflow_id
from workflows.telephony_signals import OUTBOUND_APP_ARG, call_id_for_channel

CALL = uuid.uuid4()


def channel(channel_id: str, state: str = "Up") -> dict[str, Any]:
    return {
        "id": channel_id,
        "name": f"PJSIP/x-{channel_id[:4]}",
        "state": state,
        "caller": {"name": "", "number": "+15550001111"},
        "dialplan": {"context": "call-in", "exten": "+15559990000", "priority": 1},
    }


def event(kind: str, **fields: Any) -> Any:
    return parse_event(
        {"type": kind, "timestamp": "2026-11-25T01:00:00.000+0000", **fields}, "call-1"
    )


def test_inbound_stasis_start_starts_the_call_named_after_the_channel() -> None:
    routed = route(
        event(
            "StasisStart",
            channel=channel("1795560487.62", "Ring"),
            args=["context_type=call", "context=call-in"],
        )
    )
    assert routed is not None and routed.starts_call
    assert routed.workflow_id == call_workflow_id(call_id_for_channel("1795560487.62", "call-1"))
    signal = routed.signal
    assert (signal.node, signal.state, signal.caller_number, signal.exten) == (
        "call-1",
        "Ring",
        "+15550001111",
        "+15559990000",
    )


def test_our_channels_never_start_a_call() -> None:
    ours = route(event("StasisStart", channel=channel(str(CALL)), args=[OUTBOUND_APP_ARG]))
    assert ours is not None and not ours.starts_call
    # externalMedia channels carry no app args, but are named after their call
    helper = route(event("StasisStart", channel=channel(f"{CALL}-ext"), args=[]))
    assert helper is not None and not helper.starts_call
    assert helper.workflow_id == call_workflow_id(CALL)


def test_a_channel_back_from_a_dialplan_service_goes_to_its_running_call() -> None:
    # An inbound channel (Asterisk's id) returning from svc-echo: same call, no new one.
    back = route(
        event(
            "StasisStart",
            channel=channel("1795560487.62"),
            args=["context_from=svc-echo"],
        )
    )
    assert back is not None and not back.starts_call
    assert back.workflow_id == call_workflow_id(call_id_for_channel("1795560487.62", "call-1"))
    assert back.signal.args == ["context_from=svc-echo"]
    # The AMD snoop `<call>-amd1` comes back with the result in its args.
    amd = route(
        event(
            "StasisStart",
            channel=channel(f"{CALL}-amd1"),
            args=["context_from=svc-amd", "amd_status=HUMAN", "amd_cause=HUMAN-800-800"],
        )
    )
    assert amd is not None and not amd.starts_call
    assert amd.workflow_id == call_workflow_id(CALL)


def test_playbacks_recordings_and_bridges_route_by_their_target() -> None:
    playback = {
        "id": "p1",
        "media_uri": "sound:x",
        "target_uri": f"channel:{CALL}",
        "state": "done",
    }
    routed = route(event("PlaybackFinished", playback=playback))
    assert routed is not None and routed.workflow_id == call_workflow_id(CALL)
    assert (routed.signal.playback_id, routed.signal.playback_state) == ("p1", "done")
    on_bridge = {**playback, "target_uri": f"bridge:{CALL}-bridge"}
    routed = route(event("PlaybackFinished", playback=on_bridge))
    assert routed is not None and routed.signal.bridge_id == f"{CALL}-bridge"
    assert routed.workflow_id == call_workflow_id(CALL)
    elsewhere = {**playback, "target_uri": "bridge:someone-elses"}
    assert route(event("PlaybackFinished", playback=elsewhere)) is None


def test_events_no_call_needs_are_not_signalled() -> None:
    assert (
        route(event("ChannelVarset", channel=channel(str(CALL)), variable="X", value="1")) is None
    )
    assert route(event("DeviceStateChanged", device_state={})) is None
    assert "ChannelVarset" not in SIGNALLED and "ChannelDestroyed" in SIGNALLED


def test_events_the_call_workflow_never_reads_cost_no_signal() -> None:
    # given the events of an answered outbound call that CallWorkflow.ari_event ignores
    ours = channel(str(CALL))
    ignored = [
        event("Dial", peer=ours, dialstatus="ANSWER", dialstring="+15550001111"),
        event("StasisEnd", channel=ours),
        event("ChannelEnteredBridge", channel=ours, bridge={"id": f"{CALL}-b"}),
        event("ChannelLeftBridge", channel=ours, bridge={"id": f"{CALL}-b"}),
        event("BridgeDestroyed", bridge={"id": f"{CALL}-b"}),
        event(
            "PlaybackStarted",
            playback={
                "id": "p1",
                "media_uri": "sound:x",
                "target_uri": f"channel:{CALL}",
                "state": "playing",
            },
        ),
    ]
    # then none of them becomes a signal, while the ones it reads still do
    assert [e.type for e in ignored if route(e) is not None] == []
    ringing = channel(str(CALL), "Ringing")
    assert route(event("ChannelStateChange", channel=ringing)) is not None
    assert route(event("StasisStart", channel=ours, args=[OUTBOUND_APP_ARG])) is not None


def test_an_answer_or_hangup_told_twice_is_signalled_once() -> None:
    # given an originated channel's answer (Up while still in Dial, as Asterisk 22 shows it,
    # ari-traces/01) followed by its StasisStart, and its hangup request and destruction
    dialling = channel(str(CALL))
    dialling["dialplan"] |= {"app_name": "AppDial2", "app_data": "(Outgoing Line)"}
    in_stasis = channel(str(CALL))
    in_stasis["dialplan"] |= {"app_name": "Stasis", "app_data": "voipbin,outbound"}
    up_outside = event("ChannelStateChange", channel=dialling)
    up_inside = event("ChannelStateChange", channel=in_stasis)
    request = event("ChannelHangupRequest", channel=in_stasis, cause=16)
    soft = event("ChannelHangupRequest", channel=in_stasis, cause=32, soft=True)
    destroyed = event("ChannelDestroyed", channel=in_stasis, cause=16, cause_txt="Normal")
    # then only the StasisStart tells the answer, only ChannelDestroyed the hangup
    assert route(up_outside) is None
    assert route(request) is None and route(soft) is None
    gone = route(destroyed)
    assert gone is not None and gone.signal.cause == 16
    # while a channel already in Stasis (created + dialled, inbound) is answered by its Up
    answered = route(up_inside)
    assert answered is not None and answered.signal.state == "Up"


def test_event_key_is_stable_for_a_replay_and_differs_otherwise() -> None:
    one = event("ChannelDtmfReceived", channel=channel(str(CALL)), digit="1", duration_ms=90)
    same = event("ChannelDtmfReceived", channel=channel(str(CALL)), digit="1", duration_ms=90)
    other = event("ChannelDtmfReceived", channel=channel(str(CALL)), digit="2", duration_ms=90)
    assert event_key(one) == event_key(same) != event_key(other)
    destroyed = route(
        event("ChannelDestroyed", channel=channel(str(CALL)), cause=17, cause_txt="User busy")
    )
    assert destroyed is not None
    assert (destroyed.signal.cause, destroyed.signal.cause_txt) == (17, "User busy")
