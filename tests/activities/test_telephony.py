"""Each telephony activity against the simulator, and each called twice: a retry after a
lost result must find its own earlier work, not fail and not do it again."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

from activities.contracts.telephony import (
    ARI_REJECTED,
    CHANNEL_GONE,
    NO_HEALTHY_NODE,
    UNKNOWN_NODE,
    BridgeCreateInput,
    BridgeMembersInput,
    BridgeRef,
    ChannelRef,
    ContinueInput,
    DialInput,
    Done,
    DownloadRecordingInput,
    ExternalMediaInput,
    GetVariableInput,
    HangupInput,
    MohInput,
    MuteInput,
    OriginateInput,
    PickNodeInput,
    PlaybackRef,
    PlayInput,
    RecordingRef,
    RecordInput,
    SendDtmfInput,
    SetVariableInput,
    SnoopInput,
)
from activities.telephony import TelephonyActivities
from tests.bridge.conftest import TIME_SCALE, SimNodes, eventually
from voipbin.services import Services
from voipbin.telephony_nodes import AriPool
from workflows.telephony_signals import OUTBOUND_APP_ARG


@pytest.fixture
def act(pool: AriPool, services: Services) -> TelephonyActivities:
    return TelephonyActivities(pool, services.redis)


def requests(sim: SimNodes, method: str, suffix: str, node: int = 0) -> list[dict[str, Any]]:
    log = sim.simulator.nodes[sim.names[node]].log.entries
    return [e for e in log if e["method"] == method and e["path"].endswith(suffix)]


async def channel_state(sim: SimNodes, channel_id: str) -> str | None:
    for call in sim.simulator.live_calls():
        if call["id"] == channel_id:
            return str(call["state"])
    return None


async def answered_channel(act: TelephonyActivities, sim: SimNodes) -> str:
    """An outbound channel to a far end that answers at once, in Stasis and Up."""
    channel_id = str(uuid.uuid4())
    await act.originate(OriginateInput(sim.names[0], channel_id, "Local/answer@far"))

    async def up() -> bool:
        return await channel_state(sim, channel_id) == "Up"

    await eventually(up)
    return channel_id


async def inbound_channel(sim: SimNodes) -> str:
    async with sim.control(0) as control:
        response = await control.post(
            "/sim/inbound", json={"from": "+15550001111", "to": "+15559990000", "script": []}
        )
    channel_id: str = response.json()["channel_id"]
    return channel_id


async def final_error(call: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        await call
    return caught.value


async def test_originate_twice_is_one_channel_marked_ours_and_hangup_twice_is_fine(
    act: TelephonyActivities, sim: SimNodes, pool: AriPool
) -> None:
    node, channel_id = sim.names[0], str(uuid.uuid4())
    spec = OriginateInput(node, channel_id, "Local/answer@far", app_args=["call"])
    first = await act.originate(spec)
    again = await act.originate(spec)
    assert (first.channel_id, again.channel_id, again.exists) == (channel_id, channel_id, True)
    posts = requests(sim, "POST", "/ari/channels")
    assert len(posts) == 1
    assert posts[0]["query"]["appArgs"] == f"{OUTBOUND_APP_ARG},call"
    assert await pool.dispatcher.node_of(channel_id) == node

    assert await act.hangup(HangupInput(node, channel_id)) == Done()
    assert await act.hangup(HangupInput(node, channel_id)) == Done(already=True)
    assert await pool.dispatcher.node_of(channel_id) is None
    # a retry that comes after the channel ended: reported gone, never dialled again
    gone = await act.originate(spec)
    assert (gone.exists, gone.state) == (False, "")
    assert len(requests(sim, "POST", "/ari/channels")) == 1


async def test_create_then_dial_twice_dials_once(act: TelephonyActivities, sim: SimNodes) -> None:
    node, channel_id = sim.names[0], str(uuid.uuid4())
    party = "+15551234567"
    async with sim.control(0) as control:
        await control.put(f"/sim/parties/%2B{party[1:]}", json={"script": [{"ring": 5}]})
    spec = OriginateInput(node, channel_id, f"PJSIP/{party}@provider")
    assert (await act.create_channel(spec)).channel_id == channel_id
    assert (await act.create_channel(spec)).exists
    assert len(requests(sim, "POST", "/ari/channels/create")) == 1
    assert await act.dial(DialInput(node, channel_id, dial_timeout_seconds=30)) == Done()
    assert await act.dial(DialInput(node, channel_id, dial_timeout_seconds=30)) == Done(
        already=True
    )
    assert len(requests(sim, "POST", f"/{channel_id}/dial")) == 1
    await act.hangup(HangupInput(node, channel_id, cause=16))


async def test_answer_ring_and_dialplan_on_an_inbound_channel(
    act: TelephonyActivities, sim: SimNodes
) -> None:
    node, channel_id = sim.names[0], await inbound_channel(sim)
    assert await act.ring(ChannelRef(node, channel_id)) == Done()
    assert await act.answer(ChannelRef(node, channel_id)) == Done()
    assert await act.answer(ChannelRef(node, channel_id)) == Done()
    assert await channel_state(sim, channel_id) == "Up"
    await act.continue_in_dialplan(ContinueInput(node, channel_id, "svc-echo"))
    # out of Stasis now: ARI refuses, for good (409), no retry would help
    error = await final_error(act.answer(ChannelRef(node, channel_id)))
    assert (error.type, error.non_retryable) == (ARI_REJECTED, True)
    await act.hangup(HangupInput(node, channel_id))


async def test_play_twice_plays_once_and_stop_twice_is_fine(
    act: TelephonyActivities, sim: SimNodes
) -> None:
    node, channel_id = sim.names[0], await answered_channel(act, sim)
    playback_id = f"{channel_id}-p1"
    spec = PlayInput(node, playback_id, ["tone:ring;tonezone=us"], channel_id=channel_id)
    assert await act.play(spec) == Done()
    assert await act.play(spec) == Done(already=True)
    assert len(requests(sim, "POST", f"/play/{playback_id}")) == 1
    assert await act.stop_playback(PlaybackRef(node, playback_id)) == Done()
    assert await act.stop_playback(PlaybackRef(node, playback_id)) == Done(already=True)
    # finished and gone on the node: the retry still does not play it again
    assert await act.play(spec) == Done(already=True)
    assert len(requests(sim, "POST", f"/play/{playback_id}")) == 1
    await act.hangup(HangupInput(node, channel_id))


async def test_record_stop_and_download(
    act: TelephonyActivities, sim: SimNodes, tmp_path: Path
) -> None:
    node, channel_id = sim.names[0], await answered_channel(act, sim)
    name = f"rec-{uuid.uuid4().hex[:8]}"
    spec = RecordInput(node, name, channel_id=channel_id, format="wav")
    assert await act.record(spec) == Done()
    assert await act.record(spec) == Done(already=True)
    await sim_sleep(1.0)
    assert await act.stop_recording(RecordingRef(node, name)) == Done()
    assert await act.stop_recording(RecordingRef(node, name)) == Done(already=True)
    target = tmp_path / "out" / f"{name}.wav"
    first = await act.download_recording(DownloadRecordingInput(node, name, str(target)))
    again = await act.download_recording(DownloadRecordingInput(node, name, str(target)))
    content = target.read_bytes()
    assert first == again
    assert (first.size_bytes, first.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert content[:4] == b"RIFF"
    error = await final_error(
        act.download_recording(DownloadRecordingInput(node, "missing", str(target)))
    )
    assert error.type == CHANNEL_GONE
    await act.hangup(HangupInput(node, channel_id))


async def sim_sleep(simulated_seconds: float) -> None:
    await asyncio.sleep(simulated_seconds * TIME_SCALE)


async def test_dtmf_twice_with_one_operation_id_is_sent_once(
    act: TelephonyActivities, sim: SimNodes
) -> None:
    node, channel_id = sim.names[0], await answered_channel(act, sim)
    spec = SendDtmfInput(node, channel_id, "12#", operation_id=str(uuid.uuid4()))
    assert await act.send_dtmf(spec) == Done()
    assert await act.send_dtmf(spec) == Done(already=True)
    sent = requests(sim, "POST", f"/{channel_id}/dtmf")
    assert [e["query"]["dtmf"] for e in sent] == ["12#"]
    await act.hangup(HangupInput(node, channel_id))


async def test_variables(act: TelephonyActivities, sim: SimNodes) -> None:
    node, channel_id = sim.names[0], await answered_channel(act, sim)
    await act.set_variable(SetVariableInput(node, channel_id, "VB_TEST", "yes"))
    await act.set_variable(SetVariableInput(node, channel_id, "VB_TEST", "yes"))
    got = await act.get_variable(GetVariableInput(node, channel_id, "VB_TEST"))
    assert (got.value, got.found) == ("yes", True)
    missing = await act.get_variable(GetVariableInput(node, channel_id, "VB_NOPE"))
    assert (missing.value, missing.found) == ("", False)
    await act.hangup(HangupInput(node, channel_id))
    error = await final_error(act.get_variable(GetVariableInput(node, channel_id, "VB_TEST")))
    assert (error.type, error.non_retryable) == (CHANNEL_GONE, True)


async def test_snoop_and_external_media_twice_are_one_channel_each(
    act: TelephonyActivities, sim: SimNodes, pool: AriPool
) -> None:
    node, channel_id = sim.names[0], await answered_channel(act, sim)
    snoop = SnoopInput(node, channel_id, f"{channel_id}-snoop", spy="both")
    assert (await act.snoop(snoop)).channel_id == snoop.snoop_id
    assert (await act.snoop(snoop)).exists
    media = ExternalMediaInput(node, f"{channel_id}-ext", external_host="127.0.0.1:9")
    assert (await act.external_media(media)).channel_id == media.channel_id
    assert (await act.external_media(media)).exists
    ids = {c["id"] for c in sim.simulator.live_calls()}
    assert {snoop.snoop_id, media.channel_id} <= ids
    assert await pool.dispatcher.node_of(media.channel_id) == node
    for each in (snoop.snoop_id, media.channel_id, channel_id):
        await act.hangup(HangupInput(node, each))


async def test_bridge_lifecycle_twice_over(act: TelephonyActivities, sim: SimNodes) -> None:
    node = sim.names[0]
    a, b = await answered_channel(act, sim), await answered_channel(act, sim)
    bridge_id = f"{a}-bridge"
    created = await act.bridge_create(BridgeCreateInput(node, bridge_id))
    again = await act.bridge_create(BridgeCreateInput(node, bridge_id))
    assert (created.bridge_id, again.bridge_id) == (bridge_id, bridge_id)
    members = BridgeMembersInput(node, bridge_id, [a, b])
    assert await act.bridge_add(members) == Done()
    assert await act.bridge_add(members) == Done()
    assert (await act.bridge_create(BridgeCreateInput(node, bridge_id))).channel_ids == [a, b]
    assert await act.bridge_remove(members) == Done()
    assert await act.bridge_remove(members) == Done(already=True)
    assert await act.bridge_delete(BridgeRef(node, bridge_id)) == Done()
    assert await act.bridge_delete(BridgeRef(node, bridge_id)) == Done(already=True)
    assert await act.bridge_remove(members) == Done(already=True)
    for each in (a, b):
        await act.hangup(HangupInput(node, each))


async def test_mute_hold_and_music_on_hold(act: TelephonyActivities, sim: SimNodes) -> None:
    node, channel_id = sim.names[0], await answered_channel(act, sim)
    ref = ChannelRef(node, channel_id)
    for _ in range(2):
        assert await act.mute(MuteInput(node, channel_id, "in")) == Done()
        assert await act.unmute(MuteInput(node, channel_id, "in")) == Done()
        assert await act.hold(ref) == Done()
        assert await act.unhold(ref) == Done()
        assert await act.moh(MohInput(node, channel_id, on=True)) == Done()
        assert await act.moh(MohInput(node, channel_id, on=False)) == Done()
    await act.hangup(HangupInput(node, channel_id))
    error = await final_error(act.hold(ref))
    assert (error.type, error.non_retryable) == (CHANNEL_GONE, True)


async def test_unknown_node_and_no_healthy_node(act: TelephonyActivities, sim: SimNodes) -> None:
    error = await final_error(act.answer(ChannelRef("nowhere-1", "x")))
    assert (error.type, error.non_retryable) == (UNKNOWN_NODE, True)
    # no sentinel runs for this pool: no node is known healthy, and that may change
    error = await final_error(act.pick_node(PickNodeInput(str(uuid.uuid4()))))
    assert (error.type, error.non_retryable) == (NO_HEALTHY_NODE, False)
