"""The dialplan service contexts (deploy/asterisk/extensions.conf) as the simulator runs
them: `continue` to svc-echo / svc-stream_echo / svc-amd, the channel leaves Stasis, the
context does its work on the real audio, and the channel comes back with
`context_from=<context>` (and the AMD result)."""

from __future__ import annotations

from typing import Any

import numpy as np

from telephony.simulator.amd import AmdDetector
from telephony.simulator.audio import FRAME_SAMPLES, sine
from tests.telephony.conftest import Harness
from tests.telephony.test_media import peak_hz, rms, wav_samples


def _returned(channel_id: str, context: str) -> Any:
    def matches(event: dict[str, Any]) -> bool:
        return (
            event["type"] == "StasisStart"
            and event["channel"]["id"] == channel_id
            and f"context_from={context}" in event["args"]
        )

    return matches


async def _answered(harness: Harness, address: str, script: list[Any], channel_id: str) -> None:
    response = await harness.sim.put(f"/sim/parties/{address}", json={"script": script})
    response.raise_for_status()
    await harness.client.originate(
        f"PJSIP/{address}@provider", app="voipbin", channel_id=channel_id
    )
    await harness.events.wait_type("StasisStart", channel_id)


async def _received_dtmf(harness: Harness, channel_id: str) -> str:
    calls = (await harness.sim.get("/sim/calls")).json()
    return str(next(c["received_dtmf"] for c in calls if c["id"] == channel_id))


async def test_echo_sends_the_party_its_own_audio_then_returns(harness: Harness) -> None:
    await _answered(harness, "5550100", [{"answer": True}, {"tone": "440"}], "echoer")
    # What the party hears, through a snoop spying the channel's outgoing direction.
    await harness.client.snoop("echoer", app="voipbin", spy="out", snoop_id="ear")
    await harness.client.record("ear", "before", max_duration_seconds=1)
    await harness.events.wait_type("RecordingFinished")
    await harness.client.set_variable("echoer", "VB_ECHO_MS", "3000")
    await harness.client.continue_in_dialplan("echoer", context="svc-echo", extension="s")
    await harness.events.wait_type("StasisEnd", "echoer")
    await harness.client.record("ear", "during", max_duration_seconds=1)
    back = await harness.events.wait_for(_returned("echoer", "svc-echo"), timeout=5)
    assert back["args"] == ["context_from=svc-echo"]
    dialled = [e["dialplan_app"] for e in harness.events.of("ChannelDialplan", "echoer")]
    assert "Dial" in dialled and dialled[-1] == "Stasis"
    _, before = wav_samples(await harness.client.download_recording("before"))
    _, during = wav_samples(await harness.client.download_recording("during"))
    assert rms(before) == 0.0  # nothing plays to the party before the echo
    assert rms(during) > 300 and abs(peak_hz(during) - 440) <= 5  # its own dial tone back


async def test_stream_echo_returns_dtmf_and_echo_does_not(harness: Harness) -> None:
    script = [{"answer": True}, {"wait": 1}, {"dtmf": "12#"}, {"wait": 60}]
    for channel_id, context in (("streamer", "svc-stream_echo"), ("plain", "svc-echo")):
        await _answered(harness, f"55502{len(channel_id)}", script, channel_id)
        await harness.client.set_variable(channel_id, "VB_ECHO_MS", "4000")
        await harness.client.continue_in_dialplan(channel_id, context=context)
    for channel_id, context in (("streamer", "svc-stream_echo"), ("plain", "svc-echo")):
        await harness.events.wait_for(_returned(channel_id, context), timeout=5)
    assert await _received_dtmf(harness, "streamer") == "12#"
    assert await _received_dtmf(harness, "plain") == ""


async def _amd(harness: Harness, script: list[Any], name: str) -> list[str]:
    await _answered(harness, f"5550{len(harness.events.events)}", script, name)
    snoop = f"{name}-amd"
    # Out of Stasis the app is not subscribed to the snoop: only subscribeAll sees AMD's vars.
    everything = await harness.recorder(subscribeAll="true")
    await harness.client.snoop(name, app="voipbin", spy="both", snoop_id=snoop)
    await harness.events.wait_type("StasisStart", snoop)
    await harness.client.continue_in_dialplan(snoop, context="svc-amd", extension="s")
    back = await harness.events.wait_for(_returned(snoop, "svc-amd"), timeout=5)
    varset = {
        e["variable"]: e["value"]
        for e in everything.of("ChannelVarset", snoop)
        if e["variable"].startswith("AMD")
    }
    args: list[str] = back["args"]
    assert args[1:] == [f"amd_status={varset['AMDSTATUS']}", f"amd_cause={varset['AMDCAUSE']}"]
    return args


