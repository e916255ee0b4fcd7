"""The interpreter as pure step functions over one `ActiveflowState`.

    state = start(activeflow_id=..., actions=flow.actions, reference_type="call", ...)
    step = run(state, RunContext(now=workflow.now(), call_status="progressing"))
    while step.action is not None:          # a media / I/O action for the caller
        decision = <perform step.action>    # Continue(), Push([...]) for fetch, Finish(), ...
        advance(state, step.action.id, decision)
        step = run(state, RunContext(now=workflow.now(), ...))
    # state.status == "ended", state.end_reason says why

`run` executes the flow-control actions inline (branch, goto, conditions, variable_set,
empty, stop), skips actions whose media does not match the reference (spec §2 media
gating) and returns at the first action the caller must perform: call-engine actions,
flow actions with I/O (connect, call, fetch, fetch_flow, webhook_send) and `block` (wait
for a continue naming it). Functions mutate and return the state they are given; they
never read the clock or do I/O, so a workflow replays them deterministically.
Limits raise `LoopGuardError`; other execution errors raise `FlowEngineError`: the caller
ends the activeflow with `end(state, error.reason)` and reports the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, ValidationError

from workflows.flow_actions import ACTION_OPTIONS, media_allowed, parse_option
from workflows.flow_actions import options as o
from workflows.flow_engine import control, stack
from workflows.flow_engine.errors import (
    ActionNotFoundError,
    ActiveflowEndedError,
    FlowEngineError,
    MediaMismatchError,
    StaleActionError,
)
from workflows.flow_engine.limits import EngineLimits, check_executed, check_hops
from workflows.flow_engine.model import (
    ACTION_ID_START,
    NIL,
    STACK_ID_MAIN,
    START_ACTION,
    Action,
)
from workflows.flow_engine.variables import substitute

Status = Literal["running", "ended"]

# Flow actions the engine runs itself, without the caller.
INLINE_ACTIONS = frozenset(
    {
        "branch",
        "goto",
        "condition_variable",
        "condition_datetime",
        "condition_call_digits",
        "condition_call_status",
        "variable_set",
        "empty",
        "stop",
    }
)
TOLERANT_INLINE = frozenset({"variable_set"})


class ActiveflowState(BaseModel):
    """Everything the engine knows about one running flow (small, serialisable)."""

    activeflow_id: UUID
    flow_id: UUID = NIL
    reference_type: str = ""
    reference_id: UUID = NIL
    status: Status = "running"
    end_reason: str = ""
    stack_map: dict[UUID, stack.Stack] = Field(default_factory=dict)
    current_stack_id: UUID = STACK_ID_MAIN
    current_action: Action = START_ACTION  # option already substituted
    variables: dict[str, str] = Field(default_factory=dict)
    execute_count: int = 0
    push_count: int = 0
    executed_actions: list[Action] = Field(default_factory=list)
    limits: EngineLimits = Field(default_factory=EngineLimits)
    # strict: an action whose media does not match ends the flow with MediaMismatchError
    # instead of the original's silent skip (API activeflows: never a silent no-op)
    strict_media: bool = False


@dataclass(frozen=True, slots=True)
class RunContext:
    """What inline actions may read besides variables: the time and the call's status."""

    now: datetime
    call_status: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """The action the caller must perform now; None once the activeflow has ended."""

    state: ActiveflowState
    action: Action | None


def start(
    *,
    activeflow_id: UUID,
    actions: Sequence[Action],
    flow_id: UUID = NIL,
    reference_type: str = "",
    reference_id: UUID = NIL,
    variables: dict[str, str] | None = None,
    limits: EngineLimits | None = None,
    strict_media: bool = False,
) -> ActiveflowState:
    """A new state positioned before the first action (`run` moves onto it)."""
    main = stack.fill_missing_ids(activeflow_id, 0, actions)
    return ActiveflowState(
        activeflow_id=activeflow_id,
        flow_id=flow_id,
        reference_type=reference_type,
        reference_id=reference_id,
        stack_map=stack.new_stack_map(main),
        variables=dict(variables or {}),
        limits=limits or EngineLimits(),
        strict_media=strict_media,
    )


def current_action(state: ActiveflowState) -> Action | None:
    """The current action (option substituted); None before the start and after the end."""
    if state.status == "ended" or state.current_action.id == ACTION_ID_START:
        return None
    return state.current_action


def end(state: ActiveflowState, reason: str) -> ActiveflowState:
    """Mark the activeflow ended (idempotent: the first reason stays)."""
    if state.status != "ended":
        state.status = "ended"
        state.end_reason = reason
    return state


def advance(
    state: ActiveflowState, completed_action_id: UUID, decision: control.Next = control.CONTINUE
) -> ActiveflowState:
    """The caller finished `completed_action_id`; apply its decision and move on.

    A completion for another action than the current one raises `StaleActionError` (stale
    events are ignored this way, spec §2 "current-action check").
    """
    if state.status == "ended":
        raise ActiveflowEndedError(f"activeflow {state.activeflow_id} has ended")
    if completed_action_id != state.current_action.id:
        raise StaleActionError(state.current_action.id, completed_action_id)
    _apply(state, decision)
    return state


