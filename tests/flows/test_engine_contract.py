"""A flow as the flows service stores it is what the flow engine runs (the seam between
the resource and `workflows.flow_engine`)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from voipbin.flows.validation import FlowLimits, validate_actions
from workflows.flow_engine import Action, Finish, RunContext, advance, run, start

GOOD = Path(__file__).parent / "fixtures" / "good"


def test_stored_branch_flow_runs_in_the_engine() -> None:
    raw = json.loads((GOOD / "branch__digits.json").read_text())["actions"]
    stored = validate_actions(raw, FlowLimits()).actions
    actions = [Action.model_validate(a) for a in stored]
    state = start(activeflow_id=uuid.uuid4(), actions=actions, reference_type="call")
    ctx = RunContext(now=datetime.now(UTC))
    seen = []
    step = run(state, ctx)
    while step.action is not None:
        seen.append((step.action.type, step.action.option.get("text")))
        if step.action.type == "digits_receive":
            state.variables["voipbin.call.digits"] = "2"
        if step.action.type == "hangup":
            advance(state, step.action.id, Finish("hangup"))
        else:
            advance(state, step.action.id)
        step = run(state, ctx)
    assert seen == [("digits_receive", None), ("talk", "two"), ("hangup", None)]
    assert state.end_reason == "hangup"


def test_every_good_fixture_loads_as_engine_actions() -> None:
    for path in sorted(GOOD.glob("*.json")):
        stored = validate_actions(json.loads(path.read_text())["actions"], FlowLimits()).actions
        actions = [Action.model_validate(a) for a in stored]
        assert [a.type for a in actions] == [a["type"] for a in stored], path.name
