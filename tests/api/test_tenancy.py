"""Another customer's resource is NOT_FOUND, byte-identical to a missing one."""

from __future__ import annotations

import uuid

from tests.api.conftest import Api, Tenant, error_code


async def test_foreign_ids_look_exactly_like_missing_ones(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    key = (
        await api.ok(
            'mutation{createAccessKey(input:{name:"b"}){accessKey{id}}}', auth=other_tenant.auth
        )
    )["createAccessKey"]["accessKey"]["id"]
    cases = [
        ("query($id:UUID!){agent(id:$id){id}}", other_tenant.agent_id),
        ("query($id:UUID!){accessKey(id:$id){id}}", key),
        ("mutation($id:UUID!){revokeAccessKey(id:$id){id}}", key),
        ("mutation($id:UUID!){deleteAgent(id:$id){id}}", other_tenant.agent_id),
        ('mutation($id:UUID!){updateAgent(input:{id:$id,name:"x"}){id}}', other_tenant.agent_id),
        ("query($id:UUID){customer(id:$id){id}}", other_tenant.customer_id),
    ]
    for query, foreign in cases:
        theirs = await api.gql(query, {"id": foreign}, auth=tenant.auth)
        missing = await api.gql(query, {"id": str(uuid.uuid4())}, auth=tenant.auth)
        assert error_code(theirs) == "NOT_FOUND", (query, theirs)
        assert theirs["errors"][0]["message"] == missing["errors"][0]["message"]
    # and nothing of theirs changed
    still = await api.ok(
        '{agent(id:"%s"){id name}}' % other_tenant.agent_id, auth=other_tenant.auth
    )
    assert still["agent"]["name"] != "x"
    assert (await api.ok('{accessKey(id:"%s"){revokedAt}}' % key, auth=other_tenant.auth))[
        "accessKey"
    ]["revokedAt"] is None


async def test_lists_only_show_the_callers_rows(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = await api.ok("{agents{totalCount edges{node{customerId}}}}", auth=tenant.auth)
    assert {e["node"]["customerId"] for e in mine["agents"]["edges"]} == {tenant.customer_id}
    logs = await api.ok(
        "{auditLogs(first:100){edges{node{resourceId agent{customerId}}}}}", auth=tenant.auth
    )
    for edge in logs["auditLogs"]["edges"]:
        agent = edge["node"]["agent"]
        assert agent is None or agent["customerId"] == tenant.customer_id


async def test_platform_admin_can_read_any_customer(
    api: Api, root_auth: str, tenant: Tenant
) -> None:
    got = await api.ok(
        "query($id:UUID){customer(id:$id){id}}", {"id": tenant.customer_id}, auth=root_auth
    )
    assert got["customer"]["id"] == tenant.customer_id
    listed = await api.ok("{customers(first:100){totalCount}}", auth=root_auth)
    assert listed["customers"]["totalCount"] >= 1
    assert error_code(await api.gql("{customers{totalCount}}", auth=tenant.auth)) == "FORBIDDEN"
