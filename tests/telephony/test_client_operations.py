"""The ARI client against the simulator, one operation family per test.

Every request goes through the harness's contract transport, so each test also checks
that the client's requests and the simulator's replies and events match the Swagger
files (see conftest)."""

from __future__ import annotations

import io
import wave

import pytest

from telephony.ari import AriConflict, AriNotFound
from tests.telephony.conftest import Harness


async def answered_call(h: Harness, channel_id: str, far: str = "answer") -> None:
    await h.client.originate(f"Local/{far}@far", app="voipbin", channel_id=channel_id)
    await h.events.wait_type("StasisStart", channel_id)


async def test_originate_enters_stasis_when_answered(harness: Harness) -> None:
    channel = await harness.client.originate(
        "Local/answer@far",
        app="voipbin",
        channel_id="call-1",
        app_args=["outbound", "s1"],
        caller_id='"Alice" <1001>',
        dial_timeout=30,
        variables={"X_PRESET": "yes"},
    )
    assert (channel.id, channel.state) == ("call-1", "Down")
    assert channel.caller.number == "1001"
    start = await harness.events.wait_type("StasisStart", "call-1")
    assert start["args"] == ["outbound", "s1"]
    assert (await harness.client.get_channel("call-1")).state == "Up"
    assert await harness.client.get_variable("call-1", "X_PRESET") == "yes"
    await harness.client.answer("call-1")  # already Up: still 204
    assert {c.id for c in await harness.client.list_channels()} == {"call-1", "call-1;2"}
    await harness.client.hangup("call-1", reason_code=21)
    destroyed = await harness.events.wait_type("ChannelDestroyed", "call-1")
    assert (destroyed["cause"], destroyed["cause_txt"]) == (21, "Call Rejected")
    with pytest.raises(AriNotFound) as caught:
        await harness.client.get_channel("call-1")
    assert caught.value.message == "Channel not found"


async def test_create_then_dial_a_scripted_pstn_party(harness: Harness) -> None:
    response = await harness.sim.put(
        "/sim/parties/%2B15551234567", json={"script": [{"ring": 1}, {"answer": True}]}
    )
    assert response.status_code == 204
    channel = await harness.client.create_channel(
        "PJSIP/+15551234567@provider", app="voipbin", channel_id="out-1", app_args=["call"]
    )
    assert channel.name.startswith("PJSIP/provider-")
    await harness.events.wait_type("StasisStart", "out-1")
    await harness.client.dial("out-1", dial_timeout=30)
    await harness.events.wait_type("Dial", "out-1", dialstatus="RINGING")
    await harness.events.wait_type("Dial", "out-1", dialstatus="ANSWER")
    calls = (await harness.sim.get("/sim/calls")).json()
    assert [c["address"] for c in calls if c["id"] == "out-1"] == ["+15551234567"]
    await harness.client.hangup("out-1", reason="normal")
    await harness.events.wait_type("ChannelDestroyed", "out-1")


async def test_variables(harness: Harness) -> None:
    await answered_call(harness, "v-1")
    await harness.client.set_variable("v-1", "MY_VAR", "hello world")
    varset = await harness.events.wait_type("ChannelVarset", "v-1", variable="MY_VAR")
    assert varset["value"] == "hello world"
    assert await harness.client.get_variable("v-1", "MY_VAR") == "hello world"
    assert await harness.client.get_variable("v-1", "CHANNEL(state)") == "Up"
    await harness.client.set_variable("v-1", "MY_VAR", None)
    with pytest.raises(AriNotFound) as caught:
        await harness.client.get_variable("v-1", "MY_VAR")
    assert caught.value.message == "Provided variable was not found"


