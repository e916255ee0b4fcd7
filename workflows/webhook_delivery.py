"""WebhookDeliveryWorkflow: one event to one endpoint, on the retry schedule of DESIGN §7.

Attempt k waits `delays[k]` (then `every`) after the previous one, or longer when the
receiver sent `Retry-After`; attempts stop once the next would start after `window`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contracts.webhooks import (
        DELIVERED,
        PERMANENT,
        RETRY,
        DeliverInput,
        DeliveryTarget,
        GiveUpInput,
        deliver,
        give_up,
    )

# Infrastructure failures (database down, worker lost) are retried by Temporal; HTTP
# outcomes are results, so the schedule below stays the only HTTP retry policy.
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=10,
)
ACTIVITY_MARGIN = timedelta(seconds=15)


@dataclass(frozen=True)
class RetrySchedule:
    delays_seconds: list[float]
    every_seconds: float
    window_seconds: float
    request_timeout_seconds: float

    def delay_before(self, attempt_index: int) -> float:
        if attempt_index < len(self.delays_seconds):
            return self.delays_seconds[attempt_index]
        return self.every_seconds


@dataclass(frozen=True)
class WebhookDeliveryInput:
    target: DeliveryTarget
    schedule: RetrySchedule


@dataclass
class AttemptSummary:
    number: int
    outcome: str
    status_code: int | None
    error: str


@dataclass
class WebhookDeliveryResult:
    status: str  # DELIVERED | PERMANENT | "failed" (window exhausted)
    attempts: list[AttemptSummary] = field(default_factory=list)
    endpoint_disabled: bool = False


WINDOW_EXHAUSTED = "failed"


@workflow.defn(name="WebhookDeliveryWorkflow")
class WebhookDeliveryWorkflow:
    def __init__(self) -> None:
        self._attempts: list[AttemptSummary] = []

    @workflow.run
    async def run(self, input: WebhookDeliveryInput) -> WebhookDeliveryResult:
        schedule = input.schedule
        timeout = timedelta(seconds=schedule.request_timeout_seconds) + ACTIVITY_MARGIN
        started = workflow.now()
        retry_after = 0.0
        index = 0
        while True:
            delay = max(schedule.delay_before(index), retry_after)
            elapsed = (workflow.now() - started).total_seconds()
            if index > 0 and elapsed + delay > schedule.window_seconds:
                break
            if delay > 0:
                await workflow.sleep(delay)
            result = await workflow.execute_activity(
                deliver,
                DeliverInput(input.target),
                start_to_close_timeout=timeout,
                retry_policy=ACTIVITY_RETRY,
            )
            self._attempts.append(
                AttemptSummary(
                    result.attempt_number, result.outcome, result.status_code, result.error
                )
            )
            if result.outcome in (DELIVERED, PERMANENT):
                return WebhookDeliveryResult(result.outcome, self._attempts)
            assert result.outcome == RETRY
            retry_after = result.retry_after_seconds or 0.0
            index += 1
        gave_up = await workflow.execute_activity(
            give_up,
            GiveUpInput(input.target),
            start_to_close_timeout=ACTIVITY_MARGIN,
            retry_policy=ACTIVITY_RETRY,
        )
        return WebhookDeliveryResult(WINDOW_EXHAUSTED, self._attempts, gave_up.endpoint_disabled)

    @workflow.query(name="attempts")
    def attempts(self) -> list[AttemptSummary]:
        return list(self._attempts)
