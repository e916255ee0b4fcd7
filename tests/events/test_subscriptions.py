"""Live events over graphql-transport-ws: tenancy, replay seam, ordering."""

from __future__ import annotations

import uuid
from collections import defaultdict

from tests.api.conftest import Api, Tenant
from tests.helpers.events import EVENTS, DispatcherControl, WsClient

CREATE_AGENT = """mutation($u:String!){createAgent(input:{username:$u,password:"agent-password-1"})
{id}}"""
UPDATE_AGENT = "mutation($id:UUID!,$n:String!){updateAgent(input:{id:$id,name:$n}){id}}"


async def _agent(api: Api, tenant: Tenant) -> str:
    data = await api.ok(CREATE_AGENT, {"u": f"a-{uuid.uuid4().hex[:10]}"}, auth=tenant.auth)
    return str(data["createAgent"]["id"])


async def _events(ws: WsClient, op: str, count: int) -> list[dict[str, object]]:
    out = []
    for _ in range(count):
        msg = await ws.next(op)
        assert msg["type"] == "next", msg
        out.append(msg["payload"]["data"]["events"])
    return out


async def test_customer_topic_receives_agent_events(
    base_url: str, api: Api, tenant: Tenant, dispatcher: DispatcherControl
) -> None:
    # given a subscriber to its own customer's agent topic
    ws = await WsClient.open(base_url, tenant.auth)
    op = await ws.subscribe(EVENTS, {"topics": [f"customer_id:{tenant.customer_id}:agent:*"]})
    # when an agent is created and renamed
    agent_id = await _agent(api, tenant)
    await api.ok(UPDATE_AGENT, {"id": agent_id, "n": "Renamed"}, auth=tenant.auth)
    # then both events arrive, in sequence, with the envelope fields
    created, updated = await _events(ws, op, 2)
    assert (created["eventType"], updated["eventType"]) == ("agent_created", "agent_updated")
    assert created["resourceId"] == updated["resourceId"] == agent_id
    assert updated["sequence"] == created["sequence"] + 1  # type: ignore[operator]
    assert updated["data"]["name"] == "Renamed"  # type: ignore[index]
    assert "password_hash" not in updated["data"]  # type: ignore[operator]
    await ws.close()