async def test_playbacks_queue_list_control_and_stop(harness: Harness) -> None:
    await answered_call(harness, "p-1")
    client = harness.client
    first = await client.play("p-1", ["sound:beep"], playback_id="pb-1")
    assert (first.id, first.state, first.target_uri) == ("pb-1", "queued", "channel:p-1")
    second = await client.play("p-1", ["sound:beep"], playback_id="pb-2")
    assert (await client.get_playback("pb-2")).state == "queued"
    await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackFinished" and e["playback"]["id"] == second.id
    )
    listed = await client.play("p-1", ["sound:beep", "tone:busy", "sound:beep"], playback_id="pb-3")
    assert listed.next_media_uri == "tone:busy"
    await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackStarted" and e["playback"]["media_uri"] == "tone:busy"
    )
    await client.control_playback("pb-3", "forward")  # no effect on a tone
    await client.stop_playback("pb-3")  # stops only the tone; the last beep follows
    finished = await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackFinished" and e["playback"]["id"] == "pb-3"
    )
    assert finished["playback"]["state"] == "done"
    assert [
        e["type"] for e in harness.events.events if e.get("playback", {}).get("id") == "pb-3"
    ] == [
        "PlaybackStarted",
        "PlaybackContinuing",
        "PlaybackStarted",
        "PlaybackContinuing",
        "PlaybackStarted",
        "PlaybackFinished",
    ]
    await client.play("p-1", ["sound:long-tone"], playback_id="pb-4")
    await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackStarted" and e["playback"]["id"] == "pb-4"
    )
    await client.control_playback("pb-4", "pause")
    await client.control_playback("pb-4", "unpause")
    await client.stop_playback("pb-4")
    with pytest.raises(AriNotFound):
        await client.get_playback("pb-4")
    missing = await client.play("p-1", ["sound:no-such-sound"], playback_id="pb-5")
    assert missing.state == "queued"
    failed = await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackFinished" and e["playback"]["id"] == "pb-5"
    )
    assert failed["playback"]["state"] == "failed"
    for media in ("digits:42", "recording:none-here"):
        await client.play("p-1", [media])


async def test_bridges(harness: Harness) -> None:
    await answered_call(harness, "b-1")
    await answered_call(harness, "b-2")
    client = harness.client
    bridge = await client.create_bridge(
        bridge_id="br-1", types=["mixing"], name="reference_type=call"
    )
    assert (bridge.id, bridge.bridge_type, bridge.channels) == ("br-1", "mixing", [])
    with pytest.raises(AriConflict):
        await client.create_bridge(bridge_id="br-1")
    await client.add_channel("br-1", ["b-1", "b-2"])
    assert (await client.get_bridge("br-1")).channels == ["b-1", "b-2"]
    peer = await harness.events.wait_type("ChannelVarset", "b-1", variable="BRIDGEPEER")
    assert peer["value"].endswith(";1")
    await client.play_on_bridge("br-1", ["sound:beep"], playback_id="bp-1")
    await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackFinished" and e["playback"]["id"] == "bp-1"
    )
    recording = await client.record_bridge("br-1", "bridge-rec", max_duration_seconds=1)
    assert recording.target_uri == "bridge:br-1"
    await harness.events.wait_type("RecordingFinished")
    await client.start_bridge_moh("br-1")
    await client.stop_bridge_moh("br-1")
    await client.remove_channel("br-1", ["b-1"])
    await harness.events.wait_type("ChannelLeftBridge", "b-1")
    assert [b.id for b in await client.list_bridges()] == ["br-1"]
    await client.delete_bridge("br-1")
    await harness.events.wait_type("ChannelLeftBridge", "b-2")
    with pytest.raises(AriNotFound):
        await client.get_bridge("br-1")


