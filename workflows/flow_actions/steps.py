"""Activity calls every flow host makes the same way (CallWorkflow, ActiveflowWorkflow).

Workflow code only (activity stubs and workflow APIs): the hosts call these from their
executor-facing methods, so an activeflow with or without a call records its actions,
talks to the customer's server and loads flows through one code path.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import calls as c
    from workflows.flow_actions.runtime import ActionFailed
    from workflows.flow_engine.model import Action

# What a failed activity raises in the workflow: ActivityError around the activity's own
# error, or (a local activity's non-retryable failure, temporalio 1.35) that
# ApplicationError as it is. Catch both, and read the type with `failure_type`.
ACTIVITY_FAILURES = (ActivityError, ApplicationError)


def failure_type(exc: BaseException) -> str:
    """The ApplicationError type behind a failed activity ("" when there is none)."""
    cause = exc.cause if isinstance(exc, ActivityError) else exc
    return cause.type or "" if isinstance(cause, ApplicationError) else ""


LOCAL = timedelta(seconds=10)
LOCAL_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    maximum_interval=timedelta(seconds=5),
    maximum_attempts=8,
)
SLOW_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=5,
)


async def local(fn: Any, arg: Any) -> Any:
    """A quick single-row write or ARI call: a local activity (no task round trip)."""
    return await workflow.execute_local_activity(
        fn, arg, start_to_close_timeout=LOCAL, retry_policy=LOCAL_RETRY
    )


async def slow(fn: Any, arg: Any, seconds: float) -> Any:
    return await workflow.execute_activity(
        fn, arg, start_to_close_timeout=timedelta(seconds=seconds + 5), retry_policy=SLOW_RETRY
    )


async def record_action(
    customer_id: UUID,
    call_id: UUID | None,
    activeflow_id: UUID,
    action: Action,
    execute_count: int,
) -> None:
    """current_action / executed_actions on the row + `activeflow_updated` (and the call's
    `action` when there is a call)."""
    await local(
        c.set_action,
        c.SetActionInput(
            customer_id, call_id, activeflow_id, action.model_dump(mode="json"), execute_count
        ),
    )


async def http(
    customer_id: UUID,
    activeflow_id: UUID,
    seconds: float,
    uri: str,
    method: str,
    body: str,
    content_type: str,
    *,
    signed: bool,
    wait: bool,
) -> Any:
    request = c.HttpRequestInput(
        customer_id, activeflow_id, uri, method, body, content_type, seconds, signed
    )
    if not wait:
        # Fire and forget, as the original's async webhook_send; the flow goes on.
        workflow.start_activity(
            c.http_request,
            request,
            start_to_close_timeout=timedelta(seconds=seconds + 5),
            retry_policy=SLOW_RETRY,
        )
        return None
    return await slow(c.http_request, request, seconds)


async def load_flow(customer_id: UUID, flow_id: UUID) -> list[dict[str, Any]] | None:
    """The flow's actions; None if it is not one of this customer's flows."""
    result = await local(c.load_flow, c.LoadFlowInput(customer_id, flow_id))
    return None if result.error else list(result.actions)


async def place_calls(input: c.PlaceCallsInput) -> list[UUID]:
    """New outgoing calls (rows + CallWorkflows); a refused destination fails the action."""
    placed = await slow(c.place_calls, input, 30)
    if placed.error:
        raise ActionFailed(placed.error)
    return list(placed.call_ids)


async def end_activeflow(
    customer_id: UUID,
    activeflow_id: UUID,
    reason: str = "",
    error: str = "",
    variables: dict[str, str] | None = None,
) -> None:
    """The row ended (+ event); then its flow's on_complete flow, if any, is started."""
    await local(
        c.end_activeflow,
        c.EndActiveflowInput(customer_id, activeflow_id, reason, error, dict(variables or {})),
    )
