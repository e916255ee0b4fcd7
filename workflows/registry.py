"""Everything the worker process runs: Temporal workers and the outbox dispatcher.

`ALL_WORKFLOWS` is the list replay tests check histories against.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from temporalio.worker import Worker

from workflows.task_queues import WEBHOOKS
from workflows.webhook_delivery import WebhookDeliveryWorkflow

if TYPE_CHECKING:  # the worker's composition needs them; workflow code never does
    from voipbin.config import Settings
    from voipbin.services import Services
    from voipbin.telephony_nodes import AriPool

ALL_WORKFLOWS: list[type[Any]] = [WebhookDeliveryWorkflow]


def webhook_activities(services: Services) -> list[Any]:
    from activities.webhooks import WebhookActivities
    from voipbin.webhooks.deliveries import DeliveryStore

    store = DeliveryStore(services.sessions, services.url_guard, services.http)
    impl = WebhookActivities(store)
    return [impl.deliver, impl.give_up]


def telephony_activities(services: Services, pool: AriPool) -> list[Any]:
    """ARI activities; register them on the worker of the workflows that call them."""
    from activities.telephony import TelephonyActivities

    return TelephonyActivities(pool, services.redis).all()


async def run_workers(settings: Settings) -> None:
    """Runs until cancelled (I/O modules are imported here, never by workflow modules)."""
    from voipbin.events.dispatcher import OutboxDispatcher
    from voipbin.services import build_services

    services = build_services(settings)
    try:
        client = await services.temporal()
        worker = Worker(
            client,
            task_queue=settings.webhooks.task_queue or WEBHOOKS,
            workflows=[WebhookDeliveryWorkflow],
            activities=webhook_activities(services),
            max_concurrent_activities=200,
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
            group.create_task(dispatcher.run(), name="outbox-dispatcher")
            if settings.ari.run_in_worker:
                from voipbin.bridge.run import run_bridge_with

                group.create_task(run_bridge_with(services), name="ari-bridge")
    finally:
        await services.close()
