"""Activity contracts of webhook delivery: names, inputs/results and typed stubs.

Workflows call these stubs; `activities/webhooks.py` registers the implementations
under the same names (a test checks both sides match).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from temporalio import activity

DELIVER = "webhooks.deliver"
GIVE_UP = "webhooks.give_up"

DELIVERED = "delivered"
RETRY = "retry"
PERMANENT = "permanent"


@dataclass(frozen=True)
class DeliveryTarget:
    """Which event goes to which endpoint; `webhook_id` is None for the customer's URL."""

    customer_id: UUID
    event_id: UUID
    event_type: str
    target_id: UUID
    webhook_id: UUID | None = None


@dataclass(frozen=True)
class DeliverInput:
    target: DeliveryTarget


@dataclass(frozen=True)
class DeliverResult:
    outcome: str  # DELIVERED | RETRY | PERMANENT
    attempt_number: int
    status_code: int | None = None
    error: str = ""
    retry_after_seconds: float | None = None


@dataclass(frozen=True)
class GiveUpInput:
    target: DeliveryTarget


@dataclass(frozen=True)
class GiveUpResult:
    endpoint_disabled: bool


@activity.defn(name=DELIVER)
async def deliver(input: DeliverInput) -> DeliverResult:
    """One signed attempt, recorded; says whether to retry."""
    ...
    raise NotImplementedError


@activity.defn(name=GIVE_UP)
async def give_up(input: GiveUpInput) -> GiveUpResult:
    """Marks the delivery failed; disables an endpoint that failed for the whole window."""
    ...
    raise NotImplementedError
