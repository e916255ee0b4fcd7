"""Webhook activities: the real implementations of `activities.contracts.webhooks`."""

from __future__ import annotations

from temporalio import activity

from activities.contracts.webhooks import (
    DELIVER,
    GIVE_UP,
    DeliverInput,
    DeliverResult,
    DeliveryTarget,
    GiveUpInput,
    GiveUpResult,
)
from voipbin.webhooks.deliveries import DeliveryStore, Target


def _target(target: DeliveryTarget) -> Target:
    return Target(
        target.customer_id, target.event_id, target.event_type, target.target_id, target.webhook_id
    )


class WebhookActivities:
    def __init__(self, store: DeliveryStore) -> None:
        self._store = store

    @activity.defn(name=DELIVER)
    async def deliver(self, input: DeliverInput) -> DeliverResult:
        attempt = await self._store.attempt(_target(input.target))
        result = attempt.result
        return DeliverResult(
            outcome=result.outcome.value,
            attempt_number=attempt.number,
            status_code=result.status_code,
            error=result.error,
            retry_after_seconds=result.retry_after_seconds,
        )

    @activity.defn(name=GIVE_UP)
    async def give_up(self, input: GiveUpInput) -> GiveUpResult:
        return GiveUpResult(endpoint_disabled=await self._store.give_up(_target(input.target)))
