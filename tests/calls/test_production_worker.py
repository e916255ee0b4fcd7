"""The calls worker as `voipbin worker` runs it (workflows/registry.py: no workflow
sandbox, bounded concurrency, shared pydantic converter cache) runs calls like the
sandboxed test worker does, and takes over calls a sandboxed worker started."""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowExecutionStatus

from tests.bridge.conftest import eventually
from tests.calls.conftest import META, CallHarness
from voipbin.calls.service import CreateCall
from workflows.call import CallWorkflow

SOURCE = {"type": "tel", "target": "+15550000001"}
SALES, SUPPORT, DONE = (f"00000000-0000-0000-0000-00000000b00{i}" for i in (1, 2, 3))
IVR: list[dict[str, Any]] = [
    {"type": "talk", "option": {"text": "press 1 for sales, 2 for support"}},
    {"type": "digits_receive", "option": {"duration": 20000, "length": 1}},
    {"type": "branch", "option": {"target_ids": {"1": SALES, "2": SUPPORT}}},
    {"id": SALES, "type": "variable_set", "option": {"key": "went", "value": "sales"}},
    {"id": SUPPORT, "type": "variable_set", "option": {"key": "went", "value": "support"}},
    {"id": DONE, "type": "hangup"},
]
IVR[3]["next_id"] = DONE


async def test_production_worker_runs_an_ivr_call_end_to_end(call_harness: CallHarness) -> None:
    h = call_harness
    # given the production calls worker, and a party who answers and presses 2
    await h.restart_worker(0, production=True)
    await h.script("+15550002000", [{"answer": True}, {"wait": 2}, {"dtmf": "2"}, {"wait": 60}])

    # when a call runs the IVR flow
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(SOURCE, [{"type": "tel", "target": "+15550002000"}], actions=IVR),
    )
    result = await h.result(call.id)

    # then the digit reached the flow through the bridge's signals and the call ended well
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    view = await h.handle(call.id).query(CallWorkflow.view)
    assert view.variables["went"] == "support"
    types = [e.event_type for e in await h.events(call.id)]
    assert types[0] == "call_created" and types[-2:] == ["call_terminating", "call_hangup"]
    assert [e.sequence for e in await h.events(call.id)] == list(range(1, len(types) + 1))


async def test_production_worker_takes_over_a_call_the_test_worker_started(
    call_harness: CallHarness,
) -> None:
    h = call_harness
    # given a live call whose first steps ran on the sandboxed test worker
    await h.script("+15550002001", [{"answer": True}, {"wait": 20}, {"dtmf": "1"}, {"wait": 60}])
    [call] = await h.calls.create(
        h.principal,
        META,
        CreateCall(SOURCE, [{"type": "tel", "target": "+15550002001"}], actions=IVR),
    )

    async def answered() -> bool:
        return (await h.calls.get(h.principal, call.id)).status == "progressing"

    await eventually(answered)
    running = await h.handle(call.id).describe()
    assert running.status == WorkflowExecutionStatus.RUNNING

    # when the production worker replaces it mid-call (same history, no sandbox)
    await h.restart_worker(0, production=True)

    # then it replays the history and finishes the flow with the digit pressed later
    result = await h.result(call.id)
    assert (result.hangup_reason, result.errors) == ("normal", [])
    view = await h.handle(call.id).query(CallWorkflow.view)
    assert view.variables["went"] == "sales"
