"""One signed HTTP request to a webhook target, classified for the retry schedule."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

from voipbin.webhooks.signing import sign
from voipbin.webhooks.ssrf import UrlGuard, UrlRefused

RESPONSE_EXCERPT_BYTES = 1024
USER_AGENT = "VoIPBIN-Webhooks/1"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    uri: str
    method: str
    secret: str
    event_type: str
    delivery_id: str
    body: bytes


@dataclass(frozen=True, slots=True)
class AttemptResult:
    outcome: Outcome
    status_code: int | None
    latency_ms: float
    error: str
    response_body: str
    retry_after_seconds: float | None


def classify(status: int) -> Outcome:
    """2xx delivered; 5xx, 408 and 429 retried; anything else (4xx, 3xx) is final."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status >= 500 or status in (408, 429):
        return Outcome.RETRY
    return Outcome.PERMANENT


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _excerpt(content: bytes) -> str:
    return content[:RESPONSE_EXCERPT_BYTES].decode("utf-8", errors="replace")


async def send(client: httpx.AsyncClient, guard: UrlGuard, req: WebhookRequest) -> AttemptResult:
    """Sends once (redirects are not followed) and says what the schedule should do next."""
    started = time.perf_counter()

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000, 3)

    try:
        await guard.resolve(req.uri)
    except UrlRefused as exc:
        return AttemptResult(Outcome.PERMANENT, None, elapsed(), str(exc), "", None)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-VoIPBIN-Signature": sign(req.secret, timestamp, req.body),
        "X-VoIPBIN-Timestamp": timestamp,
        "X-VoIPBIN-Event": req.event_type,
        "X-VoIPBIN-Delivery": req.delivery_id,
    }
    try:
        async with client.stream(
            req.method, req.uri, content=req.body, headers=headers, follow_redirects=False
        ) as response:
            content = b""
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) >= RESPONSE_EXCERPT_BYTES:
                    break
    except httpx.TimeoutException:
        return AttemptResult(Outcome.RETRY, None, elapsed(), "timed out", "", None)
    except UrlRefused as exc:  # the address changed since the check (DNS rebinding)
        return AttemptResult(Outcome.PERMANENT, None, elapsed(), str(exc), "", None)
    except httpx.HTTPError as exc:
        message = f"connection error: {type(exc).__name__}: {exc}"[:1024]
        return AttemptResult(Outcome.RETRY, None, elapsed(), message, "", None)
    outcome = classify(response.status_code)
    error = ""
    if outcome is not Outcome.DELIVERED:
        error = f"HTTP {response.status_code}"
        if 300 <= response.status_code < 400:
            error += " (redirects are not followed)"
    retry_after = None
    if outcome is Outcome.RETRY:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    return AttemptResult(
        outcome, response.status_code, elapsed(), error, _excerpt(content), retry_after
    )
