"""Outbound calls end to end: CallService → CallWorkflow → simulator → signals back."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from tests.calls.conftest import META, CallHarness
from tests.helpers.ports import free_port
from voipbin.activeflows.models import Activeflow
from voipbin.calls.models import Call
from voipbin.calls.service import CreateCall
from voipbin.errors import EngineUnavailable
from voipbin.services import build_services
from workflows.call import CallWorkflow

SOURCE = {"type": "tel", "target": "+15550000001"}


async def _call(h: CallHarness, number: str, actions: list[dict[str, Any]]) -> Call:
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(SOURCE, [{"type": "tel", "target": number}], actions=actions),
    )
    return call


async def test_answered_call_runs_its_flow_and_hangs_up_normally(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550001000", [{"answer": True}, {"wait": 30}])
    call = await _call(
        h,
        "+15550001000",
        [
            {"type": "talk", "option": {"text": "hello there"}},
            {"type": "hangup"},
        ],
    )
    result = await h.result(call.id)
    assert (result.status, result.hangup_by, result.hangup_reason) == ("hangup", "local", "normal")
    types = [e.event_type for e in await h.events(call.id)]
    assert types[0] == "call_created"
    assert types[-2:] == ["call_terminating", "call_hangup"]
    assert "call_progressing" in types
    row = await h.calls.get(h.principal, call.id)
    assert row.status == "hangup" and row.tm_progressing is not None and row.tm_hangup


async def test_busy_party_gives_busy(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550001001", [{"busy": True}])
    call = await _call(h, "+15550001001", [{"type": "answer"}])
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason, result.hangup_cause) == ("remote", "busy", 17)
    await h.keep_history(call.id, "busy")
    await h.keep_history(call.id, "busy_revision1")


async def test_unanswered_party_gives_noanswer(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550001002", [{"ring": 600}])
    call = await _call(h, "+15550001002", [{"type": "answer"}])
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason) == ("remote", "noanswer")
    types = [e.event_type for e in await h.events(call.id)]
    assert types == ["call_created", "call_ringing", "call_hangup"]


async def test_ivr_branch_follows_the_pressed_digit(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550001003", [{"answer": True}, {"wait": 2}, {"dtmf": "2"}, {"wait": 60}])
    sales, support = "00000000-0000-0000-0000-00000000a001", "00000000-0000-0000-0000-00000000a002"
    call = await _call(
        h,
        "+15550001003",
        [
            {"type": "talk", "option": {"text": "press 1 for sales, 2 for support"}},
            {"type": "digits_receive", "option": {"duration": 20000, "length": 1}},
            {"type": "branch", "option": {"target_ids": {"1": sales, "2": support}}},
            {
                "id": sales,
                "type": "variable_set",
                "option": {"key": "went", "value": "sales"},
                "next_id": "00000000-0000-0000-0000-00000000a003",
            },
            {"id": support, "type": "variable_set", "option": {"key": "went", "value": "support"}},
            {"id": "00000000-0000-0000-0000-00000000a003", "type": "hangup"},
        ],
    )
    result = await h.result(call.id)
    assert result.hangup_reason == "normal" and result.errors == []
    assert call.activeflow_id is not None
    flow_events = await h.events(call.activeflow_id)
    executed = [
        e.data["current_action"]["type"]
        for e in flow_events
        if e.event_type == "activeflow_updated" and e.data["status"] == "running"
    ]
    assert executed == ["talk", "digits_receive", "hangup"]
    handle = h.handle(call.id)
    view = await handle.query(CallWorkflow.view)
    assert view.variables["went"] == "support"
    await h.keep_history(call.id, "ivr_branch")
    # the same once an answer and a hangup are signalled once each (bridge/router.py)
    await h.keep_history(call.id, "ivr_branch_answer_signalled_once")
    # and as CallWorkflow revision 1 runs it (batched row writes, one ring timer)
    await h.keep_history(call.id, "ivr_branch_revision1")


async def test_a_refused_start_leaves_no_call_claiming_to_dial(call_harness: CallHarness) -> None:
    # given: the same database, but a workflow engine that is not there
    h = call_harness
    settings = h.settings.model_copy(deep=True)
    settings.temporal_address = f"127.0.0.1:{free_port()}"
    services = build_services(settings)
    destinations = [{"type": "tel", "target": n} for n in ("+15550001900", "+15550001901")]
    try:
        # when: calls to two destinations are created
        with pytest.raises(EngineUnavailable) as refused:
            await services.calls.create(
                h.principal, META, CreateCall(SOURCE, destinations, actions=[{"type": "hangup"}])
            )
        assert "2 of 2 calls were not placed" in refused.value.message
        assert refused.value.code.value == "INTERNAL"
        # then: both are hung up as failed and their activeflows ended, events included
        async with services.sessions() as session:
            rows = (
                (
                    await session.execute(
                        sa.select(Call).where(
                            col(Call.customer_id) == h.principal.customer_id,
                            col(Call.destination)["target"].astext.in_(
                                [d["target"] for d in destinations]
                            ),
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert len(rows) == 2
            for row in rows:
                assert (row.status, row.hangup_by, row.hangup_reason) == (
                    "hangup",
                    "local",
                    "failed",
                )
                assert str(row.id) in refused.value.message
                flow = await session.get(Activeflow, row.activeflow_id)
                assert flow is not None
                assert (flow.status, flow.end_reason) == ("ended", "start_failed")
                kinds = [e.event_type for e in await h.events(row.id)]
                assert kinds == ["call_created", "call_hangup"]
    finally:
        await services.close()
