"""Media flow actions end to end (CallService → CallWorkflow → simulator over ARI → signals
back): echo and stream_echo through the dialplan services, answering-machine detection on
a snoop, digits_send and mute, each checked on what the simulated party really hears."""

from __future__ import annotations

import asyncio
import io
import uuid
import wave
from typing import Any

import numpy as np
import sqlalchemy as sa
from temporalio.service import RPCError

from telephony.ari.client import AriClient
from telephony.ari.errors import AriNotFound
from tests.calls.conftest import META, TIME_SCALE, CallHarness
from voipbin.calls.models import Call
from voipbin.calls.service import CreateCall
from voipbin.flows.service import FlowFields
from voipbin.numbers.service import NumberFields
from voipbin.recordings.models import Recording
from workflows.call import CallResult, CallWorkflow
from workflows.telephony_signals import call_id_for_channel

SOURCE = {"type": "tel", "target": "+15550000001"}
GREETING = (
    "Hi, you have reached the voicemail of John Smith. I cannot take your call right now, "
    "please leave a message after the tone."
)
# Says "Hello?" and waits to be answered, again and again: whenever AMD starts listening it
# hears a short greeting followed by silence.
HELLO: list[dict[str, Any]] = [{"say": "Hello?"}, {"wait": 2}]
HUMAN: list[dict[str, Any]] = [{"answer": True}, *HELLO * 10, {"wait": 60}]
MACHINE: list[dict[str, Any]] = [
    {"answer": True},
    {"say": GREETING},
    {"say": GREETING},
    {"wait": 60},
]
NEXT = "00000000-0000-0000-0000-00000000c001"


def _number() -> str:
    return f"+1555{uuid.uuid4().int % 10_000_000:07d}"


async def _call(h: CallHarness, script: list[dict[str, Any]], actions: list[Any]) -> Call:
    number = _number()
    await h.script(number, script)
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(SOURCE, [{"type": "tel", "target": number}], actions=actions),
    )
    return call


def _ari(h: CallHarness) -> AriClient:
    return AriClient(f"http://127.0.0.1:{h.specs[0].port}", "voipbin", "voipbin")


async def _channel(h: CallHarness, channel_id: str) -> dict[str, Any]:
    calls = (await h.sim.get("/sim/calls")).json()
    return next((c for c in calls if c["id"] == channel_id), {})


async def _until(h: CallHarness, channel_id: str, field: str, value: object) -> None:
    async with asyncio.timeout(10):
        while (await _channel(h, channel_id)).get(field) != value:
            await asyncio.sleep(0.02)


async def _until_current(h: CallHarness, call: Call, action_type: str) -> None:
    """Until the call's flow is running an action of `action_type`."""
    async with asyncio.timeout(20):
        while True:
            view = await h.handle(call.id).query(CallWorkflow.view)
            if view.current_action.get("type") == action_type:
                return
            await asyncio.sleep(0.02)


async def _executed(h: CallHarness, call: Call) -> list[str]:
    assert call.activeflow_id is not None
    return [
        e.data["current_action"]["type"]
        for e in await h.events(call.activeflow_id)
        if e.event_type == "activeflow_updated" and e.data["status"] == "running"
    ]


def _samples(wav_bytes: bytes) -> np.ndarray:  # type: ignore[type-arg]
    with wave.open(io.BytesIO(wav_bytes)) as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")


def _rms(samples: np.ndarray) -> float:  # type: ignore[type-arg]
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


def _loud_frames(samples: np.ndarray) -> int:  # type: ignore[type-arg]
    """20 ms frames carrying sound (speech is loud in bursts, silence around it)."""
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160).astype(np.float64)
    return int((np.sqrt(np.mean(frames**2, axis=1)) > 500).sum())


def _peak_hz(samples: np.ndarray) -> int:  # type: ignore[type-arg]
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return int(np.argmax(spectrum) * 8000 / len(samples))


async def _stored(ari: AriClient, name: str) -> bytes:
    """The file of a recording once it has finished (stored)."""
    async with asyncio.timeout(10):
        while True:
            try:
                return await ari.download_recording(name)
            except AriNotFound:
                await asyncio.sleep(0.02)


async def _variables(h: CallHarness, call: Call) -> dict[str, str]:
    return (await h.handle(call.id).query(CallWorkflow.view)).variables


