"""Records a WebhookDeliveryWorkflow history for the replay tests.

    TEMPORAL_ADDRESS=127.0.0.1:7233 python -m tests.workflows.record <scenario>

Activities are scripted stand-ins registered under the real names (a history holds only
their results), so recording needs Temporal and nothing else. Never re-record an
existing file to make replay pass: add a `__v<N+1>` beside it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

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
from workflows.ids import webhook_workflow_id
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


async def main(scenario: str) -> None:
    client = await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"), data_converter=DATA_CONVERTER
    )
    path = HISTORIES / f"webhook_delivery__{scenario}__v1.json"
    if path.exists():
        raise SystemExit(f"{path} exists: add a new version instead of re-recording")
    path.write_text(await record(client, scenario))
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
