"""Inbound calls: a simulated caller dials one of our numbers and its flow runs."""

from __future__ import annotations

import asyncio
import random
import uuid

import sqlalchemy as sa

from tests.calls.conftest import META, CallHarness
from voipbin.calls.models import Call
from voipbin.flows.service import FlowFields
from voipbin.numbers.service import NumberFields
from workflows.call import CallResult, CallWorkflow
from workflows.telephony_signals import call_id_for_channel


def _number() -> str:
    """A virtual number (+899): the local inventory sells any of them."""
    return f"+899100{random.randint(0, 999_999):06d}"


async def _inbound(h: CallHarness, to: str, script: list[dict[str, object]]) -> uuid.UUID:
    response = await h.sim.post(
        "/sim/inbound", json={"from": "+15557770000", "to": to, "script": script}
    )
    response.raise_for_status()
    body = response.json()
    return call_id_for_channel(body["channel_id"], body["node"])


async def _wait_workflow(h: CallHarness, call_id: uuid.UUID) -> CallResult:
    for _ in range(200):  # the bridge stand-in starts it on StasisStart
        try:
            handle = h.handle(call_id)
            return await handle.result()
        except Exception as exc:
            if "not found" not in str(exc).lower():
                raise
            await asyncio.sleep(0.05)
    raise AssertionError("no call workflow started")


async def test_inbound_call_to_our_number_runs_its_flow(call_harness: CallHarness) -> None:
    h = call_harness
    flow = await h.services.flows.create(
        h.principal,
        META,
        FlowFields(
            name="ivr",
            actions=[
                {"type": "answer"},
                {"type": "digits_receive", "option": {"duration": 20000, "length": 1}},
                {
                    "type": "variable_set",
                    "option": {"key": "got", "value": "${voipbin.call.digits}"},
                },
                {"type": "hangup"},
            ],
        ),
    )
    number = _number()
    await h.services.numbers.create(
        h.principal, META, NumberFields(number=number, type="virtual", call_flow_id=flow.id)
    )
    call_id = await _inbound(h, number, [{"wait": 1}, {"dtmf": "7"}, {"wait": 30}])
    result = await _wait_workflow(h, call_id)
    assert (result.hangup_by, result.hangup_reason) == ("local", "normal")
    row = await h.calls.get(h.principal, call_id)
    assert (row.direction, row.status, row.source["target"]) == (
        "incoming",
        "hangup",
        "+15557770000",
    )
    handle = h.handle(call_id)
    assert (await handle.query(CallWorkflow.view)).variables["got"] == "7"
    types = [e.event_type for e in await h.events(call_id)]
    assert types == ["call_created", "call_progressing", "call_terminating", "call_hangup"]
    await h.keep_history(call_id, "inbound_flow")
    await h.keep_history(call_id, "inbound_flow_revision1")


async def test_unknown_number_is_refused_with_no_route(call_harness: CallHarness) -> None:
    h = call_harness
    call_id = await _inbound(h, _number(), [{"wait": 30}])
    result = await _wait_workflow(h, call_id)
    assert result.hangup_cause == 3
    await h.keep_history(call_id, "inbound_refused")
    async with h.services.sessions() as session:
        assert await session.scalar(sa.select(Call).where(Call.id == call_id)) is None  # type: ignore[arg-type]
