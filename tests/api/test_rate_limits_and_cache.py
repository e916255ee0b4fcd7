"""Token-bucket limits and cache-aside, including Redis being down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.conftest import (
    ROOT_PASSWORD,
    ROOT_USER,
    Api,
    Tenant,
    _client,
    error_code,
    new_tenant,
)
from tests.helpers.ports import free_port
from voipbin.config import Settings
from voipbin.keys import resource_key
from voipbin.services import Services, build_services

ME = "{ me { customer { name } } }"


@pytest.fixture
async def tight_api(settings: Settings) -> AsyncIterator[tuple[Api, Services]]:
    tight = settings.model_copy(deep=True)
    tight.limits.api_per_minute = 3
    tight.limits.burst_factor = 1.0
    svc = build_services(tight)
    async for client in _client(tight, svc):
        yield client, svc
    await svc.close()


async def test_api_limit_answers_rate_limited_with_retry_after(
    tight_api: tuple[Api, Services], api: Api, root_auth: str
) -> None:
    client, _ = tight_api
    tenant = await new_tenant(api, root_auth)
    for _ in range(3):
        await client.ok(ME, auth=tenant.auth)
    resp = await client.post({"query": ME}, auth=tenant.auth)
    body = resp.json()
    assert resp.status_code == 429
    assert error_code(body) == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["retryAfter"] >= 1
    assert resp.headers["retry-after"] == str(body["errors"][0]["extensions"]["retryAfter"])
    # another customer has its own bucket
    other = await new_tenant(api, root_auth)
    await client.ok(ME, auth=other.auth)


async def test_login_limit_is_per_ip_and_username(api: Api, tenant: Tenant) -> None:
    q = 'mutation($u:String!){login(username:$u,password:"wrong-password"){token}}'
    # 10/min with burst 2x = 20 tokens; the fixture's own login took one
    codes = [error_code(await api.gql(q, {"u": tenant.username})) for _ in range(20)]
    assert codes[:19] == ["UNAUTHENTICATED"] * 19
    assert codes[19] == "RATE_LIMITED"
    # even the right password waits now; a different username does not
    right = await api.gql(
        "mutation($u:String!,$p:String!){login(username:$u,password:$p){token}}",
        {"u": tenant.username, "p": tenant.password},
    )
    assert error_code(right) == "RATE_LIMITED"
    assert error_code(await api.gql(q, {"u": "someone-else"})) == "UNAUTHENTICATED"


async def test_updates_invalidate_the_cached_customer(
    api: Api, tenant: Tenant, services: Services
) -> None:
    await api.ok(ME, auth=tenant.auth)
    key = resource_key("customer", tenant.customer_id)
    assert await services.redis.exists(key)
    await api.ok('mutation{updateCustomer(input:{name:"Renamed"}){name}}', auth=tenant.auth)
    assert not await services.redis.exists(key)
    assert (await api.ok(ME, auth=tenant.auth))["me"]["customer"]["name"] == "Renamed"


async def test_redis_down_means_slower_not_broken(
    settings: Settings, api: Api, root_auth: str
) -> None:
    """No Redis at all: logins, reads and writes still work from PostgreSQL (fail open)."""
    tenant = await new_tenant(api, root_auth)
    down = settings.model_copy(deep=True)
    down.redis_url = f"redis://127.0.0.1:{free_port()}/0"
    svc = build_services(down)
    try:
        async for client in _client(down, svc):
            # a session issued while Redis was up is checked against the DB family instead
            me = await client.ok(ME, auth=tenant.auth)
            assert me["me"]["customer"]["name"] == "Acme"
            fresh = await client.login(tenant.username, tenant.password)
            renamed = await client.ok(
                'mutation{updateCustomer(input:{name:"No Redis"}){name}}',
                auth=f"Bearer {fresh['token']}",
            )
            assert renamed["updateCustomer"]["name"] == "No Redis"
            await client.login(ROOT_USER, ROOT_PASSWORD)
            resp = await client.client.get("/ready")
            assert resp.status_code == 503 and resp.json()["checks"]["redis"]["ok"] is False
    finally:
        await svc.close()
