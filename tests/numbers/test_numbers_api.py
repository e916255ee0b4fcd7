"""Numbers over GraphQL: buy from the local inventory, attach flows, release, tenancy."""

from __future__ import annotations

import random
import uuid
from typing import Any

from tests.api.conftest import Api, Tenant, error_code
from tests.flows.helpers import audit_actions, event_types
from voipbin.services import Services

NUMBER_FIELDS = (
    "id number type status name detail callFlowId messageFlowId tmPurchase tmRenew "
    "callFlow { id name }"
)
CREATE = (
    f"mutation($input: CreateNumberInput!) {{ createNumber(input: $input) {{ {NUMBER_FIELDS} }} }}"
)
UPDATE = (
    f"mutation($input: UpdateNumberInput!) {{ updateNumber(input: $input) {{ {NUMBER_FIELDS} }} }}"
)
DELETE = "mutation($id: UUID!) { deleteNumber(id: $id) { id status } }"
GET = f"query($id: UUID!) {{ number(id: $id) {{ {NUMBER_FIELDS} }} }}"
LIST = """
query($filter: NumberFilter) {
  numbers(first: 100, filter: $filter) { totalCount edges { node { id number callFlow { name } } } }
}
"""
AVAILABLE = """
query($c: String!, $t: NumberType, $n: Int) {
  availableNumbers(countryCode: $c, type: $t, first: $n) { number country features }
}
"""
CREATE_FLOW = "mutation($input: CreateFlowInput!) { createFlow(input: $input) { id } }"


async def new_flow(api: Api, tenant: Tenant, name: str = "inbound") -> str:
    data = await api.ok(
        CREATE_FLOW, {"input": {"name": name, "actions": [{"type": "answer"}]}}, auth=tenant.auth
    )
    return str(data["createFlow"]["id"])


async def free_number(api: Api, tenant: Tenant, country: str = "US") -> str:
    data = await api.ok(AVAILABLE, {"c": country, "n": 1}, auth=tenant.auth)
    return str(data["availableNumbers"][0]["number"])


def virtual_number() -> str:
    return f"+8991{random.randrange(10**8):08d}"


async def buy(api: Api, tenant: Tenant, number: str, **kw: Any) -> dict[str, Any]:
    return await api.gql(CREATE, {"input": {"number": number, **kw}}, auth=tenant.auth)


async def test_buy_attach_update_release(api: Api, tenant: Tenant, services: Services) -> None:
    # given a flow and a number offered by the local inventory
    flow_id = await new_flow(api, tenant)
    number = await free_number(api, tenant)
    # when it is bought with the flow attached
    body = await buy(api, tenant, number, callFlowId=flow_id, name="main line")
    row = body["data"]["createNumber"]
    # then it is active, normal, and routes to the flow
    assert row["number"] == number and row["type"] == "NORMAL" and row["status"] == "ACTIVE"
    assert row["callFlow"] == {"id": flow_id, "name": "inbound"}
    assert row["tmPurchase"] and row["tmRenew"]
    offered = await api.ok(AVAILABLE, {"c": "US", "n": 100}, auth=tenant.auth)
    assert number not in [a["number"] for a in offered["availableNumbers"]]
    found = await services.numbers.find_active_by_number(number)
    assert found is not None and str(found.customer_id) == tenant.customer_id
    # when the flow is detached (nil UUID) and renamed
    nil = str(uuid.UUID(int=0))
    upd = await api.ok(
        UPDATE, {"input": {"id": row["id"], "callFlowId": nil, "name": "x"}}, auth=tenant.auth
    )
    assert upd["updateNumber"]["callFlowId"] is None and upd["updateNumber"]["name"] == "x"
    # when released, it is gone and back in the inventory
    gone = await api.ok(DELETE, {"id": row["id"]}, auth=tenant.auth)
    assert gone["deleteNumber"]["status"] == "DELETED"
    assert error_code(await api.gql(GET, {"id": row["id"]}, auth=tenant.auth)) == "NOT_FOUND"
    assert await services.numbers.find_active_by_number(number) is None
    offered = await api.ok(AVAILABLE, {"c": "US", "n": 100}, auth=tenant.auth)
    assert number in [a["number"] for a in offered["availableNumbers"]]
    assert await event_types(services, row["id"]) == [
        "number_created",
        "number_updated",
        "number_deleted",
    ]
    assert await audit_actions(services, row["id"]) == [
        "number.create",
        "number.update",
        "number.delete",
    ]


