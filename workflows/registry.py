"""Everything the worker process runs: Temporal workers and the outbox dispatcher.

`ALL_WORKFLOWS` is the list replay tests check histories against.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from workflows.activeflow import ActiveflowWorkflow
from workflows.call import CallWorkflow
from workflows.confbridge import ConfbridgeWorkflow
from workflows.task_queues import CALLS, WEBHOOKS
from workflows.webhook_delivery import WebhookDeliveryWorkflow

if TYPE_CHECKING:  # the worker's composition needs them; workflow code never does
    from voipbin.config import Settings
    from voipbin.services import Services
    from voipbin.telephony_nodes import AriPool

ALL_WORKFLOWS: list[type[Any]] = [
    WebhookDeliveryWorkflow,
    CallWorkflow,
    ActiveflowWorkflow,
    ConfbridgeWorkflow,
]
# The calls worker's workflows: a call's `connect` starts its confbridge on the same queue,
# and API-started activeflows run there too.
CALL_WORKFLOWS: list[type[Any]] = [CallWorkflow, ActiveflowWorkflow, ConfbridgeWorkflow]


def webhook_activities(services: Services) -> list[Any]:
    from activities.webhooks import WebhookActivities
    from voipbin.webhooks.deliveries import DeliveryStore

    store = DeliveryStore(
        services.sessions,
        services.url_guard,
        services.customer_http,
        services.customers.disable_failing_webhook,
    )
    impl = WebhookActivities(store)
    return [impl.deliver, impl.give_up]


def telephony_activities(services: Services, pool: AriPool) -> list[Any]:
    """ARI activities; register them on the worker of the workflows that call them."""
    from activities.telephony import TelephonyActivities

    return TelephonyActivities(pool, services.redis).all()


def call_activities(services: Services) -> list[Any]:
    from activities.calls import CallActivities
    from activities.confbridges import ConfbridgeActivities
    from voipbin.tts.espeak import EspeakTts

    impl = CallActivities(
        services.sessions,
        EspeakTts(services.settings.calls.tts_dir.resolve()),
        services.customer_http,
        services.url_guard,
        services.flow_actions,
        services.route_number,
        services.calls.place,
        services.activeflows.start_on_complete,
    )
    return [*impl.all(), *ConfbridgeActivities(services.sessions).all()]


def calls_worker(client: Client, settings: Settings, activities: list[Any]) -> Worker:
    """The calls worker as `voipbin worker` runs it (bench/calls.py measures this one).

    Few workflow tasks in flight: a polled task's 10 s timeout runs while it waits for
    this process, so with 200 a burst of new calls made each wait about 10 s (tasks in
    flight / tasks per second), time out and come back as retries that fed the overload
    (5,000 live calls never got set up). The server queues the rest at no cost.

    No workflow sandbox: it re-imported the workflow module for every call and proxied
    every activation, 80 ms of CPU per call set-up and most of a live call's memory
    (bench/calls.py). Determinism is still checked under the sandbox where it costs
    nothing in production: the test workers (tests/calls) and the replay of recorded
    histories (tests/workflows) keep it.
    """
    return Worker(
        client,
        task_queue=settings.calls.task_queue or CALLS,
        workflows=CALL_WORKFLOWS,
        activities=activities,
        max_concurrent_activities=500,
        max_concurrent_local_activities=50,
        max_concurrent_workflow_tasks=20,
        max_cached_workflows=settings.calls.worker_cached_workflows,
        workflow_runner=UnsandboxedWorkflowRunner(),
    )


async def run_workers(settings: Settings) -> None:
    """Runs until cancelled (I/O modules are imported here, never by workflow modules)."""
    from voipbin.events.dispatcher import OutboxDispatcher
    from voipbin.services import build_services

    services = build_services(settings, worker=True)
    try:
        client = await services.temporal()
        worker = Worker(
            client,
            task_queue=settings.webhooks.task_queue or WEBHOOKS,
            workflows=[WebhookDeliveryWorkflow],
            activities=webhook_activities(services),
            max_concurrent_activities=200,
        )
        from voipbin.telephony_nodes import AriPool

        pool = AriPool(settings.ari, services.redis)
        # Calls, and flows without a call (they use the same call activities), and the
        # confbridges a call's connect starts
        calls = calls_worker(
            client,
            settings,
            [*call_activities(services), *telephony_activities(services, pool)],
        )
        dispatcher = OutboxDispatcher(
            database_url=settings.database_url,
            sessions=services.sessions,
            redis=services.redis,
            settings=settings.events,
            on_published=services.webhooks.start_deliveries,
        )
        async with asyncio.TaskGroup() as group:
            group.create_task(worker.run(), name="temporal-worker-webhooks")
            group.create_task(calls.run(), name="temporal-worker-calls")
            group.create_task(services.recordings.run_retention(), name="recording-retention")
            group.create_task(dispatcher.run(), name="outbox-dispatcher")
            if settings.ari.run_in_worker:
                from voipbin.bridge.run import run_bridge_with

                group.create_task(run_bridge_with(services), name="ari-bridge")
    finally:
        await services.close()
