"""The step interpreter: a whole flow driven the way a workflow drives it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from workflows.flow_engine import (
    Action,
    ActiveflowEndedError,
    ActiveflowState,
    EngineLimits,
    Finish,
    FlowEngineError,
    LoopGuardError,
    Push,
    RunContext,
    StaleActionError,
    advance,
    current_action,
    forward,
    pop,
    run,
    start,
)

AF = UUID("0d6f3b2a-8b59-4a55-9a4e-5f2b7c1d0e01")
CTX = RunContext(now=datetime(2026, 11, 25, 10, 30, tzinfo=UTC), call_status="progressing")


def i(n: int) -> UUID:
    return UUID(int=1000 + n)


def act(n: int, type_: str, option: dict[str, object] | None = None, next_id: int = 0) -> Action:
    return Action(
        id=i(n), type=type_, option=option or {}, next_id=i(next_id) if next_id else UUID(int=0)
    )


def drive(state: ActiveflowState, digits: dict[str, str] | None = None) -> list[str]:
    """Perform every returned action with Continue; record its type (and talk text)."""
    seen: list[str] = []
    step = run(state, CTX)
    while step.action is not None:
        a = step.action
        seen.append(f"talk:{a.option.get('text')}" if a.type == "talk" else a.type)
        if a.type == "digits_receive" and digits:
            state.variables["voipbin.call.digits"] = digits.get(str(a.id), "")
        if a.type == "hangup":
            advance(state, a.id, Finish("hangup"))
        else:
            advance(state, a.id)
        step = run(state, CTX)
    return seen


def ivr() -> list[Action]:
    return [
        act(1, "answer"),
        act(2, "talk", {"text": "Hello ${voipbin.call.source.name}, press 1 or 2"}),
        act(3, "digits_receive", {"duration": 5000, "length": 1}),
        act(
            4,
            "branch",
            {"target_ids": {"1": str(i(5)), "2": str(i(6))}, "default_target_id": str(i(2))},
        ),
        act(5, "talk", {"text": "sales"}, next_id=7),
        act(6, "talk", {"text": "support"}),
        act(7, "hangup"),
    ]


def test_ivr_press_2() -> None:
    state = start(
        activeflow_id=AF,
        actions=ivr(),
        reference_type="call",
        variables={"voipbin.call.source.name": "Ann"},
    )
    seen = drive(state, {str(i(3)): "2"})
    assert seen == [
        "answer",
        "talk:Hello Ann, press 1 or 2",
        "digits_receive",
        "talk:support",
        "hangup",
    ]
    assert state.status == "ended" and state.end_reason == "hangup"
    assert state.variables["voipbin.call.digits"] == ""  # branch cleared it


def test_ivr_press_1_follows_next_id_past_support() -> None:
    state = start(activeflow_id=AF, actions=ivr(), reference_type="call")
    assert drive(state, {str(i(3)): "1"})[-2:] == ["talk:sales", "hangup"]


def test_end_of_flow_finishes() -> None:
    state = start(activeflow_id=AF, actions=[act(1, "answer")], reference_type="call")
    assert drive(state) == ["answer"]
    assert state.end_reason == "finished"
    assert current_action(state) is None


def test_goto_loops_loop_count_times_and_stores_it_back() -> None:
    actions = [
        act(1, "talk", {"text": "again"}),
        act(2, "goto", {"target_id": str(i(1)), "loop_count": 2}),
        act(3, "hangup"),
    ]
    state = start(activeflow_id=AF, actions=actions, reference_type="call")
    assert drive(state) == ["talk:again", "talk:again", "talk:again", "hangup"]


def test_infinite_loop_is_stopped_by_the_execute_count_guard() -> None:
    actions = [act(1, "talk", {"text": "x"}, next_id=1)]
    state = start(
        activeflow_id=AF,
        actions=actions,
        reference_type="call",
        limits=EngineLimits(max_executed_actions=10),
    )
    with pytest.raises(LoopGuardError) as err:
        drive(state)
    assert err.value.reason == "max_executed_actions"
    assert "more than 10 actions" in err.value.message


def test_inline_loop_is_stopped_by_the_hop_guard() -> None:
    actions = [act(1, "variable_set", {"key": "x", "value": "1"}, next_id=1)]
    state = start(
        activeflow_id=AF,
        actions=actions,
        limits=EngineLimits(max_executed_actions=10_000, max_hops=50),
    )
    with pytest.raises(LoopGuardError) as err:
        run(state, CTX)
    assert err.value.reason == "max_hops"


def test_fetch_push_runs_pushed_actions_then_returns() -> None:
    actions = [act(1, "fetch", {"event_url": "https://example.com/a"}), act(2, "hangup")]
    state = start(activeflow_id=AF, actions=actions, reference_type="call")
    step = run(state, CTX)
    assert step.action is not None and step.action.type == "fetch"
    fetched = [Action(id=UUID(int=0), type="talk", option={"text": "fetched"})]
    advance(state, step.action.id, Push(fetched))
    step = run(state, CTX)
    assert step.action is not None and step.action.option == {"text": "fetched"}
    assert step.action.id != UUID(int=0)  # an id was generated
    advance(state, step.action.id)
    step = run(state, CTX)
    assert step.action is not None and step.action.type == "hangup"


def test_generated_ids_are_the_same_on_replay() -> None:
    def fetched_id() -> UUID:
        state = start(activeflow_id=AF, actions=[act(1, "fetch", {"event_url": "https://e.x/"})])
        step = run(state, CTX)
        assert step.action is not None
        advance(state, step.action.id, Push([Action(id=UUID(int=0), type="block")]))
        return state.current_action.id

    assert fetched_id() == fetched_id()


def test_stale_completion_is_rejected() -> None:
    state = start(activeflow_id=AF, actions=ivr(), reference_type="call")
    step = run(state, CTX)
    assert step.action is not None
    with pytest.raises(StaleActionError):
        advance(state, i(99))


def test_media_gating_skips_rtc_actions_for_non_call_references() -> None:
    actions = [
        act(1, "answer"),
        act(2, "variable_set", {"key": "k", "value": "v"}),
        act(3, "block"),
    ]
    state = start(activeflow_id=AF, actions=actions, reference_type="api")
    step = run(state, CTX)
    assert step.action is not None and step.action.type == "block"
    assert state.variables["k"] == "v"


def test_block_is_skipped_on_calls() -> None:
    state = start(
        activeflow_id=AF, actions=[act(1, "block"), act(2, "hangup")], reference_type="call"
    )
    step = run(state, CTX)
    assert step.action is not None and step.action.type == "hangup"


def test_stop_ends_the_flow() -> None:
    state = start(
        activeflow_id=AF, actions=[act(1, "stop"), act(2, "answer")], reference_type="call"
    )
    assert run(state, CTX).action is None
    assert state.end_reason == "stop"
    with pytest.raises(ActiveflowEndedError):
        advance(state, i(1))


def test_branch_to_a_missing_target_is_an_error() -> None:
    actions = [act(1, "branch", {"target_ids": {}, "default_target_id": str(i(42))})]
    state = start(activeflow_id=AF, actions=actions)
    with pytest.raises(FlowEngineError) as err:
        run(state, CTX)
    assert err.value.reason == "action_not_found"


def test_conditions_inline_use_context() -> None:
    actions = [
        act(1, "condition_call_status", {"status": "ringing", "false_target_id": str(i(3))}),
        act(2, "talk", {"text": "ringing"}),
        act(3, "talk", {"text": "not ringing"}),
    ]
    state = start(activeflow_id=AF, actions=actions, reference_type="call")
    step = run(state, CTX)
    assert step.action is not None and step.action.option["text"] == "not ringing"


def test_service_pop_and_forward() -> None:
    queue_stack = UUID(int=777)
    actions = [act(1, "confbridge_join"), act(2, "hangup")]
    state = start(activeflow_id=AF, actions=actions, reference_type="call")
    step = run(state, CTX)
    assert step.action is not None
    waiting = [act(10, "play", {"stream_urls": []}, next_id=10), act(11, "confbridge_join")]
    advance(state, step.action.id, Push(waiting, stack_id=queue_stack))
    assert state.current_action.id == i(10)
    forward(state, i(11))
    assert state.current_action.id == i(11)
    pop(state, queue_stack)
    assert state.current_action.id == i(2)


def test_state_round_trips_through_json() -> None:
    state = start(activeflow_id=AF, actions=ivr(), reference_type="call")
    run(state, CTX)
    again = ActiveflowState.model_validate_json(state.model_dump_json())
    assert again == state


def test_media_gating_table() -> None:
    from workflows.flow_actions import media_allowed

    assert media_allowed("talk", "call") and not media_allowed("talk", "api")
    assert media_allowed("block", "conversation") and not media_allowed("block", "call")
    assert not media_allowed("talk", "") and not media_allowed("block", "")
    assert all(media_allowed("variable_set", ref) for ref in ("call", "api", ""))
