"""Pure rules of webhooks and topics: classification, Retry-After, signing, SSRF, grammar."""

from __future__ import annotations

import ipaddress
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.helpers.events import served
from voipbin.config import Settings
from voipbin.errors import InvalidInput
from voipbin.events.hub import ConnectionBudget
from voipbin.events.topics import Scope, parse_topic
from voipbin.webhooks.sender import Outcome, classify, parse_retry_after
from voipbin.webhooks.signing import sign, verify
from voipbin.webhooks.ssrf import UrlGuard, UrlRefused, guarded_client


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (400, Outcome.PERMANENT),
        (401, Outcome.PERMANENT),
        (404, Outcome.PERMANENT),
        (410, Outcome.PERMANENT),
        (301, Outcome.PERMANENT),
        (302, Outcome.PERMANENT),
    ],
)
def test_status_classification(status: int, outcome: Outcome) -> None:
    assert classify(status) is outcome


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30)), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30)), now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_signature_covers_timestamp_and_body() -> None:
    sig = sign("whsec_x", "1700000000", b'{"a":1}')
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert verify("whsec_x", "1700000000", b'{"a":1}', sig)
    assert not verify("whsec_x", "1700000001", b'{"a":1}', sig)
    assert not verify("whsec_x", "1700000000", b'{"a":2}', sig)
    assert not verify("whsec_y", "1700000000", b'{"a":1}', sig)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "192.0.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "240.0.0.1",
        "255.255.255.255",
        "224.0.0.1",
        "::",
        "::1",
        "fc00::1",
        "fd00:ec2::254",
        "fe80::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_guard_refuses_non_public_addresses(address: str) -> None:
    guard = UrlGuard(Settings(environment="test"))  # type: ignore[call-arg]
    assert not guard.address_allowed(ipaddress.ip_address(address))


def test_guard_allows_public_and_allowlisted() -> None:
    settings = Settings(environment="test")  # type: ignore[call-arg]
    guard = UrlGuard(settings)
    assert guard.address_allowed(ipaddress.ip_address("93.184.216.34"))
    assert guard.address_allowed(ipaddress.ip_address("2606:4700::1111"))
    settings.webhooks.allow_cidrs = ["127.0.0.0/8"]
    assert UrlGuard(settings).address_allowed(ipaddress.ip_address("127.0.0.1"))
    assert not UrlGuard(settings).address_allowed(ipaddress.ip_address("10.0.0.1"))


async def test_guard_resolves_names_and_checks_every_address() -> None:
    guard = UrlGuard(Settings(environment="test"))  # type: ignore[call-arg]
    for url in (
        "http://localhost/",
        "http://127.0.0.1:8080/x",
        "http://[::1]/",
        "gopher://example.com/",
        "http:///nohost",
        "http://name.invalid/",
    ):
        with pytest.raises(UrlRefused):
            await guard.resolve(url)
    with pytest.raises(InvalidInput) as info:
        await guard.check("uri", "http://127.0.0.1/")
    assert info.value.field == "uri"
    allowed = Settings(environment="test")  # type: ignore[call-arg]
    allowed.webhooks.allow_hosts = ["localhost"]
    assert await UrlGuard(allowed).resolve("http://localhost/")


async def test_the_customer_client_connects_only_to_addresses_the_guard_approves() -> None:
    # given: a local server, which only an allowlisted guard may reach
    async def hello(_: object) -> PlainTextResponse:
        return PlainTextResponse("hello")

    allowed = Settings(environment="test")  # type: ignore[call-arg]
    allowed.webhooks.allow_cidrs = ["127.0.0.0/8"]
    strict = Settings(environment="test")  # type: ignore[call-arg]
    async with served(Starlette(routes=[Route("/", hello)])) as base:
        port = base.rsplit(":", 1)[1]
        async with guarded_client(UrlGuard(allowed), 5) as client:
            assert (await client.get(f"http://localhost:{port}/")).text == "hello"
        # when: no save-time or pre-attempt check runs at all (as if DNS had changed
        # between the check and the connection), the connection itself is refused
        async with guarded_client(UrlGuard(strict), 5) as client:
            for url in (base, f"http://localhost:{port}/", f"http://[::ffff:127.0.0.1]:{port}/"):
                with pytest.raises(UrlRefused):
                    await client.get(url)


def test_topic_grammar() -> None:
    cid, rid = uuid.uuid4(), uuid.uuid4()
    t = parse_topic(f"customer_id:{cid}:call:{rid}")
    assert (t.scope, t.scope_id, t.resource, t.resource_id) == (Scope.CUSTOMER, cid, "call", rid)
    assert parse_topic(f"agent_id:{cid}:call:*").resource_id is None
    assert parse_topic(f"customer_id:{cid}").resource is None
    for bad in (
        "",
        "x",
        f"customer_id:{cid}:CALL",
        f"customer_id:{cid}:call:{rid}:x",
        f"customer_id:{str(cid).upper()}",
        f"customer_id:{cid}:call:nope",
        f"user_id:{cid}",
        f"customer_id:{cid.hex}",
        "customer_id:*",
    ):
        with pytest.raises(InvalidInput) as info:
            parse_topic(bad)
        assert info.value.field == "topics"


def test_connection_budget_overflows_once() -> None:
    calls: list[int] = []
    budget = ConnectionBudget(2, lambda: calls.append(1))
    assert budget.take() and budget.take()
    assert not budget.take()
    assert not budget.take()
    assert calls == [1]
    budget.give_back()
    assert not budget.take()  # an overflowed connection is being closed: it stays closed