async def test_a_number_owned_by_anyone_is_a_conflict(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    number = await free_number(api, other_tenant, "GB")
    assert "errors" not in await buy(api, other_tenant, number)
    assert error_code(await buy(api, tenant, number)) == "CONFLICT"
    assert error_code(await buy(api, other_tenant, number)) == "CONFLICT"


async def test_another_customers_number_is_not_found(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = (await buy(api, other_tenant, virtual_number()))["data"]["createNumber"]["id"]
    nobody = str(uuid.uuid4())
    for doc, variables in (
        (GET, lambda i: {"id": i}),
        (UPDATE, lambda i: {"input": {"id": i, "name": "mine now"}}),
        (DELETE, lambda i: {"id": i}),
    ):
        mine = await api.gql(doc, variables(theirs), auth=tenant.auth)
        missing = await api.gql(doc, variables(nobody), auth=tenant.auth)
        assert error_code(mine) == "NOT_FOUND"
        assert mine["errors"][0]["message"] == missing["errors"][0]["message"]
    listed = await api.ok(LIST, {}, auth=tenant.auth)
    assert listed["numbers"]["totalCount"] == 0
    still = await api.ok(GET, {"id": theirs}, auth=other_tenant.auth)
    assert still["number"]["name"] == ""


async def test_flows_of_another_customer_are_refused(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await new_flow(api, other_tenant)
    body = await buy(api, tenant, virtual_number(), callFlowId=theirs)
    assert error_code(body) == "NOT_FOUND"
    body = await buy(api, tenant, virtual_number(), messageFlowId=theirs)
    assert error_code(body) == "NOT_FOUND"
    mine = (await buy(api, tenant, virtual_number()))["data"]["createNumber"]["id"]
    body = await api.gql(UPDATE, {"input": {"id": mine, "callFlowId": theirs}}, auth=tenant.auth)
    assert error_code(body) == "NOT_FOUND"
    assert (await api.ok(LIST, {}, auth=tenant.auth))["numbers"]["totalCount"] == 1


async def test_virtual_numbers_and_bad_numbers(api: Api, tenant: Tenant) -> None:
    virtual = virtual_number()
    row = (await buy(api, tenant, virtual))["data"]["createNumber"]
    assert row["type"] == "VIRTUAL"
    offered = await api.ok(AVAILABLE, {"c": "", "t": "VIRTUAL", "n": 2}, auth=tenant.auth)
    assert all(a["number"].startswith("+899") for a in offered["availableNumbers"])
    for number, field in (
        ("5551234", "number"),
        ("+899000123456", "number"),
        ("+12025550123", "number"),  # a real number the local inventory does not sell
    ):
        body = await buy(api, tenant, number)
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    body = await buy(api, tenant, virtual_number(), type="NORMAL")
    assert body["errors"][0]["extensions"]["field"] == "type"
    body = await api.gql(AVAILABLE, {"c": "Narnia"}, auth=tenant.auth)
    assert body["errors"][0]["extensions"]["field"] == "countryCode"


async def test_list_filters(api: Api, tenant: Tenant) -> None:
    flow_id = await new_flow(api, tenant, "sales")
    first = virtual_number()
    await buy(api, tenant, first, callFlowId=flow_id)
    await buy(api, tenant, virtual_number())
    by_flow = await api.ok(LIST, {"filter": {"callFlowId": flow_id}}, auth=tenant.auth)
    assert [e["node"]["number"] for e in by_flow["numbers"]["edges"]] == [first]
    assert by_flow["numbers"]["edges"][0]["node"]["callFlow"] == {"name": "sales"}
    by_number = await api.ok(LIST, {"filter": {"number": first}}, auth=tenant.auth)
    assert by_number["numbers"]["totalCount"] == 1
    everything = await api.ok(LIST, {}, auth=tenant.auth)
    assert everything["numbers"]["totalCount"] == 2