async def test_amd_hears_a_human_a_machine_and_silence(harness: Harness) -> None:
    # "Hello?" then a pause, again and again: whenever AMD starts it hears a short greeting.
    hello: list[Any] = [{"say": "Hello?"}, {"wait": 2}]
    human = await _amd(harness, [{"answer": True}, *hello * 10], "human")
    assert human[1] == "amd_status=HUMAN" and human[2].startswith("amd_cause=HUMAN-")
    greeting = "Hi, you have reached the voicemail of John Smith. Please leave a message."
    machine = await _amd(harness, [{"answer": True}, *[{"say": greeting}] * 3], "machine")
    assert machine[1] == "amd_status=MACHINE"
    assert machine[2].split("=")[1].split("-")[0] in ("MAXWORDS", "LONGGREETING")
    silent = await _amd(harness, [{"answer": True}, {"wait": 60}], "silent")
    assert silent[1:] == ["amd_status=MACHINE", "amd_cause=INITIALSILENCE-2500-2500"]


def _feed(detector: AmdDetector, frames: list[np.ndarray]) -> None:  # type: ignore[type-arg]
    for frame in frames:
        detector.feed(frame)


def test_amd_detector_follows_app_amd() -> None:
    voice = sine((440.0,), FRAME_SAMPLES / 8000)
    quiet = np.zeros(FRAME_SAMPLES, dtype=np.int16)
    human = AmdDetector()
    _feed(human, [quiet] * 10 + [voice] * 20 + [quiet] * 40)  # 200 ms, 400 ms word, 800 ms
    assert (human.status, human.cause) == ("HUMAN", "HUMAN-800-800")
    long_word = AmdDetector()
    _feed(long_word, [voice] * 80)  # 1.6 s of one sound
    assert (long_word.status, long_word.cause) == ("MACHINE", "LONGGREETING-1500-1500")
    words = AmdDetector()
    _feed(words, ([quiet] * 5 + [voice] * 10) * 3)  # short words with short gaps
    assert (words.status, words.cause) == ("MACHINE", "MAXWORDS-2-2")
    unsure = AmdDetector()
    _feed(unsure, ([voice] * 4 + [quiet] * 35) * 10)  # too short to be words: no decision
    assert (unsure.status, unsure.cause) == ("NOTSURE", "TOOLONG-5000")


async def _inbound_in_echo(harness: Harness, caller: str) -> str:
    """An inbound caller (a channel we did not originate), answered and sent to a long
    svc-echo; it hangs up 1 simulated second after the answer."""
    response = await harness.sim.post(
        "/sim/inbound",
        json={"from": caller, "to": "+15553334444", "script": [{"wait": 1}, {"hangup": True}]},
    )
    channel_id = str(response.json()["channel_id"])
    await harness.events.wait_type("StasisStart", channel_id)
    await harness.client.answer(channel_id)
    await harness.client.set_variable(channel_id, "VB_ECHO_MS", "600000")
    return channel_id


async def test_a_subscribed_channel_tells_its_hangup_in_the_dialplan(harness: Harness) -> None:
    # given two inbound callers sent to the echo service, the app subscribed to one of them
    watched = await _inbound_in_echo(harness, "+15551110001")
    unwatched = await _inbound_in_echo(harness, "+15551110002")
    await harness.client.subscribe("voipbin", [f"channel:{watched}"])
    for channel_id in (watched, unwatched):
        await harness.client.continue_in_dialplan(channel_id, context="svc-echo")
        await harness.events.wait_type("StasisEnd", channel_id)
    # when both hang up during the echo, then this (not subscribeAll) socket hears the
    # subscribed one's end, as Asterisk counts its subscriptions: leaving Stasis ended only
    # Stasis' own; the other channel's events stopped at its StasisEnd
    destroyed = await harness.events.wait_type("ChannelDestroyed", watched)
    assert destroyed["channel"]["id"] == watched
    await harness.sleep(2)
    assert harness.events.of("ChannelDestroyed", unwatched) == []
    calls = {c["id"] for c in (await harness.sim.get("/sim/calls")).json()}
    assert unwatched not in calls  # it did hang up: only its events were not ours