async def test_echo_plays_the_party_back_to_itself_then_the_flow_goes_on(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    call = await _call(
        h,
        [{"answer": True}, {"tone": "440"}],
        [
            {"type": "echo", "option": {"duration": 10000}},
            {"type": "variable_set", "option": {"key": "after", "value": "echo"}},
            {"type": "hangup"},
        ],
    )
    channel = str(call.id)
    await _until(h, channel, "stasis", False)  # in svc-echo
    async with _ari(h) as ari:
        # What the party hears, through our own snoop spying the channel's outgoing audio.
        ear = f"{call.id}-test-ear"
        await ari.snoop(channel, app="voipbin", spy="out", app_args=["outbound"], snoop_id=ear)
        await ari.record(ear, f"heard-{call.id}", max_duration_seconds=1)
        heard = _samples(await _stored(ari, f"heard-{call.id}"))
    assert _rms(heard) > 300 and abs(_peak_hz(heard) - 440) <= 5  # its own 440 Hz tone
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    assert await _executed(h, call) == ["echo", "hangup"]  # variable_set runs inline
    assert (await _variables(h, call))["after"] == "echo"


async def test_stream_echo_sends_the_party_its_digits_back(call_harness: CallHarness) -> None:
    h = call_harness
    # The party presses 5 every 3 s, so some presses fall inside the echo however late it
    # starts under load.
    presses: list[dict[str, Any]] = [{"wait": 3}, {"dtmf": "5"}] * 30
    call = await _call(
        h,
        [{"answer": True}, *presses],
        [
            {"type": "stream_echo", "option": {"duration": 40000}},
            {"type": "sleep", "option": {"duration": 600000}},
        ],
    )
    channel = str(call.id)
    await _until(h, channel, "stasis", False)  # in svc-stream_echo
    async with asyncio.timeout(20):
        while not (await _channel(h, channel)).get("received_dtmf"):
            await asyncio.sleep(0.02)
    await _until_current(h, call, "sleep")  # back from svc-stream_echo, the flow goes on
    echoed = (await _channel(h, channel))["received_dtmf"]
    assert set(echoed) == {"5"}
    assert len(echoed) <= 40 // 3 + 1  # only presses during the 40 s echo came back
    await h.calls.hangup(h.principal, META, call.id)
    result = await h.result(call.id)
    assert result.errors == []
    assert await _executed(h, call) == ["stream_echo", "sleep"]
    assert (await _variables(h, call))["voipbin.call.digits"] == "5"


async def test_amd_human_stores_the_result_and_the_flow_goes_on(call_harness: CallHarness) -> None:
    h = call_harness
    call = await _call(
        h,
        HUMAN,
        [
            {"type": "echo", "option": {"duration": 2000}},
            {"type": "amd", "option": {"machine_handle": "hangup"}},
            {"type": "variable_set", "option": {"key": "seen", "value": "${voipbin.amd.status}"}},
            {"type": "hangup"},
        ],
    )
    result = await h.result(call.id)
    assert (result.hangup_reason, result.errors) == ("normal", [])
    variables = await _variables(h, call)
    assert variables["seen"] == variables["voipbin.amd.status"] == "HUMAN"
    assert variables["voipbin.amd.cause"].startswith("HUMAN-")
    # The snoop was hung up once AMD answered: only the call's own channel ever remained.
    assert not [c for c in (await h.sim.get("/sim/calls")).json() if str(call.id) in c["id"]]
    await h.keep_history(call.id, "echo_amd")


async def test_amd_machine_with_hangup_ends_the_call_with_reason_amd(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    call = await _call(
        h,
        MACHINE,
        [
            {"type": "amd", "option": {"machine_handle": "hangup"}},
            {"type": "talk", "option": {"text": "never said"}},
        ],
    )
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason, result.hangup_cause) == ("local", "amd", 201)
    assert await _executed(h, call) == ["amd"]
    assert (await _variables(h, call))["voipbin.amd.status"] == "MACHINE"
    row = await h.calls.get(h.principal, call.id)
    assert (row.hangup_reason, row.status) == ("amd", "hangup")


async def test_amd_machine_with_continue_goes_on(call_harness: CallHarness) -> None:
    h = call_harness
    call = await _call(
        h,
        MACHINE,
        [{"type": "amd", "option": {"machine_handle": "continue"}}, {"type": "hangup"}],
    )
    result = await h.result(call.id)
    assert (result.hangup_reason, result.errors) == ("normal", [])
    assert (await _variables(h, call))["voipbin.amd.status"] == "MACHINE"


async def test_async_amd_advances_at_once_and_hangs_up_when_the_machine_is_heard(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    call = await _call(
        h,
        MACHINE,
        [
            {"type": "amd", "option": {"machine_handle": "hangup", "async": True}},
            {"type": "sleep", "option": {"duration": 60000}},
            {"type": "talk", "option": {"text": "never said"}},
        ],
    )
    result = await h.result(call.id)
    assert (result.hangup_reason, result.hangup_cause) == ("amd", 201)
    # The sleep was already running when the result came and hung the call up.
    assert await _executed(h, call) == ["amd", "sleep"]


async def test_digits_send_reaches_the_party(call_harness: CallHarness) -> None:
    h = call_harness
    call = await _call(
        h,
        [{"answer": True}, {"wait": 60}],
        [
            {"type": "digits_send", "option": {"digits": "12*#", "duration": 100, "interval": 100}},
            {"type": "variable_set", "option": {"key": "sent", "value": "yes"}},
            {"type": "sleep", "option": {"duration": 60000}},
        ],
    )
    await _until(h, str(call.id), "received_dtmf", "12*#")
    await _until_current(h, call, "sleep")
    assert (await _variables(h, call))["sent"] == "yes"
    await h.calls.hangup(h.principal, META, call.id)
    result = await h.result(call.id)
    assert result.errors == []
    assert await _executed(h, call) == ["digits_send", "sleep"]


async def test_mute_silences_the_party_towards_us(call_harness: CallHarness) -> None:
    h = call_harness
    recorded = [
        {"type": "recording_start", "option": {"format": "wav"}},
        {"type": "sleep", "option": {"duration": 1000}},
        {"type": "recording_stop"},
    ]
    call = await _call(
        h,
        [{"answer": True}, {"tone": "440"}],
        [{"type": "answer"}, *recorded, {"type": "mute"}, *recorded, {"type": "hangup"}],
    )
    result = await h.result(call.id)
    assert result.errors == []
    async with h.services.sessions() as session:
        rows = await session.execute(
            sa.select(Recording)
            .where(Recording.reference_id == call.id)  # type: ignore[arg-type]
            .order_by(Recording.tm_create)  # type: ignore[arg-type]
        )
        before, during = rows.scalars().all()
    with open(before.file_path, "rb") as file:
        loud = _samples(file.read())
    with open(during.file_path, "rb") as file:
        muted = _samples(file.read())
    assert _rms(loud) > 300  # the party's tone, before the mute
    assert len(muted) > 0 and _rms(muted) == 0.0


async def _heard_by_party(h: CallHarness, actions: list[dict[str, Any]]) -> np.ndarray:  # type: ignore[type-arg]
    """Everything the party of a new call hears, recorded through a snoop spying `out`."""
    call = await _call(h, [{"answer": True}, {"wait": 600}], actions)
    channel = str(call.id)
    await _until(h, channel, "state", "Up")
    name = f"heard-{call.id}"
    async with _ari(h) as ari:
        ear = f"{call.id}-test-ear"
        await ari.snoop(channel, app="voipbin", spy="out", app_args=["outbound"], snoop_id=ear)
        await ari.record(ear, name)  # ends with the snoop, when the call hangs up
        result = await h.result(call.id)
        assert result.errors == []
        return _samples(await _stored(ari, name))


async def test_mute_silences_what_we_send_the_party(call_harness: CallHarness) -> None:
    h = call_harness
    then_talk: list[dict[str, Any]] = [
        {"type": "sleep", "option": {"duration": 5000}},  # the test's ear is on by then
        {"type": "talk", "option": {"text": "Can you hear me?"}},
        {"type": "hangup"},
    ]
    heard, muted = await asyncio.gather(
        _heard_by_party(h, [{"type": "answer"}, *then_talk]),
        _heard_by_party(h, [{"type": "answer"}, {"type": "mute"}, *then_talk]),
    )
    assert _loud_frames(heard) > 10  # the prompt reached the party
    assert len(muted) > 0 and _rms(muted) == 0.0  # the same prompt, muted: nothing


async def test_async_amd_whose_call_ends_first_leaves_a_normal_hangup(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    call = await _call(
        h,
        HUMAN,
        [
            {"type": "amd", "option": {"machine_handle": "hangup", "async": True}},
            {"type": "hangup"},
        ],
    )
    result = await h.result(call.id)
    assert (result.hangup_reason, result.errors) == ("normal", [])
    assert await _executed(h, call) == ["amd", "hangup"]


async def _inbound(
    h: CallHarness, actions: list[dict[str, Any]], script: list[dict[str, Any]]
) -> tuple[uuid.UUID, CallResult]:
    """A scripted caller dials a new number of ours whose flow is `actions`; the call's id
    and how it ended (the bridge starts its workflow on the first StasisStart)."""
    flow = await h.services.flows.create(
        h.principal, META, FlowFields(name="inbound test", actions=actions)
    )
    number = f"+8992{uuid.uuid4().int % 100_000_000:08d}"
    await h.services.numbers.create(
        h.principal, META, NumberFields(number=number, type="virtual", call_flow_id=flow.id)
    )
    response = await h.sim.post(
        "/sim/inbound", json={"from": "+15557770001", "to": number, "script": script}
    )
    response.raise_for_status()
    body = response.json()
    call_id = call_id_for_channel(body["channel_id"], body["node"])
    async with asyncio.timeout(20):
        while True:
            try:
                return call_id, await h.result(call_id)
            except RPCError:
                await asyncio.sleep(0.05)


async def test_echo_on_an_inbound_call_comes_back_to_the_same_call(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    call_id, result = await _inbound(
        h,
        [
            {"type": "answer"},
            {"type": "echo", "option": {"duration": 3000}},
            {"type": "variable_set", "option": {"key": "after", "value": "echo"}},
            {"type": "hangup"},
        ],
        [{"wait": 60}],
    )
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    view = await h.handle(call_id).query(CallWorkflow.view)
    assert view.variables["after"] == "echo"
    # One call only: the channel's second StasisStart (back from svc-echo) started none.
    async with h.services.sessions() as session:
        rows = await session.execute(
            sa.select(sa.func.count()).where(Call.customer_id == h.customer_id)  # type: ignore[arg-type]
        )
        assert rows.scalar_one() == 1


async def test_a_caller_hanging_up_during_echo_ends_the_call_at_once(
    call_harness: CallHarness,
) -> None:
    # given an inbound call whose flow echoes for 10 minutes, and a caller who hangs up
    # 1 s into it (a channel we did not originate: Asterisk stops telling the app about
    # it when it leaves Stasis for the echo service, unless the app subscribed to it)
    h = call_harness
    call_id, result = await _inbound(
        h,
        [
            {"type": "answer"},
            {"type": "echo", "option": {"duration": 600_000}},
            {"type": "variable_set", "option": {"key": "after", "value": "echo"}},
        ],
        [{"wait": 1 / TIME_SCALE}, {"hangup": {"cause": 16}}],
    )
    # then the call ends by the caller's hand within seconds (the helper waits at most
    # 20 s), not when the echo's time runs out, and the flow does not go on after it
    assert (result.hangup_by, result.hangup_reason, result.hangup_cause) == (
        "remote",
        "normal",
        16,
    )
    view = await h.handle(call_id).query(CallWorkflow.view)
    assert "after" not in view.variables


async def test_a_caller_gone_while_the_prompt_is_made_ends_the_call_cleanly(
    call_harness: CallHarness,
) -> None:
    # given an inbound caller who hangs up as soon as it is answered, and a flow whose
    # first prompt is new text (made by the TTS while the caller is already gone)
    text = f"Connecting you to support, ticket {uuid.uuid4().hex}. " * 5
    _, result = await _inbound(
        call_harness,
        [{"type": "answer"}, {"type": "talk", "option": {"text": text}}],
        [{"hangup": {"cause": 16}}],
    )
    # then the play that finds no channel is not an error: the call ends as hung up by the
    # caller, and its workflow completes
    assert (result.hangup_by, result.hangup_reason) == ("remote", "normal")
