"""Real audio: an IVR exchange with DTMF, and recordings that carry speech."""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from telephony.simulator.audio import pcm_to_wav, sine
from tests.telephony.conftest import Harness


def wav_samples(data: bytes) -> tuple[int, np.ndarray]:  # type: ignore[type-arg]
    with wave.open(io.BytesIO(data)) as reader:
        rate = reader.getframerate()
        return rate, np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def peak_hz(samples: np.ndarray, rate: int = 8000) -> int:  # type: ignore[type-arg]
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return int(np.argmax(spectrum) * rate / len(samples))


def finished_playback(playback_id: str) -> Callable[[dict[str, Any]], bool]:
    def matches(event: dict[str, Any]) -> bool:
        return bool(event["type"] == "PlaybackFinished" and event["playback"]["id"] == playback_id)

    return matches


def rms(samples: np.ndarray) -> float:  # type: ignore[type-arg]
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


async def test_ivr_prompt_then_caller_digits(harness: Harness) -> None:
    script = [{"wait": 1}, {"dtmf": "42#"}]
    response = await harness.sim.post(
        "/sim/inbound", json={"from": "+15550101010", "to": "+15552020202", "script": script}
    )
    channel_id = response.json()["channel_id"]
    await harness.events.wait_type("StasisStart", channel_id)
    await harness.client.answer(channel_id)
    await harness.client.play(channel_id, ["sound:beep"], playback_id="prompt")
    await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackFinished" and e["playback"]["id"] == "prompt"
    )
    await harness.events.wait_type("ChannelDtmfReceived", channel_id, digit="#")
    received = harness.events.of("ChannelDtmfReceived", channel_id)
    assert [(e["digit"], e["duration_ms"]) for e in received] == [
        ("4", 100),
        ("2", 100),
        ("#", 100),
    ]


async def test_recording_of_a_speaking_party_holds_speech(harness: Harness) -> None:
    text = "Hello, this is the voipbin simulator speaking."
    await harness.sim.put(
        "/sim/parties/%2B15550303030",
        json={
            "script": [{"answer": True}, {"wait": 1}, {"say": text}, {"wait": 1}, {"hangup": True}]
        },
    )
    await harness.sim.put("/sim/parties/%2B15550404040", json={"script": [{"answer": True}]})
    await harness.client.originate(
        "PJSIP/+15550303030@provider", app="voipbin", channel_id="talker"
    )
    await harness.client.originate("PJSIP/+15550404040@provider", app="voipbin", channel_id="mute")
    await harness.events.wait_type("StasisStart", "talker")
    await harness.events.wait_type("StasisStart", "mute")
    await harness.client.record("talker", "speech")
    await harness.client.record("mute", "silence", max_duration_seconds=2)
    # The recording ends when the party hangs up after speaking.
    await harness.events.wait_for(
        lambda e: e["type"] == "RecordingFinished" and e["recording"]["name"] == "speech",
        timeout=15,
    )
    await harness.events.wait_for(
        lambda e: e["type"] == "RecordingFinished" and e["recording"]["name"] == "silence"
    )
    rate, speech = wav_samples(await harness.client.download_recording("speech"))
    _, silence = wav_samples(await harness.client.download_recording("silence"))
    assert rate == 8000
    seconds = len(speech) / rate
    assert 2.0 < seconds < 8.0, seconds  # 1 s wait + ~2-3 s of speech + 1 s wait
    assert rms(speech) > 300
    assert rms(silence) == 0.0
    assert len(silence) == 2 * 8000
    # Speech is not a steady tone: its energy varies strongly from 20 ms frame to frame.
    frames = speech[: len(speech) // 160 * 160].reshape(-1, 160)
    energies = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    assert (energies > 500).sum() > 25
    assert (energies < 50).sum() > 25


async def test_bridge_recording_mixes_members_and_playbacks(harness: Harness) -> None:
    await harness.client.originate("Local/tone@far", app="voipbin", channel_id="m-1")
    await harness.client.originate("Local/answer@far", app="voipbin", channel_id="m-2")
    await harness.events.wait_type("StasisStart", "m-1")
    await harness.events.wait_type("StasisStart", "m-2")
    await harness.client.create_bridge(bridge_id="mix")
    await harness.client.add_channel("mix", ["m-1", "m-2"])
    await harness.sleep(1)  # the far end starts its tone once Answer() has settled
    await harness.client.record_bridge("mix", "mixed", max_duration_seconds=1)
    await harness.events.wait_type("RecordingFinished")
    rate, mixed = wav_samples(await harness.client.download_recording("mixed"))
    assert len(mixed) == rate
    spectrum = np.abs(np.fft.rfft(mixed.astype(np.float64)))
    peak_hz = int(np.argmax(spectrum) * rate / len(mixed))
    assert abs(peak_hz - 440) <= 2  # the tone far end's 440 Hz


async def test_files_play_by_absolute_path_and_by_recording_name(
    harness: Harness, tmp_path: Path
) -> None:
    prompt = tmp_path / "prompt.wav"
    prompt.write_bytes(pcm_to_wav(sine((600.0,), 0.3)))
    await harness.client.originate("Local/answer@far", app="voipbin", channel_id="f-1")
    await harness.events.wait_type("StasisStart", "f-1")
    await harness.client.create_bridge(bridge_id="files")
    await harness.client.add_channel("files", ["f-1"])
    await harness.client.record_bridge("files", "with-prompt", max_duration_seconds=1)
    await harness.client.play_on_bridge("files", [f"sound:{prompt}"], playback_id="abs")
    await harness.client.play("f-1", [f"sound:{tmp_path}/missing.wav"], playback_id="gone")
    finished = {}
    for playback_id in ("abs", "gone"):
        event = await harness.events.wait_for(finished_playback(playback_id))
        finished[playback_id] = event["playback"]["state"]
    assert finished == {"abs": "done", "gone": "failed"}
    await harness.events.wait_type("RecordingFinished")
    _, recorded = wav_samples(await harness.client.download_recording("with-prompt"))
    assert abs(peak_hz(recorded) - 600) <= 5  # the prompt went into the bridge mix
    await harness.client.play("f-1", ["recording:with-prompt"], playback_id="again")
    replayed = await harness.events.wait_for(
        lambda e: e["type"] == "PlaybackFinished" and e["playback"]["id"] == "again"
    )
    assert replayed["playback"]["state"] == "done"


async def test_music_on_hold_sounds_in_the_bridge(harness: Harness) -> None:
    await harness.client.originate("Local/answer@far", app="voipbin", channel_id="h-1")
    await harness.events.wait_type("StasisStart", "h-1")
    await harness.client.create_bridge(bridge_id="held")
    await harness.client.add_channel("held", ["h-1"])
    await harness.client.start_bridge_moh("held")
    await harness.client.record_bridge("held", "moh", max_duration_seconds=1)
    await harness.events.wait_type("RecordingFinished")
    await harness.client.stop_bridge_moh("held")
    _, recorded = wav_samples(await harness.client.download_recording("moh"))
    assert abs(peak_hz(recorded) - 950) <= 5
