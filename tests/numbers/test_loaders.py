"""Number.callFlow / messageFlow go through the flow_by_id DataLoader: no N+1."""

from __future__ import annotations

from tests.api.conftest import Api, Tenant
from tests.api.test_dataloaders import count_statements
from tests.numbers.test_numbers_api import buy, new_flow, virtual_number
from voipbin.services import Services

NESTED = """
{ numbers(first: 100) { edges { node { number callFlow { name } messageFlow { name } } } } }
"""


async def _add(api: Api, tenant: Tenant, n: int) -> None:
    for i in range(n):
        flow_id = await new_flow(api, tenant, f"flow {i}")
        body = await buy(api, tenant, virtual_number(), callFlowId=flow_id, messageFlowId=flow_id)
        assert "errors" not in body, body


async def test_nested_flows_issue_a_constant_number_of_statements(
    api: Api, tenant: Tenant, services: Services
) -> None:
    await _add(api, tenant, 2)
    with count_statements(services) as few:
        small = await api.ok(NESTED, auth=tenant.auth)
    await _add(api, tenant, 10)
    with count_statements(services) as many:
        big = await api.ok(NESTED, auth=tenant.auth)
    assert len(small["numbers"]["edges"]) == 2 and len(big["numbers"]["edges"]) == 12
    assert all(e["node"]["callFlow"]["name"].startswith("flow") for e in big["numbers"]["edges"])
    assert len(many) == len(few), (few, many)
