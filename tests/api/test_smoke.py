from __future__ import annotations

from tests.api.conftest import Api, Tenant


async def test_me_returns_the_callers_customer_and_agent(api: Api, tenant: Tenant) -> None:
    data = await api.ok(
        "{ me { customer { id name } agent { id username permissions } permissions } }",
        auth=tenant.auth,
    )
    assert data["me"]["customer"]["id"] == tenant.customer_id
    assert data["me"]["agent"]["username"] == tenant.username
    assert data["me"]["permissions"] == ["CUSTOMER_ADMIN"]
