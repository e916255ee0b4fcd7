"""The internal confbridge and `connect` built on it: the master waits in a connect
confbridge hearing ringback, the answering leg joins it, audio flows both ways through
the bridge, and whoever stays is kicked (its flow goes on) when the other side leaves.

Audio is checked with snoop recordings (spy `out` = what that party hears), so each
direction is proven on its own."""

from __future__ import annotations

import asyncio
import io
import uuid
import wave
from typing import Any

import numpy as np
import sqlalchemy as sa

from tests.calls.conftest import META, CallHarness
from voipbin.activeflows.models import Activeflow
from voipbin.agents.models import Permission
from voipbin.auth.principal import Principal
from voipbin.calls.service import CreateCall
from voipbin.confbridges.models import Confbridge
from voipbin.customers.models import Customer
from voipbin.db import transaction
from workflows.call import CallWorkflow

SOURCE = {"type": "tel", "target": "+15550000001"}
ARI = ("voipbin", "voipbin")


def _energy(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


def _connect(target: str, **option: Any) -> dict[str, Any]:
    return {
        "type": "connect",
        "option": {"destinations": [{"type": "tel", "target": target}], **option},
    }


AFTER = {"type": "variable_set", "option": {"key": "after", "value": "connect"}}


async def _master(h: CallHarness, party: str, actions: list[dict[str, Any]]) -> uuid.UUID:
    [call] = await h.calls.create(
        h.principal, META, CreateCall(SOURCE, [{"type": "tel", "target": party}], actions=actions)
    )
    return call.id


async def _confbridge_of(h: CallHarness, master_id: uuid.UUID) -> Confbridge:
    async with asyncio.timeout(20):
        while True:
            async with h.services.sessions() as session:
                row = (
                    await session.execute(
                        sa.select(Confbridge).where(Confbridge.reference_id == master_id)  # type: ignore[arg-type]
                    )
                ).scalar_one_or_none()
            if row is not None:
                return row
            await asyncio.sleep(0.05)


async def _until(h: CallHarness, confbridge_id: uuid.UUID, check: Any) -> Confbridge:
    """The confbridge row once `check(row)` holds: its workflow writes members and its end
    after the calls' own workflows have moved on, so a loaded machine sees them later."""
    async with asyncio.timeout(10):
        while not check(row := await _reload(h, confbridge_id)):
            await asyncio.sleep(0.05)
    return row


async def _reload(h: CallHarness, confbridge_id: uuid.UUID) -> Confbridge:
    async with h.services.sessions() as session:
        row = await session.get(Confbridge, confbridge_id)
    assert row is not None
    return row


async def _bridge_of(h: CallHarness, channel_id: str) -> str | None:
    calls = (await h.sim.get("/sim/calls")).json()
    return next((c["bridge_id"] for c in calls if c["id"] == channel_id), None)


async def _wait_in_bridge(h: CallHarness, channel_id: str, bridge_id: str) -> None:
    async with asyncio.timeout(20):
        while await _bridge_of(h, channel_id) != bridge_id:
            await asyncio.sleep(0.05)


async def _record_heard(h: CallHarness, channel_id: str) -> str:
    """Start recording what `channel_id`'s party hears (snoop spy=out); returns the name."""
    snoop = f"{channel_id}-testsnoop-{uuid.uuid4().hex[:6]}"
    made = await h.sim.post(
        f"/ari/channels/{channel_id}/snoop/{snoop}",
        auth=ARI,
        params={"app": "voipbin", "spy": "out", "appArgs": "outbound"},
    )
    assert made.status_code == 200, made.text
    name = f"heard-{uuid.uuid4().hex[:8]}"
    started = await h.sim.post(
        f"/ari/channels/{snoop}/record", auth=ARI, params={"name": name, "format": "wav"}
    )
    assert started.status_code == 201, started.text
    return name


async def _stop(h: CallHarness, name: str) -> None:
    await h.sim.post(f"/ari/recordings/live/{name}/stop", auth=ARI)


async def _stored_energy(h: CallHarness, name: str) -> float:
    async with asyncio.timeout(20):
        while True:
            stored = await h.sim.get(f"/ari/recordings/stored/{name}/file", auth=ARI)
            if stored.status_code == 200:
                return _energy(stored.content)
            await asyncio.sleep(0.05)


async def _executed(h: CallHarness, call_id: uuid.UUID) -> list[str]:
    row = await h.calls.get(h.principal, call_id)
    async with h.services.sessions() as session:
        flow = await session.get(Activeflow, row.activeflow_id)
    assert flow is not None
    return [a["type"] for a in flow.executed_actions]


async def test_connect_rings_bridges_both_ways_and_the_master_goes_on_when_b_leaves(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script(
        "+15550004000",
        [{"answer": True}, {"wait": 80}, {"say": "alpha speaking to bravo"}, {"wait": 600}],
    )
    await h.script(
        "+15550004001",
        [
            {"ring": 25},  # under the 30 s ring timeout
            {"answer": True},
            {"wait": 40},  # room for a loaded machine to start the recordings first
            {"say": "bravo speaking to alpha"},
            {"wait": 60},
            {"hangup": True},
        ],
    )
    a = await _master(h, "+15550004000", [_connect("+15550004001"), AFTER, {"type": "hangup"}])
    cb = await _confbridge_of(h, a)
    assert (cb.type, cb.node, cb.bridge_id) == ("connect", h.specs[0].name, f"confbridge-{cb.id}")
    # Given A alone in the connect bridge while B rings: A hears ringback
    await _wait_in_bridge(h, str(a), cb.bridge_id)
    ring = await _record_heard(h, str(a))
    await asyncio.sleep(0.8)  # 8 simulated seconds of B's 25 s ring
    await _stop(h, ring)
    assert await _stored_energy(h, ring) > 300
    # When B answers it joins the same bridge; each party hears the other one
    assert await h.bridged_together(a) == cb.bridge_id
    legs = (await h.calls.get(h.principal, a)).chained_call_ids
    [b] = [uuid.UUID(leg) for leg in legs]
    assert await _bridge_of(h, str(b)) == cb.bridge_id
    a_hears, b_hears = await _record_heard(h, str(a)), await _record_heard(h, str(b))
    # Then B hangs up: the confbridge ends, A is kicked and its flow goes on after connect
    result = await h.result(a)
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    assert (await h.handle(a).query(CallWorkflow.view)).variables["after"] == "connect"
    assert await _stored_energy(h, b_hears) > 300  # B heard alpha
    assert await _stored_energy(h, a_hears) > 300  # A heard bravo
    leg = await h.calls.get(h.principal, b)
    assert (leg.master_call_id, leg.status, leg.hangup_by) == (a, "hangup", "remote")
    row = await _reload(h, cb.id)
    assert (row.status, row.call_ids, row.tm_end is not None) == ("terminated", [], True)
    assert (await h.calls.get(h.principal, a)).confbridge_id is None
    # joined, then left: the call's own `call_updated` (confbridge events are internal)
    assert [e.event_type for e in await h.events(a)].count("call_updated") == 2
    await h.keep_history(a, "confbridge")
    await h.keep_history(a, "confbridge_revision1")
    await h.keep_workflow_history(f"confbridge:{cb.id}", "confbridge__connect__v1")


async def test_master_hanging_up_kicks_the_leg_and_ends_the_confbridge(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004010", [{"answer": True}, {"wait": 60}, {"hangup": True}])
    await h.script("+15550004011", [{"answer": True}, {"wait": 600}])
    a = await _master(h, "+15550004010", [_connect("+15550004011"), AFTER])
    cb = await _confbridge_of(h, a)
    assert await h.bridged_together(a) == cb.bridge_id
    [b] = [uuid.UUID(leg) for leg in (await h.calls.get(h.principal, a)).chained_call_ids]
    result = await h.result(a)
    assert result.hangup_by == "remote"
    assert "after" not in (await h.handle(a).query(CallWorkflow.view)).variables
    leg = await h.result(b)
    assert (leg.hangup_by, leg.hangup_reason) == ("local", "normal")
    row = await _reload(h, cb.id)
    assert (row.status, row.call_ids) == ("terminated", [])


async def test_busy_leg_advances_the_master_with_the_relayed_cause(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004020", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004021", [{"ring": 5}, {"busy": True}])
    a = await _master(
        h, "+15550004020", [_connect("+15550004021", relay_reason=True), AFTER, {"type": "hangup"}]
    )
    result = await h.result(a)
    # relay_reason: the pushed `hangup` hangs the master up with the leg's cause (busy)
    assert (result.hangup_by, result.hangup_cause) == ("local", 17)
    assert "after" not in (await h.handle(a).query(CallWorkflow.view)).variables
    assert await _executed(h, a) == ["connect", "confbridge_join", "hangup"]
    cb = await _confbridge_of(h, a)
    await _until(h, cb.id, lambda row: row.status == "terminated")


async def test_unanswered_leg_advances_the_master_after_the_ring_timeout(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004030", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004031", [{"ring": 600}])
    a = await _master(h, "+15550004030", [_connect("+15550004031"), AFTER, {"type": "hangup"}])
    result = await h.result(a)
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    assert (await h.handle(a).query(CallWorkflow.view)).variables["after"] == "connect"
    [b] = (await h.calls.get(h.principal, a)).chained_call_ids
    leg = await h.calls.get(h.principal, uuid.UUID(b))
    assert (leg.status, leg.hangup_reason) == ("hangup", "noanswer")


async def test_confbridge_join_into_another_calls_connect_confbridge(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004040", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004041", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004042", [{"answer": True}, {"wait": 600}])
    a = await _master(h, "+15550004040", [_connect("+15550004041"), AFTER, {"type": "hangup"}])
    cb = await _confbridge_of(h, a)
    assert await h.bridged_together(a) == cb.bridge_id
    # Given a third call whose flow joins A's confbridge
    join = {"type": "confbridge_join", "option": {"confbridge_id": str(cb.id)}}
    c = await _master(
        h,
        "+15550004042",
        [join, {"type": "variable_set", "option": {"key": "left", "value": "yes"}}],
    )
    await _wait_in_bridge(h, str(c), cb.bridge_id)
    async with asyncio.timeout(10):  # the member row follows the bridge
        while str(c) not in (await _reload(h, cb.id)).call_ids:
            await asyncio.sleep(0.05)
    assert (await h.calls.get(h.principal, c)).confbridge_id == cb.id
    # When C hangs up, A and B stay connected (two members left, nobody is alone)
    await h.calls.hangup(h.principal, META, c)
    await h.result(c)
    assert await h.bridged_together(a) == cb.bridge_id
    await _until(h, cb.id, lambda row: str(c) not in row.call_ids)
    # Then A hangs up: B is kicked and the confbridge ends
    [b] = [uuid.UUID(leg) for leg in (await h.calls.get(h.principal, a)).chained_call_ids]
    await h.calls.hangup(h.principal, META, a)
    assert (await h.result(b)).hangup_by == "local"
    await _until(h, cb.id, lambda row: row.status == "terminated")


async def test_confbridge_join_refusals_end_the_flow_with_a_clear_error(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004050", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004051", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004052", [{"answer": True}, {"wait": 600}])
    # No such confbridge
    missing = uuid.uuid4()
    join_missing = {"type": "confbridge_join", "option": {"confbridge_id": str(missing)}}
    lost = await _master(h, "+15550004050", [join_missing, AFTER])
    result = await h.result(lost)
    assert result.errors == [f"confbridge_join: confbridge {missing} does not exist or has ended"]
    # Another customer's confbridge is not found either
    a = await _master(h, "+15550004051", [_connect("+15550004099")])
    cb = await _confbridge_of(h, a)
    other = Customer(name="other customer", webhook_secret="o" * 32)
    async with transaction(h.services.sessions) as session:
        session.add(other)
    intruder = Principal(other.id, Permission.CUSTOMER_ADMIN)
    join = {"type": "confbridge_join", "option": {"confbridge_id": str(cb.id)}}
    [call] = await h.calls.create(
        intruder,
        META,
        CreateCall(SOURCE, [{"type": "tel", "target": "+15550004052"}], actions=[join, AFTER]),
    )
    result = await h.result(call.id)
    assert len(result.errors) == 1 and "join refused (not_found)" in result.errors[0]
    assert str(call.id) not in (await _reload(h, cb.id)).call_ids
    await h.calls.hangup(h.principal, META, a)


async def test_early_media_the_master_hears_the_leg_before_it_answers(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004060", [{"answer": True}, {"wait": 600}])
    # In-band audio while ringing (183 early media), then busy: never answered
    await h.script("+15550004061", [{"ring": 5}, {"tone": "440"}, {"wait": 5}, {"busy": True}])
    a = await _master(
        h, "+15550004060", [_connect("+15550004061", early_media=True), AFTER, {"type": "hangup"}]
    )
    cb = await _confbridge_of(h, a)
    # Given the leg in the confbridge while it still rings
    assert await h.bridged_together(a) == cb.bridge_id
    [b] = [uuid.UUID(leg) for leg in (await h.calls.get(h.principal, a)).chained_call_ids]
    assert (await h.calls.get(h.principal, b)).status == "ringing"
    await asyncio.sleep(0.3)  # the ringback stops once the leg is in
    heard = await _record_heard(h, str(a))
    # When it fails, the master is kicked and its flow goes on
    result = await h.result(a)
    assert (result.hangup_by, result.errors) == ("local", [])
    assert (await h.handle(a).query(CallWorkflow.view)).variables["after"] == "connect"
    # Then: the master heard the leg's early audio, and the leg was never answered
    assert await _stored_energy(h, heard) > 300
    leg = await h.calls.get(h.principal, b)
    assert (leg.status, leg.hangup_reason, leg.tm_progressing) == ("hangup", "busy", None)


async def test_early_media_leg_that_answers_stays_connected(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004070", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004071", [{"ring": 10}, {"answer": True}, {"wait": 20}, {"hangup": True}])
    a = await _master(
        h, "+15550004070", [_connect("+15550004071", early_media=True), AFTER, {"type": "hangup"}]
    )
    result = await h.result(a)
    assert (result.hangup_by, result.errors) == ("local", [])
    assert (await h.handle(a).query(CallWorkflow.view)).variables["after"] == "connect"
    [b] = [uuid.UUID(leg) for leg in (await h.calls.get(h.principal, a)).chained_call_ids]
    leg = await h.calls.get(h.principal, b)
    assert (leg.status, leg.hangup_by, leg.tm_progressing is not None) == ("hangup", "remote", True)


async def test_leg_hanging_up_right_after_answering_lets_the_master_go_on(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    await h.script("+15550004080", [{"answer": True}, {"wait": 600}])
    # Gone before (or just as) its flow joins the confbridge: either way A must not stay
    await h.script("+15550004081", [{"answer": True}, {"hangup": True}])
    a = await _master(h, "+15550004080", [_connect("+15550004081"), AFTER, {"type": "hangup"}])
    result = await h.result(a)
    assert (result.hangup_by, result.errors) == ("local", [])
    assert (await h.handle(a).query(CallWorkflow.view)).variables["after"] == "connect"
    cb = await _confbridge_of(h, a)
    async with asyncio.timeout(10):
        while (await _reload(h, cb.id)).status != "terminated":
            await asyncio.sleep(0.05)


async def test_connected_calls_survive_a_worker_restart(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004090", [{"answer": True}, {"wait": 600}])
    await h.script("+15550004091", [{"answer": True}, {"wait": 8}, {"hangup": True}])
    a = await _master(h, "+15550004090", [_connect("+15550004091"), AFTER, {"type": "hangup"}])
    cb = await _confbridge_of(h, a)
    assert await h.bridged_together(a) == cb.bridge_id
    # Given the worker gone while A and B talk (B hangs up meanwhile, ~0.8 s in)
    await h.restart_worker(down_seconds=1.5)
    # Then the new worker replays the calls and the confbridge: A is kicked and goes on
    result = await h.result(a)
    assert (result.hangup_by, result.errors) == ("local", [])
    assert (await h.handle(a).query(CallWorkflow.view)).variables["after"] == "connect"
    await _until(h, cb.id, lambda row: row.status == "terminated")