async def test_recordings_live_and_stored(harness: Harness) -> None:
    await answered_call(harness, "r-1", far="tone")
    client = harness.client
    live = await client.record("r-1", "rec-1", if_exists="overwrite", terminate_on="#")
    assert (live.name, live.format, live.state) == ("rec-1", "wav", "queued")
    assert (await client.get_live_recording("rec-1")).state == "recording"
    await client.pause_live_recording("rec-1")
    await client.unpause_live_recording("rec-1")
    await client.mute_live_recording("rec-1")
    await client.unmute_live_recording("rec-1")
    await harness.sleep(1.0)
    await client.stop_live_recording("rec-1")
    finished = await harness.events.wait_type("RecordingFinished")
    assert finished["recording"]["state"] == "done"
    assert [r.name for r in await client.list_stored_recordings()] == ["rec-1"]
    assert (await client.get_stored_recording("rec-1")).format == "wav"
    audio = await client.download_recording("rec-1")
    with wave.open(io.BytesIO(audio)) as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (8000, 1, 2)
        assert reader.getnframes() >= 4000
    await client.record("r-1", "rec-2")
    await client.cancel_live_recording("rec-2")
    await client.delete_stored_recording("rec-1")
    assert await client.list_stored_recordings() == []
    with pytest.raises(AriNotFound):
        await client.download_recording("rec-1")


async def test_snoop_external_media_and_channel_controls(harness: Harness) -> None:
    await answered_call(harness, "s-1")
    client = harness.client
    snoop = await client.snoop("s-1", app="voipbin", spy="in", app_args=["rec"], snoop_id="snoop-1")
    assert snoop.name.startswith("Snoop/s-1-")
    await harness.events.wait_type("StasisStart", "snoop-1")
    media = await client.external_media(
        app="voipbin",
        external_host="127.0.0.1:9999",
        format="slin",
        channel_id="em-1",
        encapsulation="rtp",
        transport="udp",
    )
    assert media.channelvars is not None and "UNICASTRTP_LOCAL_PORT" in media.channelvars
    await client.hold("s-1")
    await harness.events.wait_type("ChannelHold", "s-1")
    await client.unhold("s-1")
    await client.mute("s-1", "in")
    await client.unmute("s-1", "in")
    await client.start_moh("s-1")
    await client.stop_moh("s-1")
    await client.send_dtmf("s-1", "12", duration=120, between=50)
    received = await harness.events.wait_type("ChannelDtmfReceived", "s-1;2", digit="2")
    assert received["duration_ms"] == 120
    await client.hangup("s-1")
    # A snoop ends with StasisEnd as its last event for the app (README).
    await harness.events.wait_type("StasisEnd", "snoop-1")
    await client.continue_in_dialplan("em-1", context="svc-echo", extension="s", priority=1)
    await harness.events.wait_type("StasisEnd", "em-1")


async def test_redirect_and_ring_on_inbound(harness: Harness) -> None:
    response = await harness.sim.post(
        "/sim/inbound", json={"from": "+15550001111", "to": "+15559990000", "script": []}
    )
    channel_id = response.json()["channel_id"]
    start = await harness.events.wait_type("StasisStart", channel_id)
    assert start["channel"]["state"] == "Ring"
    await harness.client.ring(channel_id)
    await harness.events.wait_type("ChannelStateChange", channel_id)
    await harness.client.ring_stop(channel_id)
    await harness.client.redirect(channel_id, "PJSIP/transfer@provider")
    await harness.events.wait_type("StasisEnd", channel_id)


async def test_applications_and_asterisk(harness: Harness) -> None:
    client = harness.client
    assert [a.name for a in await client.list_applications()] == ["voipbin"]
    await client.create_bridge(bridge_id="sub-1")
    application = await client.subscribe("voipbin", ["bridge:sub-1"])
    assert application.bridge_ids == ["sub-1"]
    application = await client.unsubscribe("voipbin", ["bridge:sub-1"])
    assert application.bridge_ids == []
    assert (await client.get_application("voipbin")).name == "voipbin"
    info = await client.asterisk_info()
    assert info.system is not None and info.system.entity_id == "02:00:00:a5:7e:01"
    ping = await client.ping()
    assert (ping.ping, ping.asterisk_id) == ("pong", "02:00:00:a5:7e:01")
