"""ActiveflowWorkflow with real Temporal, PostgreSQL and a local customer server: flow
control, variables, customer HTTP, loop guard, stop mid-block, run-time media errors,
independent calls, and the activeflow's events in order."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.activeflows.conftest import AfStack
from tests.calls.conftest import META, TIME_SCALE
from voipbin.activeflows.service import CreateActiveflow

A1, A2, A3, A4 = (f"00000000-0000-0000-0000-0000000af00{i}" for i in (1, 2, 3, 4))


async def _start(af: AfStack, actions: list[dict[str, Any]], **kw: Any) -> uuid.UUID:
    flow = await af.h.services.activeflows.create(
        af.h.principal, META, CreateActiveflow(actions=actions, **kw)
    )
    return flow.id


async def test_branch_goto_and_variables_reach_the_customer_server(af: AfStack) -> None:
    # given: a branch on a seeded variable, a goto loop twice, and a webhook per pass
    hook = af.server.hook()
    send = {"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "${msg}"}}
    actions = [
        {"type": "branch", "option": {"variable": "lang", "target_ids": {"fr": A2}}},
        {"id": A1, "type": "variable_set", "option": {"key": "msg", "value": "hello"}},
        {"id": A2, "type": "variable_set", "option": {"key": "msg", "value": "bonjour ${n}"}},
        {**send, "id": A3},
        {"type": "goto", "option": {"target_id": A3, "loop_count": 1}},
        # `branch` cleared the variable it read: the condition sees an empty lang
        {
            "type": "condition_variable",
            "option": {"condition": "==", "variable": "${lang}", "false_target_id": A4},
        },
        {
            "type": "webhook_send",
            "option": {"sync": True, "uri": hook, "data": "${voipbin.activeflow.id} ${lang}"},
        },
        {"type": "stop"},
        {**send, "id": A4, "option": {**send["option"], "data": "lang was kept"}},
    ]
    activeflow_id = await _start(af, actions, variables={"lang": "fr", "n": 2})
    # then: the fr branch, sent twice (goto once), then the last webhook
    bodies = [(await af.server.next_request())[2] for _ in range(3)]
    assert bodies == [b"bonjour 2", b"bonjour 2", f"{activeflow_id} ".encode()]
    result = await af.result(activeflow_id)
    assert (result.end_reason, result.errors) == ("stop", [])
    row = await af.row(activeflow_id)
    assert row.status == "ended" and row.end_reason == "stop"
    assert [a["type"] for a in row.executed_actions] == ["webhook_send"] * 3
    # branch, A2, A3, goto, A3, goto, condition, webhook (the last recorded), stop
    assert (row.execute_count, result.execute_count) == (8, 9)
    # events: created, one update per performed action, the end
    assert await af.event_types(activeflow_id) == [
        "activeflow_created",
        *["activeflow_updated"] * 3,
        "activeflow_updated",
    ]
    events = await af.h.events(activeflow_id)
    assert [e.data["status"] for e in events] == ["running"] * 4 + ["ended"]


async def test_fetch_and_fetch_flow_push_actions(af: AfStack) -> None:
    hook = af.server.hook()
    fetched = [{"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "fetched"}}]
    url = af.server.answer(fetched)
    stored = await af.h.services.flows.create(
        af.h.principal,
        META,
        _flow_data(
            [{"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "flow"}}]
        ),
    )
    actions = [
        {"type": "fetch", "option": {"event_url": url}},
        {"type": "fetch_flow", "option": {"flow_id": str(stored.id)}},
    ]
    activeflow_id = await _start(af, actions)
    method, _, request = await af.server.next_request()  # the fetch itself
    assert method == "POST"
    assert json.loads(request) == {
        "activeflow_id": str(activeflow_id),
        "reference_id": "00000000-0000-0000-0000-000000000000",
    }
    assert (await af.server.next_request())[2] == b"fetched"
    assert (await af.server.next_request())[2] == b"flow"
    assert (await af.result(activeflow_id)).end_reason == "finished"


def _flow_data(actions: list[dict[str, Any]]) -> Any:
    from voipbin.flows.service import FlowFields

    return FlowFields(name="pushed", detail="", actions=actions)


async def test_a_loop_without_end_is_stopped_with_a_recorded_error(af: AfStack) -> None:
    actions = [
        {"id": A1, "type": "variable_set", "option": {"key": "x", "value": "1"}, "next_id": A1}
    ]
    activeflow_id = await _start(af, actions)
    result = await af.result(activeflow_id)
    assert result.end_reason == "max_executed_actions"
    row = await af.row(activeflow_id)
    assert (row.status, row.end_reason) == ("ended", "max_executed_actions")
    assert "more than 100 actions" in row.error


async def test_stop_mid_block_ends_the_flow(af: AfStack) -> None:
    hook = af.server.hook()
    actions = [
        {"id": A1, "type": "block"},
        {"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "never"}},
    ]
    activeflow_id = await _start(af, actions)
    view = await af.wait_current(activeflow_id, "block")
    assert view.status == "running" and view.current_action["id"] == A1
    await af.h.services.activeflows.stop(af.h.principal, META, activeflow_id)
    result = await af.result(activeflow_id)
    assert result.end_reason == "stopped"
    assert af.server.requests.empty()  # the action after the block never ran
    types = await af.event_types(activeflow_id)
    assert types == ["activeflow_created", "activeflow_updated", "activeflow_updated"]
    assert (await af.row(activeflow_id)).end_reason == "stopped"


async def test_a_fetched_action_that_needs_a_call_ends_the_flow_with_an_error(
    af: AfStack,
) -> None:
    hook = af.server.hook()
    url = af.server.answer([{"type": "talk", "option": {"text": "hi"}}])
    actions = [
        {"type": "fetch", "option": {"event_url": url}},
        {"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "never"}},
    ]
    activeflow_id = await _start(af, actions)
    result = await af.result(activeflow_id)
    assert result.end_reason == "media_mismatch"
    row = await af.row(activeflow_id)
    assert (
        row.error
        == "action `talk` needs a call; an activeflow with reference_type `api` cannot run it"
    )
    await af.server.next_request()  # the fetch
    assert af.server.requests.empty()


async def test_call_action_places_independent_calls_that_run_their_flow(af: AfStack) -> None:
    h = af.h
    await h.script("+15550007001", [{"answer": True}, {"wait": 30}])
    actions = [
        {
            "type": "call",
            "option": {
                "source": {"type": "tel", "target": "+15550000001"},
                "destinations": [{"type": "tel", "target": "+15550007001"}],
                "actions": [{"type": "answer"}, {"type": "hangup"}],
            },
        }
    ]
    activeflow_id = await _start(af, actions)
    # the activeflow does not wait for the call
    assert (await af.result(activeflow_id)).end_reason == "finished"
    [call] = [
        c for c in await af.calls_of(h.customer_id) if c.destination["target"] == "+15550007001"
    ]
    assert call.master_call_id is None
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason) == ("local", "normal")


async def test_a_call_without_source_fails_the_action_with_its_reason(af: AfStack) -> None:
    actions = [
        {"type": "call", "option": {"destinations": [{"type": "tel", "target": "+15550007002"}]}}
    ]
    activeflow_id = await _start(af, actions)
    result = await af.result(activeflow_id)
    assert result.end_reason == "action_failed"
    assert (await af.row(activeflow_id)).error == "call: target must not be empty"


async def test_call_action_with_early_execution_runs_the_flow_while_it_rings(
    af: AfStack,
) -> None:
    # given a party that rings for 2 s (scripts run at TIME_SCALE) before it answers, and
    # a call to it whose flow
    # reports to the customer's server, then speaks, then hangs up
    h = af.h
    await h.script("+15550007003", [{"ring": 2 / TIME_SCALE}, {"answer": True}, {"wait": 300}])
    hook = af.server.hook()
    flow = [
        {"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "early"}},
        {"type": "talk", "option": {"text": "hello"}},
        {"type": "hangup"},
    ]
    actions = [
        {
            "type": "call",
            "option": {
                "source": {"type": "tel", "target": "+15550000001"},
                "destinations": [{"type": "tel", "target": "+15550007003"}],
                "actions": flow,
                "early_execution": True,
            },
        }
    ]
    await _start(af, actions)
    # when the webhook arrives, the call still rings
    _, _, sent = await af.server.next_request()
    assert sent == b"early"
    [call] = [
        c for c in await af.calls_of(h.customer_id) if c.destination["target"] == "+15550007003"
    ]
    async with h.services.sessions() as session:
        ringing = await session.get(type(call), call.id)
    assert ringing is not None and ringing.status == "ringing"
    # then the talk waited for the party's answer (never answered by us), and the call
    # went ringing → progressing → hangup with our hangup
    result = await h.result(call.id)
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    kinds = [e.event_type for e in await h.events(call.id)]
    assert [k for k in kinds if k in ("call_ringing", "call_progressing", "call_hangup")] == [
        "call_ringing",
        "call_progressing",
        "call_hangup",
    ]
    flow_row = await af.row(call.activeflow_id)
    assert [a["type"] for a in flow_row.executed_actions] == ["webhook_send", "talk", "hangup"]
    async with h.services.sessions() as session:
        ended = await session.get(type(call), call.id)
    assert ended is not None and ended.tm_ringing and ended.tm_progressing
    # progressing came with the party's answer after its 2 s of ringing, not at the talk
    assert (ended.tm_progressing - ended.tm_ringing).total_seconds() > 1.5
    await h.keep_history(call.id, "early_execution")
    await h.keep_history(call.id, "early_execution_revision1")
