"""Runs a flow's actions inside a workflow (the call engine side of spec flow-actions.md).

`FlowRunner` owns the cursor (stacks of actions, next-id resolution, the 100-action
guard, `${}` variables) and dispatches each action to its executor in `RUNTIME_ACTIONS`,
a literal mapping (STYLE §2.8). Executors use only workflow APIs and activity stubs
through the `CallHost` the workflow hands in, so the same runner serves CallWorkflow
(reference `call`, media actions allowed) and ActiveflowWorkflow (no media).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from workflows.flow_actions import TOLERANT_ACTIONS, media_allowed, parse_option

NIL = UUID(int=0)
FINISH = UUID(int=2)
_VARIABLE = re.compile(r"\$\{(.*?)\}")


class FlowStopped(Exception):
    """The flow ends now (stop action, hangup action, call gone, limit hit)."""


class ActionFailed(Exception):
    """An executor's business failure: ends the flow unless the action is tolerant."""


def substitute(value: Any, variables: Mapping[str, str]) -> Any:
    """`${name}` in every string of an option, recursively; unknown names → ""."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: variables.get(m.group(1), ""), value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


@dataclass
class Frame:
    actions: list[dict[str, Any]]
    index: int = 0


@dataclass
class RunnerState:
    """Everything the runner needs to continue; lives in workflow memory (replayed)."""

    stacks: list[Frame] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    execute_count: int = 0
    forward: UUID | None = None
    errors: list[str] = field(default_factory=list)
    current: dict[str, Any] = field(default_factory=dict)


class CallHost(Protocol):
    """What executors may ask of the workflow that runs them."""

    reference_type: str
    state: RunnerState

    @property
    def stopped(self) -> bool: ...

    async def record_action(self, action: dict[str, Any]) -> None: ...


Executor = Callable[[Any, dict[str, Any], Any], Awaitable[None]]


class FlowRunner:
    def __init__(
        self,
        host: Any,
        executors: Mapping[str, Executor],
        max_executed_actions: int = 100,
    ) -> None:
        self.host = host
        self.executors = executors
        self.max_executed_actions = max_executed_actions

    @property
    def state(self) -> RunnerState:
        state: RunnerState = self.host.state
        return state

    def start(self, actions: list[dict[str, Any]]) -> None:
        self.state.stacks = [Frame(list(actions))]

    def push(self, actions: list[dict[str, Any]]) -> None:
        """A pushed stack returns to the action after the current one when it ends."""
        if len(self.state.stacks) >= 100:
            raise ActionFailed("too many stacked flows")
        self.state.stacks.append(Frame(list(actions)))
        # The pushed stack's first action runs next; the pusher's next_id is not followed.
        self.state.current = {}

    def jump(self, target: UUID) -> None:
        self.state.forward = target

    async def run(self) -> None:
        while not self.host.stopped:
            action = self._next()
            if action is None:
                return
            await self._execute(action)

    def _find(self, target: UUID) -> bool:
        """Search the current stack, then the ones below it (leaving the upper ones)."""
        stacks = self.state.stacks
        for depth in range(len(stacks) - 1, -1, -1):
            for index, action in enumerate(stacks[depth].actions):
                if str(action.get("id", "")) == str(target):
                    del stacks[depth + 1 :]
                    stacks[depth].index = index
                    return True
        return False

    def _next(self) -> dict[str, Any] | None:
        stacks = self.state.stacks
        if not stacks:
            return None
        target = self.state.forward
        self.state.forward = None
        if target is None:
            current = self.state.current
            next_id = current.get("next_id") if current else None
            if next_id and UUID(str(next_id)) != NIL:
                target = UUID(str(next_id))
        if target is not None:
            if target == FINISH or not self._find(target):
                return None
        else:
            if self.state.current:
                stacks[-1].index += 1
            while stacks and stacks[-1].index >= len(stacks[-1].actions):
                stacks.pop()
                if stacks:
                    stacks[-1].index += 1
            if not stacks:
                return None
        frame = stacks[-1]
        return frame.actions[frame.index]

    async def _execute(self, action: dict[str, Any]) -> None:
        state = self.state
        state.current = action
        action_type = str(action.get("type", ""))
        state.execute_count += 1
        if state.execute_count > self.max_executed_actions:
            state.errors.append("the flow executed more than the allowed number of actions")
            raise FlowStopped()
        if action_type in ("empty",):
            return
        if not media_allowed(action_type, self.host.reference_type):
            return  # media gating: silently skipped, as the original does
        executor = self.executors.get(action_type)
        if executor is None:
            state.errors.append(f"action type {action_type!r} cannot run here")
            raise FlowStopped()
        await self.host.record_action(action)
        raw = substitute(action.get("option") or {}, state.variables)
        try:
            option = parse_option(action_type, raw)
        except Exception as exc:  # pydantic.ValidationError after substitution
            state.errors.append(f"{action_type}: invalid option after substitution: {exc}")
            if action_type in TOLERANT_ACTIONS:
                return
            raise FlowStopped() from exc
        try:
            await executor(self.host, action, option)
        except ActionFailed as exc:
            state.errors.append(f"{action_type}: {exc}")
            if action_type not in TOLERANT_ACTIONS:
                raise FlowStopped() from exc
