"""ActiveflowWorkflow (`activeflow:<id>`): a flow that runs without a call (reference
`api`, ...), on the same FlowRunner and executors as CallWorkflow.

Only media-free actions run here: the engine's inline flow control (branch, goto,
conditions, variable_set, empty, stop), customer HTTP (webhook_send, fetch, fetch_flow),
`call` (independent new calls) and `block`. The engine runs strict: an action that needs
a call (talk, sleep, connect, ...) ends the activeflow with a recorded error instead of
the original's silent skip; createActiveflow refuses such flows up front, so this only
catches actions arriving at run time (fetch, fetch_flow).

Signals: `stop_activeflow` (ends the flow, also mid-block), `continue_activeflow`
(releases a `block` naming its action); query `view` (current action, variables).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import calls as c
    from workflows.flow_actions import steps
    from workflows.flow_actions.block import EXECUTORS as BLOCK_EXECUTORS
    from workflows.flow_actions.calling import call as call_action
    from workflows.flow_actions.http import EXECUTORS as HTTP_EXECUTORS
    from workflows.flow_actions.runtime import Executor, FlowRunner, FlowStopped
    from workflows.flow_engine.model import NIL, Action

STOP_SIGNAL = "stop_activeflow"  # the same name CallWorkflow answers for its flow
CONTINUE_SIGNAL = "continue_activeflow"

ACTIVEFLOW_EXECUTORS: dict[str, Executor] = {
    **HTTP_EXECUTORS,
    **BLOCK_EXECUTORS,
    "call": call_action,
}


@dataclass(frozen=True)
class ActiveflowInput:
    activeflow_id: UUID
    customer_id: UUID
    actions: list[dict[str, Any]]
    variables: dict[str, str]
    reference_type: str = "api"
    reference_id: UUID | None = None
    flow_id: UUID | None = None
    max_executed_actions: int = 100
    http_seconds: float = 5.0  # webhook_send / fetch request timeout


@dataclass
class ActiveflowResult:
    end_reason: str
    execute_count: int
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContinueRequest:
    action_id: UUID


@dataclass
class ActiveflowView:
    status: str
    current_action: dict[str, Any]
    variables: dict[str, str]
    execute_count: int


@workflow.defn(name="ActiveflowWorkflow")
class ActiveflowWorkflow:
    @workflow.init
    def __init__(self, input: ActiveflowInput) -> None:
        self.input = input
        self.stop_requested = False
        self.continued: set[UUID] = set()
        self.runner = FlowRunner(self, ACTIVEFLOW_EXECUTORS)

    @workflow.signal(name=STOP_SIGNAL)
    def stop(self) -> None:
        self.stop_requested = True

    @workflow.signal(name=CONTINUE_SIGNAL)
    def continue_flow(self, request: ContinueRequest) -> None:
        self.continued.add(request.action_id)

    @workflow.query(name="view")
    def view(self) -> ActiveflowView:
        state = self.runner.state
        return ActiveflowView(
            state.status if state is not None else "running",
            self.runner.current,
            dict(self.runner.variables) if state is not None else {},
            self.runner.execute_count,
        )

    # -- what the runner and executors ask of their host ---------------------------------

    @property
    def stopped(self) -> bool:
        return self.stop_requested

    @property
    def activeflow_id(self) -> UUID:
        return self.input.activeflow_id

    @property
    def reference_id(self) -> UUID:
        return self.input.reference_id or NIL

    @workflow.run
    async def run(self, input: ActiveflowInput) -> ActiveflowResult:
        self.runner.start(
            activeflow_id=input.activeflow_id,
            reference_type=input.reference_type,
            reference_id=self.reference_id,
            actions=input.actions,
            variables=input.variables,
            max_executed_actions=input.max_executed_actions,
            flow_id=input.flow_id,
            strict_media=True,
        )
        # No call: conditions on the call status see none.
        reason = await self.runner.run(workflow.now, lambda: "")
        errors = list(self.runner.errors)
        await steps.end_activeflow(
            input.customer_id,
            input.activeflow_id,
            reason,
            errors[0] if errors else "",
            self.runner.variables,
        )
        return ActiveflowResult(reason, self.runner.execute_count, errors)

    async def record_action(self, action: Action) -> None:
        await steps.record_action(
            self.input.customer_id, None, self.activeflow_id, action, self.runner.execute_count
        )

    async def http(
        self, uri: str, method: str, body: str, content_type: str, *, signed: bool, wait: bool
    ) -> Any:
        return await steps.http(
            self.input.customer_id,
            self.activeflow_id,
            self.input.http_seconds,
            uri,
            method,
            body,
            content_type,
            signed=signed,
            wait=wait,
        )

    async def load_flow(self, flow_id: UUID) -> list[dict[str, Any]] | None:
        return await steps.load_flow(self.input.customer_id, flow_id)

    async def place_independent(
        self,
        source: dict[str, Any],
        destinations: list[dict[str, Any]],
        flow_id: UUID | None,
        actions: list[dict[str, Any]],
        chained: bool,
        early_execution: bool = False,
    ) -> None:
        """`call`: new outgoing calls with their own flow. No call of ours to chain them
        to (the original honours `chained` only for call references)."""
        key = f"call:{self.activeflow_id}:{self.runner.execute_count}"
        await steps.place_calls(
            c.PlaceCallsInput(
                self.input.customer_id,
                key,
                source,
                destinations,
                None,
                False,
                "",
                flow_id,
                actions,
                early_execution=early_execution,
            )
        )

    async def wait_continue(self, action: Action) -> None:
        await workflow.wait_condition(lambda: action.id in self.continued or self.stopped)
        if self.stopped:
            raise FlowStopped()
