"""Audit entries: logins, refresh, keys and every mutation with before/after."""

from __future__ import annotations

from tests.api.conftest import Api, Tenant

LOGS = """query($a:String){auditLogs(first:100, filter:{action:$a}){totalCount
  edges{node{action actorType actorId resourceType resourceId before after requestId sourceIp agent{id}}}}}"""


async def _entries(api: Api, tenant: Tenant, action: str) -> list[dict]:  # type: ignore[type-arg]
    data = await api.ok(LOGS, {"a": action}, auth=tenant.auth)
    return [e["node"] for e in data["auditLogs"]["edges"]]


async def test_mutations_are_audited_with_before_after_request_id_and_ip(
    api: Api, tenant: Tenant
) -> None:
    resp = await api.post(
        {"query": 'mutation{updateCustomer(input:{detail:"new detail"}){id}}'},
        auth=tenant.auth,
        headers={"X-Request-ID": "req-audit-123"},
    )
    assert resp.headers["x-request-id"] == "req-audit-123"
    [entry] = await _entries(api, tenant, "customer.update")
    assert entry["before"]["detail"] == "" and entry["after"]["detail"] == "new detail"
    assert "webhook_secret" not in entry["after"]
    assert entry["requestId"] == "req-audit-123"
    assert entry["sourceIp"] == "203.0.113.7"
    assert entry["actorType"] == "agent" and entry["agent"]["id"] == tenant.agent_id


async def test_logins_refresh_and_keys_are_audited(api: Api, tenant: Tenant) -> None:
    await api.gql('mutation{login(username:"%s",password:"bad-password"){token}}' % tenant.username)
    await api.ok(
        "mutation($t:String!){refreshToken(input:{refreshToken:$t}){token}}",
        {"t": tenant.refresh_token},
    )
    key = await api.ok(
        'mutation{createAccessKey(input:{name:"k"}){accessKey{id}}}', auth=tenant.auth
    )
    key_id = key["createAccessKey"]["accessKey"]["id"]
    await api.ok(
        "mutation($id:UUID!){revokeAccessKey(id:$id){id}}", {"id": key_id}, auth=tenant.auth
    )
    fresh = await api.login(tenant.username, tenant.password)
    auth = f"Bearer {fresh['token']}"
    tenant.token = fresh["token"]
    assert len(await _entries(api, tenant, "auth.login")) >= 2
    [failed] = await _entries(api, tenant, "auth.login_failed")
    assert failed["after"]["reason"] == "credentials" and failed["actorId"] == tenant.agent_id
    assert len(await _entries(api, tenant, "auth.refresh")) == 1
    [created] = await _entries(api, tenant, "accesskey.create")
    [revoked] = await _entries(api, tenant, "accesskey.revoke")
    assert created["resourceId"] == revoked["resourceId"] == key_id
    assert revoked["before"]["tm_revoke"] is None and revoked["after"]["tm_revoke"] is not None
    assert "token_hash" not in created["after"]
    assert auth
