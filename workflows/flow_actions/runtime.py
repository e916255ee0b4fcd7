"""Runs a flow inside a workflow: engineer A's pure engine (`workflows.flow_engine`) decides
ids, next ids, stacks, loop guards and variables and runs the flow-control actions; this
loop performs each action the engine hands back with its executor from the literal
`RUNTIME_ACTIONS` mapping of the workflow (STYLE §2.8) and reports the decision.

Executors use only workflow APIs and activity stubs through the host workflow, so the
same runner serves CallWorkflow (reference `call`) and ActiveflowWorkflow (no media).
An executor returns a `Next` (None = continue), raises `ActionFailed` for a business
failure (ends the flow unless the action is tolerant) or `FlowStopped` to end the flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from workflows import flow_engine as engine
from workflows.flow_actions import TOLERANT_ACTIONS, parse_option
from workflows.flow_engine.model import Action


class FlowStopped(Exception):
    """The flow ends now (hangup action, call gone, stop requested)."""

    def __init__(self, reason: str = "stopped") -> None:
        super().__init__(reason)
        self.reason = reason


class ActionFailed(Exception):
    """An executor's business failure: ends the flow unless the action is tolerant."""


Executor = Callable[[Any, Action, Any], Awaitable[engine.Next | None]]


class FlowRunner:
    def __init__(self, host: Any, executors: Mapping[str, Executor]) -> None:
        self.host = host
        self.executors = executors
        self.state: engine.ActiveflowState | None = None
        self.errors: list[str] = []

    def start(
        self,
        *,
        activeflow_id: UUID,
        reference_type: str,
        reference_id: UUID,
        actions: list[dict[str, Any]],
        variables: dict[str, str],
        max_executed_actions: int,
        flow_id: UUID | None = None,
        strict_media: bool = False,
    ) -> None:
        self.state = engine.start(
            activeflow_id=activeflow_id,
            actions=[Action.model_validate(a) for a in actions],
            flow_id=flow_id or engine.NIL,
            reference_type=reference_type,
            reference_id=reference_id,
            variables=variables,
            limits=engine.EngineLimits(max_executed_actions=max_executed_actions),
            strict_media=strict_media,
        )

    @property
    def variables(self) -> dict[str, str]:
        assert self.state is not None
        return self.state.variables

    @property
    def execute_count(self) -> int:
        return self.state.execute_count if self.state is not None else 0

    @property
    def current(self) -> dict[str, Any]:
        action = engine.current_action(self.state) if self.state is not None else None
        return action.model_dump(mode="json") if action is not None else {}

    async def run(self, now: Callable[[], datetime], call_status: Callable[[], str]) -> str:
        """Until the flow ends; returns the end reason."""
        state = self.state
        assert state is not None
        try:
            step = engine.run(state, engine.RunContext(now(), call_status()))
            while step.action is not None:
                if self.host.stopped:
                    raise FlowStopped()
                action = step.action
                decision = await self._perform(action)
                engine.advance(state, action.id, decision or engine.CONTINUE)
                step = engine.run(state, engine.RunContext(now(), call_status()))
        except FlowStopped as stop:
            engine.end(state, stop.reason)
        except engine.FlowEngineError as exc:
            self.errors.append(exc.message)
            engine.end(state, exc.reason)
        return state.end_reason

    async def _perform(self, action: Action) -> engine.Next | None:
        executor = self.executors.get(action.type)
        if executor is None:
            self.errors.append(f"action type {action.type!r} cannot run here")
            raise FlowStopped("unsupported")
        await self.host.record_action(action)
        try:
            option = parse_option(action.type, action.option)
        except ValidationError as exc:
            self.errors.append(f"{action.type}: invalid option after substitution: {exc}")
            if action.type in TOLERANT_ACTIONS:
                return None
            raise FlowStopped("invalid_option") from exc
        try:
            return await executor(self.host, action, option)
        except ActionFailed as exc:
            self.errors.append(f"{action.type}: {exc}")
            if action.type in TOLERANT_ACTIONS:
                return None
            raise FlowStopped("action_failed") from exc
