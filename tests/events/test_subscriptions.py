"""Live events over graphql-transport-ws: tenancy, replay seam, ordering."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

from tests.api.conftest import Api, Tenant
from tests.helpers.events import EVENTS, DispatcherControl, WsClient
from voipbin.db import transaction
from voipbin.events.outbox import emit
from voipbin.services import Services

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
    # then both events arrive, in sequence, with the envelope fields (the tenant's own
    # admin agent_created may come first when the dispatcher is slow: it is not ours)
    ours: list[dict[str, object]] = []
    while len(ours) < 2:
        ours += [e for e in await _events(ws, op, 1) if e["resourceId"] == agent_id]
    created, updated = ours
    assert (created["eventType"], updated["eventType"]) == ("agent_created", "agent_updated")
    assert created["resourceId"] == updated["resourceId"] == agent_id
    assert updated["sequence"] == created["sequence"] + 1  # type: ignore[operator]
    assert updated["data"]["name"] == "Renamed"  # type: ignore[index]
    assert "password_hash" not in updated["data"]  # type: ignore[operator]
    await ws.close()


OTHER_SHAPES = [
    "",
    "customer_id",
    "customer_id:",
    "customer_id:*",
    "*",
    "customer_id:not-a-uuid",
    "customer_id:{a}:Agent",
    "customer_id:{a}:agent:not-a-uuid",
    "customer_id:{a}:agent:*:extra",
    "customer_id:{A}",  # upper-case UUID: not canonical
    "customer_id:{a}::",
    "customer_id:{a}:agent%:*",
    "account_id:{a}",
    "customer_id:{a}:" + "x" * 300,
    "customer_id:{a}\x00",
    " customer_id:{a}",
]


async def test_topics_of_another_customer_or_malformed_are_refused(
    base_url: str, api: Api, tenant: Tenant, other_tenant: Tenant, dispatcher: DispatcherControl
) -> None:
    a, b = tenant, other_tenant
    b_agent = await _agent(api, b)
    foreign = [
        f"customer_id:{b.customer_id}",
        f"customer_id:{b.customer_id}:agent",
        f"customer_id:{b.customer_id}:agent:*",
        f"customer_id:{b.customer_id}:agent:{b_agent}",
        f"agent_id:{b.agent_id}",
        f"agent_id:{b_agent}:agent:*",
        f"customer_id:{b.customer_id}:customer:{b.customer_id}",
    ]
    malformed = [t.format(a=a.customer_id, A=a.customer_id.upper()) for t in OTHER_SHAPES]
    ws = await WsClient.open(base_url, a.auth)
    # given one subscription per refused topic (each alone, and each beside a valid one)
    refusals: list[tuple[str, str]] = []
    for topic in foreign + malformed:
        for topics in ([topic], [f"customer_id:{a.customer_id}", topic]):
            op = await ws.subscribe(EVENTS, {"topics": topics})
            msg = await ws.next(op)
            assert msg["type"] in ("error", "next"), msg
            errors = msg["payload"] if msg["type"] == "error" else msg["payload"]["errors"]
            refusals.append((topic, errors[0]["extensions"]["code"]))
            if msg["type"] == "next":  # an error raised by the stream ends it
                assert (await ws.next(op))["type"] == "complete"
    # then every foreign topic is FORBIDDEN and every malformed one BAD_USER_INPUT
    for topic, code in refusals:
        expected = "FORBIDDEN" if topic in foreign else "BAD_USER_INPUT"
        assert code == expected, (topic, code)
    # and a valid subscription sees A's events only: B's event, committed first, never shows
    op = await ws.subscribe(EVENTS, {"topics": [f"customer_id:{a.customer_id}"]})
    await api.ok(UPDATE_AGENT, {"id": b_agent, "n": "B renamed"}, auth=b.auth)
    a_agent = await _agent(api, a)
    (event,) = await _events(ws, op, 1)
    assert (event["customerId"], event["resourceId"]) == (a.customer_id, a_agent)
    await ws.close()


async def test_agent_may_only_subscribe_to_itself(
    base_url: str, api: Api, tenant: Tenant, dispatcher: DispatcherControl
) -> None:
    username = f"plain-{uuid.uuid4().hex[:8]}"
    data = await api.ok(CREATE_AGENT, {"u": username}, auth=tenant.auth)
    login = await api.login(username, "agent-password-1")
    ws = await WsClient.open(base_url, f"Bearer {login['token']}")
    for topic, code in [
        (f"customer_id:{tenant.customer_id}", "FORBIDDEN"),  # customer-wide needs manager
        (f"agent_id:{tenant.agent_id}", "FORBIDDEN"),  # a colleague
    ]:
        op = await ws.subscribe(EVENTS, {"topics": [topic]})
        msg = await ws.next(op)
        errors = msg["payload"] if msg["type"] == "error" else msg["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == code, msg
    own = data["createAgent"]["id"]
    op = await ws.subscribe(EVENTS, {"topics": [f"agent_id:{own}:agent:{own}"]})
    await api.ok(UPDATE_AGENT, {"id": own, "n": "Me"}, auth=tenant.auth)
    (event,) = await _events(ws, op, 1)
    assert event["resourceId"] == own
    await ws.close()


async def test_reconnect_after_event_id_gets_exactly_the_missed_events(
    base_url: str, api: Api, tenant: Tenant, dispatcher: DispatcherControl
) -> None:
    topics = [f"customer_id:{tenant.customer_id}:agent:*"]
    ws = await WsClient.open(base_url, tenant.auth)
    op = await ws.subscribe(EVENTS, {"topics": topics})
    agent_id = await _agent(api, tenant)
    (seen,) = await _events(ws, op, 1)
    await ws.close()
    # while disconnected, three events happen
    for name in ("one", "two", "three"):
        await api.ok(UPDATE_AGENT, {"id": agent_id, "n": name}, auth=tenant.auth)
    # reconnecting after the last seen event replays exactly those three, then goes live
    ws = await WsClient.open(base_url, tenant.auth)
    op = await ws.subscribe(EVENTS, {"topics": topics, "after": seen["eventId"]})
    missed = await _events(ws, op, 3)
    assert [e["data"]["name"] for e in missed] == ["one", "two", "three"]  # type: ignore[index]
    assert [e["sequence"] for e in missed] == [seen["sequence"] + i for i in (1, 2, 3)]  # type: ignore[operator]
    await api.ok(UPDATE_AGENT, {"id": agent_id, "n": "live"}, auth=tenant.auth)
    (live,) = await _events(ws, op, 1)
    assert live["data"]["name"] == "live"  # type: ignore[index]
    assert live["sequence"] == missed[-1]["sequence"] + 1  # type: ignore[operator]
    await ws.close()


async def test_unknown_after_event_id_is_bad_input(base_url: str, tenant: Tenant) -> None:
    ws = await WsClient.open(base_url, tenant.auth)
    for after in (str(uuid.uuid4()), "not-an-id"):
        op = await ws.subscribe(
            EVENTS, {"topics": [f"customer_id:{tenant.customer_id}"], "after": after}
        )
        msg = await ws.next(op)
        errors = msg["payload"] if msg["type"] == "error" else msg["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", msg
        assert errors[0]["extensions"]["field"] == "afterEventId"
    await ws.close()


async def test_burst_of_1000_events_arrives_in_order_per_resource(
    base_url: str, tenant: Tenant, event_services: Services, dispatcher: DispatcherControl
) -> None:
    customer_id = uuid.UUID(tenant.customer_id)
    resources = [uuid.uuid4() for _ in range(10)]
    ws = await WsClient.open(base_url, tenant.auth)
    op = await ws.subscribe(EVENTS, {"topics": [f"customer_id:{customer_id}:burst"]})

    async def writer(resource_id: uuid.UUID) -> None:
        for i in range(100):
            async with transaction(event_services.sessions) as session:
                await emit(
                    session,
                    customer_id=customer_id,
                    event_type="burst_updated",
                    resource_type="burst",
                    resource_id=resource_id,
                    data={"i": i},
                )

    # when ten writers commit 1,000 events concurrently
    await asyncio.gather(*(writer(r) for r in resources))
    events = await _events(ws, op, 1000)
    # then every resource's events arrive complete, once each, in sequence order
    per_resource: dict[str, list[int]] = defaultdict(list)
    for e in events:
        per_resource[str(e["resourceId"])].append(int(e["data"]["i"]))  # type: ignore[index]
    assert set(per_resource) == {str(r) for r in resources}
    for seen in per_resource.values():
        assert seen == list(range(100))
    assert len({e["eventId"] for e in events}) == 1000
    await ws.close()


async def test_subscriptions_per_connection_are_limited(base_url: str, tenant: Tenant) -> None:
    ws = await WsClient.open(base_url, tenant.auth)
    topics = {"topics": [f"customer_id:{tenant.customer_id}"]}
    ops = [await ws.subscribe(EVENTS, topics) for _ in range(5)]
    extra = await ws.subscribe(EVENTS, topics)
    msg = await ws.next(extra)
    assert msg["type"] == "error" and "limit" in msg["payload"][0]["message"], msg
    assert all(ws.messages[o].empty() for o in ops)
    await ws.close()


async def test_agent_updated_follows_one_agent(
    base_url: str, api: Api, tenant: Tenant, dispatcher: DispatcherControl
) -> None:
    username = f"typed-{uuid.uuid4().hex[:8]}"
    own = (await api.ok(CREATE_AGENT, {"u": username}, auth=tenant.auth))["createAgent"]["id"]
    login = await api.login(username, "agent-password-1")
    ws = await WsClient.open(base_url, f"Bearer {login['token']}")
    op = await ws.subscribe(
        "subscription($id:UUID!){agentUpdated(id:$id){id name status}}", {"id": own}
    )
    other = await ws.subscribe(
        "subscription($id:UUID!){agentUpdated(id:$id){id}}", {"id": tenant.agent_id}
    )
    refused = await ws.next(other)
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    status = "mutation($id:UUID!){updateAgent(input:{id:$id,status:AVAILABLE}){id}}"
    await api.ok(status, {"id": own}, auth=tenant.auth)
    msg = await ws.next(op)
    assert msg["payload"]["data"]["agentUpdated"] == {"id": own, "name": "", "status": "AVAILABLE"}
    await ws.close()