def forward(state: ActiveflowState, action_id: UUID) -> ActiveflowState:
    """External "forward now" (e.g. queue agent answered): jump from wherever we are."""
    if state.status == "ended":
        raise ActiveflowEndedError(f"activeflow {state.activeflow_id} has ended")
    _apply(state, control.Jump(action_id))
    return state


def pop(state: ActiveflowState, stack_id: UUID) -> ActiveflowState:
    """A service pops the stack it pushed: continue after the action that pushed it."""
    if state.status == "ended":
        raise ActiveflowEndedError(f"activeflow {state.activeflow_id} has ended")
    cursor = stack.pop(state.stack_map, stack_id)
    if cursor is not None:
        _set_current(state, cursor)
    return state


def run(state: ActiveflowState, ctx: RunContext) -> Step:
    """Execute inline actions until one needs the caller, a block, or the end."""
    hops = 0
    while state.status == "running":
        if state.current_action.id == ACTION_ID_START:
            _move_next(state)
            continue
        action = state.current_action
        if action.type not in ACTION_OPTIONS:
            raise FlowEngineError(f"action type `{action.type}` is not supported")
        hops += 1
        check_hops(hops, state.limits)
        if not media_allowed(action.type, state.reference_type):
            if state.strict_media:
                raise MediaMismatchError(action.type, state.reference_type)
            _move_next(state)
            continue
        if action.type not in INLINE_ACTIONS:
            return Step(state, action)
        _apply(state, _run_inline(state, action, ctx))
    return Step(state, None)


def _stored_action(state: ActiveflowState) -> Action:
    """The current action as stored in its stack (before substitution)."""
    current = state.stack_map.get(state.current_stack_id)
    if current is not None:
        idx = current.index_of(state.current_action.id)
        if idx >= 0:
            return current.actions[idx]
    return state.current_action


def _run_inline(state: ActiveflowState, action: Action, ctx: RunContext) -> control.Next:
    stored = _stored_action(state)
    try:
        option = parse_option(stored.type, stored.option)
    except ValidationError as exc:
        if stored.type in TOLERANT_INLINE:
            return control.CONTINUE
        raise FlowEngineError(f"{stored.type}: invalid option: {exc.errors()[0]['msg']}") from exc
    variables = state.variables
    try:
        match option:
            case o.BranchOption():
                return control.branch(option, variables)
            case o.GotoOption():
                decision, updated = control.goto(option)
                if updated is not option:
                    new_option = {**stored.option, "loop_count": updated.loop_count}
                    stack.replace_action(
                        state.stack_map,
                        state.current_stack_id,
                        _with_option(stored, new_option),
                    )
                return decision
            case o.ConditionVariableOption():
                return control.condition_variable(option, variables)
            case o.ConditionDatetimeOption():
                return control.condition_datetime(option, ctx.now)
            case o.ConditionCallDigitsOption():
                return control.condition_call_digits(option, variables)
            case o.ConditionCallStatusOption():
                return control.condition_call_status(option, ctx.call_status)
            case o.VariableSetOption():
                return control.variable_set(option, variables)
    except FlowEngineError:
        if stored.type in TOLERANT_INLINE:
            return control.CONTINUE
        raise
    if stored.type == "stop":
        return control.stop()
    return control.empty()


def _apply(state: ActiveflowState, decision: control.Next) -> None:
    match decision:
        case control.Continue():
            _move_next(state)
        case control.Jump(target_id=target):
            found = stack.search_action(state.stack_map, state.current_stack_id, target)
            if found is None:
                raise ActionNotFoundError(state.current_action.type or "forward", target)
            _set_current(state, found)
        case control.Push(actions=actions, stack_id=stack_id):
            seq = state.push_count + 1
            state.push_count = seq
            filled = stack.fill_missing_ids(state.activeflow_id, seq, actions)
            sid = stack_id or stack.pushed_stack_id(state.activeflow_id, seq)
            cursor = stack.push(
                state.stack_map,
                sid,
                filled,
                state.current_stack_id,
                state.current_action.id,
                state.limits,
            )
            if cursor is None:
                _move_next(state)
            else:
                _set_current(state, cursor)
        case control.Finish(reason=reason):
            end(state, reason)
        case control.Block():
            pass


def _move_next(state: ActiveflowState) -> None:
    if state.current_action.id == ACTION_ID_START:
        main = state.stack_map.get(STACK_ID_MAIN)
        first = main.actions[0] if main and main.actions else None
        _set_current(state, (STACK_ID_MAIN, first) if first else stack.FINISH)
        return
    stored = _stored_action(state)
    _set_current(state, stack.next_action(state.stack_map, state.current_stack_id, stored))


def _set_current(state: ActiveflowState, cursor: stack.Cursor) -> None:
    stack_id, action = cursor
    if action.is_finish:
        end(state, "finished")
        return
    state.execute_count += 1
    check_executed(state.execute_count, state.limits)
    state.current_stack_id = stack_id
    option = substitute(action.option, state.variables)
    current = action if option is action.option else _with_option(action, option)
    state.current_action = current
    state.executed_actions.append(current)


def _with_option(action: Action, option: dict[str, Any]) -> Action:
    # model_construct: the fields are already valid, and this runs for every action.
    return Action.model_construct(
        id=action.id, next_id=action.next_id, type=action.type, option=option
    )
