"""The pure flow engine: stack machine, variables and flow-control actions.

No I/O, no clock, no randomness: the current time is an argument, generated ids are
uuid5 values derived from the activeflow id. Safe inside the Temporal workflow sandbox.

API (see `interpreter` for the loop a workflow writes around it):

- `start(activeflow_id=, actions=, flow_id=, reference_type=, reference_id=, variables=,
  limits=) -> ActiveflowState`: a state positioned before the first action.
- `run(state, RunContext(now, call_status)) -> Step`: runs inline flow actions (branch,
  goto, condition_*, variable_set, empty, stop), skips actions whose media does not match
  the reference, and returns `Step.action`, the first action the caller must perform
  (call-engine actions, connect/call/fetch/fetch_flow/webhook_send, block), or None once
  the activeflow has ended (`state.end_reason`).
- `advance(state, completed_action_id, decision)`: the caller finished the current action;
  `decision` is a `Next`: `Continue()`, `Jump(id)`, `Push(actions, stack_id)` (fetch,
  fetch_flow, connect...), `Finish(reason)`, `Block()`. A stale id raises
  `StaleActionError`.
- `forward(state, action_id)`, `pop(state, stack_id)`: service-driven moves.
- `current_action(state)`, `end(state, reason)`.
- `variables`: `substitute`, `call_variables(call_dict)`, `activeflow_variables(...)`,
  `append_digit`/`replace_digit`, `sanitize_initial`, `merge`.
- Errors: `FlowEngineError` (`.reason`, `.message`), `LoopGuardError` with reasons
  `max_executed_actions`, `max_hops`, `max_stack_depth`; the workflow ends the activeflow
  with `end(state, err.reason)` and emits the event with the message.
"""

from __future__ import annotations

from workflows.flow_engine.control import (
    CONTINUE,
    Block,
    Continue,
    Finish,
    Jump,
    Next,
    Push,
)
from workflows.flow_engine.errors import (
    ActionNotFoundError,
    ActiveflowEndedError,
    FlowEngineError,
    LoopGuardError,
    MediaMismatchError,
    StaleActionError,
)
from workflows.flow_engine.interpreter import (
    INLINE_ACTIONS,
    ActiveflowState,
    RunContext,
    Step,
    advance,
    current_action,
    end,
    forward,
    pop,
    run,
    start,
)
from workflows.flow_engine.limits import EngineLimits
from workflows.flow_engine.model import (
    ACTION_ID_EMPTY,
    ACTION_ID_FINISH,
    ACTION_ID_NEXT,
    ACTION_ID_START,
    NIL,
    STACK_ID_MAIN,
    Action,
)

__all__ = [
    "ACTION_ID_EMPTY",
    "ACTION_ID_FINISH",
    "ACTION_ID_NEXT",
    "ACTION_ID_START",
    "CONTINUE",
    "INLINE_ACTIONS",
    "NIL",
    "STACK_ID_MAIN",
    "Action",
    "ActionNotFoundError",
    "ActiveflowEndedError",
    "ActiveflowState",
    "Block",
    "Continue",
    "EngineLimits",
    "Finish",
    "FlowEngineError",
    "Jump",
    "LoopGuardError",
    "MediaMismatchError",
    "Next",
    "Push",
    "RunContext",
    "StaleActionError",
    "Step",
    "advance",
    "current_action",
    "end",
    "forward",
    "pop",
    "run",
    "start",
]
