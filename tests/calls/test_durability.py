"""Durability: the worker stops mid-call and a new one continues where it was; a
duplicate createCall with the same idempotencyKey returns the same call."""

from __future__ import annotations

import asyncio

from tests.calls.conftest import META, CallHarness
from voipbin.calls.service import CreateCall
from workflows.call import CallWorkflow

SOURCE = {"type": "tel", "target": "+15550000001"}


async def test_call_survives_a_worker_restart_mid_flow(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004000", [{"answer": True}, {"wait": 600}])
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(
            SOURCE,
            [{"type": "tel", "target": "+15550004000"}],
            actions=[
                {"type": "sleep", "option": {"duration": 2500}},
                {"type": "variable_set", "option": {"key": "woke", "value": "yes"}},
                {"type": "hangup"},
            ],
        ),
    )
    async with asyncio.timeout(20):  # until the flow sleeps
        while (await h.calls.get(h.principal, call.id)).action.get("type") != "sleep":
            await asyncio.sleep(0.05)
    await h.restart_worker(down_seconds=1.0)
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    assert (await h.handle(call.id).query(CallWorkflow.view)).variables["woke"] == "yes"
    events = [e.event_type for e in await h.events(call.id)]
    assert events.count("call_progressing") == 1 and events[-1] == "call_hangup"


async def test_same_idempotency_key_returns_the_same_calls(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004001", [{"answer": True}, {"wait": 600}])
    request = CreateCall(
        SOURCE,
        [{"type": "tel", "target": "+15550004001"}],
        actions=[{"type": "hangup"}],
        idempotency_key="order-42",
    )
    first = await h.calls.create(h.principal, META, request)
    second = await h.calls.create(h.principal, META, request)
    assert [c.id for c in first] == [c.id for c in second]
    await h.result(first[0].id)
    assert len([e for e in await h.events(first[0].id) if e.event_type == "call_created"]) == 1


async def test_hangup_call_while_ringing_is_a_cancel(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004002", [{"ring": 600}])
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(
            SOURCE,
            [{"type": "tel", "target": "+15550004002"}],
            actions=[{"type": "answer"}],
        ),
    )
    async with asyncio.timeout(20):
        while (await h.calls.get(h.principal, call.id)).status != "ringing":
            await asyncio.sleep(0.05)
    await h.calls.hangup(h.principal, META, call.id)
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason) == ("local", "cancel")


async def test_stop_activeflow_mid_action_hangs_the_call_up(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004003", [{"answer": True}, {"wait": 600}])
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(
            SOURCE,
            [{"type": "tel", "target": "+15550004003"}],
            actions=[{"type": "sleep", "option": {"duration": 600000}}, {"type": "hangup"}],
        ),
    )
    assert call.activeflow_id is not None
    async with asyncio.timeout(20):
        while (await h.calls.get(h.principal, call.id)).action.get("type") != "sleep":
            await asyncio.sleep(0.05)
    await h.services.activeflows.stop(h.principal, META, call.activeflow_id)
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason) == ("local", "normal")
    flow = await h.services.activeflows.get(h.principal, call.activeflow_id)
    assert flow.status == "ended"


async def test_failing_customer_server_never_drops_the_call(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550004004", [{"answer": True}, {"wait": 600}])
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(
            SOURCE,
            [{"type": "tel", "target": "+15550004004"}],
            actions=[
                {"type": "fetch", "option": {"event_url": "http://127.0.0.1:9/nothing-listens"}},
                {"type": "variable_set", "option": {"key": "went_on", "value": "yes"}},
                {"type": "hangup"},
            ],
        ),
    )
    result = await h.result(call.id)
    assert result.hangup_reason == "normal"
    assert len(result.errors) == 1 and result.errors[0].startswith("fetch")
    assert (await h.handle(call.id).query(CallWorkflow.view)).variables["went_on"] == "yes"
