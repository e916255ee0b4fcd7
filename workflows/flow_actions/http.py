"""Executors of the actions that talk to the customer's server: webhook_send, fetch,
fetch_flow. A slow, failing or malformed server never drops the call: the action ends
with a recorded error (ActionFailed; tolerant for webhook_send) and the flow goes on
where the original would."""

from __future__ import annotations

import json
from typing import Any

from workflows.flow_actions import options as o
from workflows.flow_actions.runtime import ActionFailed, Executor


async def webhook_send(host: Any, action: dict[str, Any], option: o.WebhookSendOption) -> None:
    body = option.data
    result = await host.http(
        option.uri,
        option.method,
        body,
        option.data_type or "application/json",
        signed=True,
        wait=option.sync,
    )
    if result is not None and result.error:
        raise ActionFailed(result.error)


def _with_ids(actions: Any, new_id: Any) -> list[dict[str, Any]]:
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        raise ActionFailed("the response is not a JSON array of actions")
    out = []
    for raw in actions:
        if not isinstance(raw.get("type"), str):
            raise ActionFailed("a fetched action has no type")
        item = dict(raw)
        if not item.get("id") or str(item["id"]) == str(o.NIL_UUID):
            item["id"] = str(new_id())  # the original leaves them empty; we give ids
        out.append(item)
    return out


async def fetch(host: Any, action: dict[str, Any], option: o.FetchOption) -> None:
    body = json.dumps(
        {"activeflow_id": str(host.activeflow_id), "reference_id": str(host.reference_id)}
    )
    result = await host.http(
        option.event_url, option.event_method, body, "application/json", signed=False, wait=True
    )
    if result.error:
        raise ActionFailed(result.error)
    if result.status_code != 200:
        raise ActionFailed(f"fetch answered HTTP {result.status_code}, not 200")
    try:
        decoded = json.loads(result.body)
    except ValueError as exc:
        raise ActionFailed("the response is not JSON") from exc
    host.runner.push(_with_ids(decoded, host.new_uuid))


async def fetch_flow(host: Any, action: dict[str, Any], option: o.FetchFlowOption) -> None:
    actions = await host.load_flow(option.flow_id)
    host.runner.push(_with_ids(actions, host.new_uuid))


EXECUTORS: dict[str, Executor] = {
    "webhook_send": webhook_send,
    "fetch": fetch,
    "fetch_flow": fetch_flow,
}
