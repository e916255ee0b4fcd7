"""Executors of the actions that talk to the customer's server: webhook_send, fetch,
fetch_flow. A slow, failing or malformed server never drops the call: the action ends
with an error recorded on the flow and the flow goes on with the next action."""

from __future__ import annotations

import json
from typing import Any

from workflows import flow_engine as engine
from workflows.flow_actions import options as o
from workflows.flow_actions.runtime import Executor
from workflows.flow_engine.model import Action


def _failed(host: Any, action: Action, message: str) -> None:
    host.runner.errors.append(f"{action.type} {action.id}: {message}")


async def webhook_send(host: Any, action: Action, option: o.WebhookSendOption) -> None:
    content_type = option.data_type or "application/json"
    result = await host.http(
        option.uri, option.method, option.data, content_type, signed=True, wait=option.sync
    )
    if result is not None and result.error:
        _failed(host, action, result.error)


def _actions(decoded: Any) -> list[Action]:
    if not isinstance(decoded, list) or not all(isinstance(a, dict) for a in decoded):
        raise ValueError("the response is not a JSON array of actions")
    # Missing ids are filled by the engine when it pushes (the original leaves them nil).
    return [Action.model_validate({**a, "id": a.get("id") or str(engine.NIL)}) for a in decoded]


async def fetch(host: Any, action: Action, option: o.FetchOption) -> engine.Next | None:
    body = json.dumps(
        {"activeflow_id": str(host.activeflow_id), "reference_id": str(host.reference_id)}
    )
    result = await host.http(
        option.event_url, option.event_method, body, "application/json", signed=False, wait=True
    )
    if result.error:
        _failed(host, action, result.error)
        return None
    if result.status_code != 200:
        _failed(host, action, f"answered HTTP {result.status_code}, not 200")
        return None
    try:
        return engine.Push(_actions(json.loads(result.body)))
    except ValueError as exc:  # JSON or action shape
        _failed(host, action, f"malformed answer: {str(exc).splitlines()[0]}")
        return None


async def fetch_flow(host: Any, action: Action, option: o.FetchFlowOption) -> engine.Next | None:
    actions = await host.load_flow(option.flow_id)
    if actions is None:
        _failed(host, action, f"flow {option.flow_id} not found")
        return None
    return engine.Push([Action.model_validate(a) for a in actions])


EXECUTORS: dict[str, Executor] = {
    "webhook_send": webhook_send,
    "fetch": fetch,
    "fetch_flow": fetch_flow,
}
