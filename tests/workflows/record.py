"""Records a WebhookDeliveryWorkflow or ActiveflowWorkflow history for the replay tests.

    TEMPORAL_ADDRESS=127.0.0.1:7233 python -m tests.workflows.record <scenario>
    TEMPORAL_ADDRESS=127.0.0.1:7233 python -m tests.workflows.record activeflow <scenario>

Activities are scripted stand-ins registered under the real names (a history holds only
their results), so recording needs Temporal and nothing else. Never re-record an
existing file to make replay pass: add a `__v<N+1>` beside it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from activities.contracts import calls as c
from activities.contracts.webhooks import (
    DELIVER,
    DELIVERED,
    GIVE_UP,
    PERMANENT,
    RETRY,
    DeliverInput,
    DeliverResult,
    DeliveryTarget,
    GiveUpInput,
    GiveUpResult,
)
from voipbin.temporal_client import DATA_CONVERTER
from workflows.activeflow import (
    CONTINUE_SIGNAL,
    ActiveflowInput,
    ActiveflowWorkflow,
    ContinueRequest,
)
from workflows.ids import activeflow_workflow_id, webhook_workflow_id
from workflows.registry import ALL_WORKFLOWS
from workflows.webhook_delivery import RetrySchedule, WebhookDeliveryInput, WebhookDeliveryWorkflow

HISTORIES = Path(__file__).parent / "histories"

SCENARIOS: dict[str, list[DeliverResult]] = {
    "delivered_after_retries": [
        DeliverResult(RETRY, 1, 500, "HTTP 500"),
        DeliverResult(RETRY, 2, 429, "HTTP 429", retry_after_seconds=0.2),
        DeliverResult(DELIVERED, 3, 200),
    ],
    "permanent_failure": [DeliverResult(PERMANENT, 1, 404, "HTTP 404")],
    "window_exhausted": [DeliverResult(RETRY, n, 503, "HTTP 503") for n in range(1, 50)],
}


def scripted(results: list[DeliverResult]) -> list[Callable[..., Any]]:
    pending = list(results)

    @activity.defn(name=DELIVER)
    async def deliver(input: DeliverInput) -> DeliverResult:
        return pending.pop(0)

    @activity.defn(name=GIVE_UP)
    async def give_up(input: GiveUpInput) -> GiveUpResult:
        return GiveUpResult(endpoint_disabled=True)

    return [deliver, give_up]


async def record(client: Client, scenario: str) -> str:
    queue = f"record-{uuid.uuid4().hex[:8]}"
    event_id, target_id = uuid.uuid4(), uuid.uuid4()
    target = DeliveryTarget(uuid.uuid4(), event_id, "agent_created", target_id, target_id)
    schedule = RetrySchedule([0.0, 0.1, 0.1], 0.1, 4.0, 5.0)
    async with Worker(
        client, task_queue=queue, workflows=ALL_WORKFLOWS, activities=scripted(SCENARIOS[scenario])
    ):
        handle = await client.start_workflow(
            WebhookDeliveryWorkflow.run,
            WebhookDeliveryInput(target, schedule),
            id=webhook_workflow_id(event_id, target_id),
            task_queue=queue,
        )
        await handle.result()
        history = await handle.fetch_history()
    return history.to_json()


BLOCK_ID = uuid.UUID("00000000-0000-0000-0000-0000000bb001")
PUSHED_FLOW = uuid.UUID("00000000-0000-0000-0000-0000000f1001")
# the service fills missing ids before a flow reaches the workflow
AF = [f"00000000-0000-0000-0000-0000000af1{i:02d}" for i in range(7)]

# An API activeflow through every media-free path: inline flow control, a sync webhook,
# fetch (pushes a block), a continue signal, fetch_flow (pushes an async webhook), stop.
ACTIVEFLOW_SCENARIOS: dict[str, list[dict[str, Any]]] = {
    "api_flow": [
        {"id": AF[0], "type": "variable_set", "option": {"key": "lang", "value": "fr"}},
        {
            "id": AF[1],
            "type": "branch",
            "option": {
                "variable": "lang",
                "target_ids": {"fr": "00000000-0000-0000-0000-0000000af002"},
            },
        },
        {"id": AF[2], "type": "stop"},
        {
            "id": "00000000-0000-0000-0000-0000000af002",
            "type": "webhook_send",
            "option": {"sync": True, "uri": "http://hooks.test/a", "data": "${greeting}"},
        },
        {"id": AF[3], "type": "fetch", "option": {"event_url": "http://hooks.test/fetch"}},
        {"id": AF[4], "type": "fetch_flow", "option": {"flow_id": str(PUSHED_FLOW)}},
        {"id": AF[5], "type": "stop"},
    ]
}


def scripted_flow_activities() -> list[Callable[..., Any]]:
    @activity.defn(name=c.SET_ACTION)
    async def set_action(input: c.SetActionInput) -> None:
        return None

    @activity.defn(name=c.END_ACTIVEFLOW)
    async def end_activeflow(input: c.EndActiveflowInput) -> None:
        return None

    @activity.defn(name=c.HTTP_REQUEST)
    async def http_request(input: c.HttpRequestInput) -> c.HttpRequestResult:
        if input.uri.endswith("/fetch"):
            return c.HttpRequestResult(200, json.dumps([{"id": str(BLOCK_ID), "type": "block"}]))
        return c.HttpRequestResult(200, "ok")

    @activity.defn(name=c.LOAD_FLOW)
    async def load_flow(input: c.LoadFlowInput) -> c.LoadFlowResult:
        send = {"uri": "http://hooks.test/b", "data": "${voipbin.activeflow.id}"}
        # a stored flow: ids filled at save time
        return c.LoadFlowResult([{"id": AF[6], "type": "webhook_send", "option": send}])

    return [set_action, end_activeflow, http_request, load_flow]


async def record_activeflow(client: Client, scenario: str) -> str:
    queue = f"record-{uuid.uuid4().hex[:8]}"
    activeflow_id = uuid.uuid4()
    async with Worker(
        client, task_queue=queue, workflows=ALL_WORKFLOWS, activities=scripted_flow_activities()
    ):
        handle = await client.start_workflow(
            ActiveflowWorkflow.run,
            ActiveflowInput(
                activeflow_id,
                uuid.uuid4(),
                ACTIVEFLOW_SCENARIOS[scenario],
                {"greeting": "bonjour", "voipbin.activeflow.id": str(activeflow_id)},
                http_seconds=1.0,
            ),
            id=activeflow_workflow_id(activeflow_id),
            task_queue=queue,
        )
        async with asyncio.timeout(20):
            while (await handle.query(ActiveflowWorkflow.view)).current_action.get(
                "type"
            ) != "block":
                await asyncio.sleep(0.05)
        await handle.signal(CONTINUE_SIGNAL, ContinueRequest(BLOCK_ID))
        result = await handle.result()
        assert result.end_reason == "stop" and not result.errors, result
        history = await handle.fetch_history()
    return history.to_json()


async def main(args: list[str]) -> None:
    client = await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"), data_converter=DATA_CONVERTER
    )
    workflow, scenario = ("activeflow", args[1]) if args[0] == "activeflow" else ("", args[0])
    name = workflow or "webhook_delivery"
    path = HISTORIES / f"{name}__{scenario}__v1.json"
    if path.exists():
        raise SystemExit(f"{path} exists: add a new version instead of re-recording")
    if workflow == "activeflow":
        path.write_text(await record_activeflow(client, scenario))
    else:
        path.write_text(await record(client, scenario))
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
