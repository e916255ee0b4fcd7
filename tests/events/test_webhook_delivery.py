"""Webhook deliveries end to end: outbox → dispatcher → Temporal workflow → receiver."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from typing import Any

from tests.api.conftest import Api, Tenant, error_code
from tests.helpers.events import WAIT, DispatcherControl, Receiver
from voipbin.db import transaction
from voipbin.events.outbox import emit
from voipbin.services import Services

CREATE = """mutation($i:CreateWebhookInput!){createWebhook(input:$i)
{signingSecret webhook{id enabled eventTypes}}}"""
CREATE_AGENT = """mutation($u:String!){createAgent(input:{username:$u,password:"agent-password-1"})
{id}}"""
DELIVERIES = """query($f:WebhookDeliveryFilter){webhookDeliveries(filter:$f,first:50){totalCount
edges{node{id eventId eventType status attemptCount lastStatusCode webhookId
attempts{number statusCode latencyMs error responseBody tmAttempt}}}}}"""
WEBHOOK = "query($id:UUID!){webhook(id:$id){id enabled disabledReason}}"


def independent_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Written from DESIGN §9, not from voipbin.webhooks.signing."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


async def _endpoint(api: Api, tenant: Tenant, uri: str, types: list[str]) -> tuple[str, str]:
    data = await api.ok(CREATE, {"i": {"uri": uri, "eventTypes": types}}, auth=tenant.auth)
    return data["createWebhook"]["webhook"]["id"], data["createWebhook"]["signingSecret"]


async def _agent(api: Api, tenant: Tenant) -> str:
    data = await api.ok(CREATE_AGENT, {"u": f"w-{uuid.uuid4().hex[:10]}"}, auth=tenant.auth)
    return str(data["createAgent"]["id"])


async def _settled(api: Api, tenant: Tenant, webhook_id: str, count: int = 1) -> list[Any]:
    """The endpoint's deliveries once `count` of them reached a final status."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while True:
        data = await api.ok(DELIVERIES, {"f": {"webhookId": webhook_id}}, auth=tenant.auth)
        nodes = [e["node"] for e in data["webhookDeliveries"]["edges"]]
        final = [n for n in nodes if n["status"] in ("DELIVERED", "FAILED", "SKIPPED")]
        if len(final) >= count or asyncio.get_running_loop().time() > deadline:
            return nodes
        await asyncio.sleep(0.05)


async def test_500_twice_then_200_is_delivered_with_three_attempts_recorded(
    api: Api, tenant: Tenant, receiver: Receiver, dispatcher: DispatcherControl
) -> None:
    uri, script = receiver.endpoint(500, 500, 200)
    webhook_id, secret = await _endpoint(api, tenant, uri, ["agent_created"])
    agent_id = await _agent(api, tenant)
    (delivery,) = await _settled(api, tenant, webhook_id)
    assert delivery["status"] == "DELIVERED", delivery
    assert delivery["eventType"] == "agent_created"
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 500, 200]
    assert [a["number"] for a in delivery["attempts"]] == [1, 2, 3]
    assert delivery["attempts"][0]["responseBody"] == "status 500"
    assert delivery["attempts"][0]["error"] == "HTTP 500"
    # every request was the same signed event
    requests = [script.requests.get_nowait() for _ in range(3)]
    for headers, body in requests:
        ts = headers["x-voipbin-timestamp"]
        assert headers["x-voipbin-signature"] == independent_signature(secret, ts, body)
        assert headers["x-voipbin-event"] == "agent_created"
        assert headers["x-voipbin-delivery"] == delivery["id"]
        payload = json.loads(body)
        assert payload["id"] == delivery["eventId"]
        assert payload["type"] == "agent_created"
        assert payload["data"]["id"] == agent_id
    # a tampered body does not verify with the same signature
    headers, body = requests[-1]
    tampered = body.replace(agent_id.encode(), str(uuid.uuid4()).encode())
    assert (
        independent_signature(secret, headers["x-voipbin-timestamp"], tampered)
        != (headers["x-voipbin-signature"])
    )


async def test_404_is_not_retried_and_can_be_replayed(
    api: Api, tenant: Tenant, receiver: Receiver, dispatcher: DispatcherControl
) -> None:
    uri, script = receiver.endpoint(404)
    webhook_id, _ = await _endpoint(api, tenant, uri, ["agent_created"])
    await _agent(api, tenant)
    (delivery,) = await _settled(api, tenant, webhook_id)
    assert delivery["status"] == "FAILED"
    assert [a["statusCode"] for a in delivery["attempts"]] == [404]
    assert script.requests.qsize() == 1
    # replaying it sends again (the receiver now answers 200) and appends an attempt
    replay = "mutation($id:UUID!){replayWebhookDelivery(id:$id){id status}}"
    data = await api.ok(replay, {"id": delivery["id"]}, auth=tenant.auth)
    assert data["replayWebhookDelivery"]["status"] == "PENDING"
    (delivery,) = await _settled(api, tenant, webhook_id)
    assert delivery["status"] == "DELIVERED"
    assert [a["statusCode"] for a in delivery["attempts"]] == [404, 200]


async def test_429_honours_retry_after_and_is_retried(
    api: Api, tenant: Tenant, receiver: Receiver, dispatcher: DispatcherControl
) -> None:
    uri, _ = receiver.endpoint((429, {"Retry-After": "0"}), (408, {}), 200)
    webhook_id, _ = await _endpoint(api, tenant, uri, ["agent_created"])
    await _agent(api, tenant)
    (delivery,) = await _settled(api, tenant, webhook_id)
    assert [a["statusCode"] for a in delivery["attempts"]] == [429, 408, 200]


async def test_endpoint_failing_for_the_whole_window_is_disabled_then_replayed(
    api: Api, tenant: Tenant, receiver: Receiver, dispatcher: DispatcherControl
) -> None:
    uri, script = receiver.endpoint(*([503] * 1000))
    webhook_id, _ = await _endpoint(api, tenant, uri, ["agent_created"])
    await _agent(api, tenant)
    (delivery,) = await _settled(api, tenant, webhook_id)
    assert delivery["status"] == "FAILED"
    assert delivery["attemptCount"] >= 3
    hook = (await api.ok(WEBHOOK, {"id": webhook_id}, auth=tenant.auth))["webhook"]
    assert hook["enabled"] is False and "whole retry window" in hook["disabledReason"]
    # while disabled, a new event is recorded as skipped
    await _agent(api, tenant)
    nodes = await _settled(api, tenant, webhook_id, count=2)
    assert sorted(n["status"] for n in nodes) == ["FAILED", "SKIPPED"]
    missed = "query($id:UUID!){webhookMissedDeliveryCount(id:$id)}"
    assert (await api.ok(missed, {"id": webhook_id}, auth=tenant.auth))[
        "webhookMissedDeliveryCount"
    ] == 2
    # re-enabled, with a healthy receiver, replaying what it missed delivers both
    script.responses.clear()
    enable = "mutation($id:UUID!){updateWebhook(input:{id:$id,enabled:true}){enabled}}"
    await api.ok(enable, {"id": webhook_id}, auth=tenant.auth)
    replay = "mutation($id:UUID!){replayMissedWebhookDeliveries(id:$id)}"
    assert (await api.ok(replay, {"id": webhook_id}, auth=tenant.auth))[
        "replayMissedWebhookDeliveries"
    ] == 2
    deadline = asyncio.get_running_loop().time() + WAIT
    while True:
        nodes = await _settled(api, tenant, webhook_id, count=2)
        if all(n["status"] == "DELIVERED" for n in nodes) or (
            asyncio.get_running_loop().time() > deadline
        ):
            break
        await asyncio.sleep(0.05)
    assert [n["status"] for n in nodes] == ["DELIVERED", "DELIVERED"]
    audit = """query{auditLogs(first:50){edges{node{action actorType resourceId}}}}"""
    edges = (await api.ok(audit, auth=tenant.auth))["auditLogs"]["edges"]
    actions = {
        (e["node"]["action"], e["node"]["actorType"], e["node"]["resourceId"]) for e in edges
    }
    assert ("webhook.auto_disable", "system", webhook_id) in actions


async def test_test_webhook_sends_a_signed_ping(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    uri, script = receiver.endpoint(204)
    webhook_id, secret = await _endpoint(api, tenant, uri, ["nothing_happens"])
    ping = """mutation($id:UUID){testWebhook(id:$id){delivered statusCode latencyMs error}}"""
    result = (await api.ok(ping, {"id": webhook_id}, auth=tenant.auth))["testWebhook"]
    assert result["delivered"] is True and result["statusCode"] == 204
    headers, body = script.requests.get_nowait()
    assert headers["x-voipbin-event"] == "webhook_ping"
    assert headers["x-voipbin-signature"] == independent_signature(
        secret, headers["x-voipbin-timestamp"], body
    )


async def test_private_and_metadata_targets_are_refused_at_save_time(
    api: Api, tenant: Tenant
) -> None:
    for uri in (
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.1.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/",
        "ftp://example.com/",
        "http://localhost.invalid/",
    ):
        body = await api.gql(CREATE, {"i": {"uri": uri}}, auth=tenant.auth)
        assert error_code(body) == "BAD_USER_INPUT", (uri, body)
        assert body["errors"][0]["extensions"]["field"] == "uri"
    update = "mutation($u:String!){updateCustomer(input:{webhookUri:$u}){webhookUri}}"
    body = await api.gql(update, {"u": "http://172.16.0.1/"}, auth=tenant.auth)
    assert error_code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "webhookUri"


async def test_signing_secret_is_shown_once_and_rotates(
    api: Api, tenant: Tenant, receiver: Receiver
) -> None:
    uri, _ = receiver.endpoint()
    webhook_id, secret = await _endpoint(api, tenant, uri, ["nothing_happens"])
    rotate = "mutation($id:UUID!){rotateWebhookSigningSecret(id:$id){signingSecret}}"
    new = (await api.ok(rotate, {"id": webhook_id}, auth=tenant.auth))[
        "rotateWebhookSigningSecret"
    ]["signingSecret"]
    assert new != secret and new.startswith("whsec_")
    # the plain read has no secret field at all
    body = await api.gql(
        "query($id:UUID!){webhook(id:$id){signingSecret}}", {"id": webhook_id}, auth=tenant.auth
    )
    assert error_code(body) == "GRAPHQL_VALIDATION_FAILED"


async def test_another_customer_cannot_see_or_replay_deliveries(
    api: Api,
    tenant: Tenant,
    other_tenant: Tenant,
    receiver: Receiver,
    dispatcher: DispatcherControl,
) -> None:
    uri, _ = receiver.endpoint(200)
    webhook_id, _ = await _endpoint(api, tenant, uri, ["agent_created"])
    await _agent(api, tenant)
    (delivery,) = await _settled(api, tenant, webhook_id)
    data = await api.ok(DELIVERIES, {"f": {"webhookId": webhook_id}}, auth=other_tenant.auth)
    assert data["webhookDeliveries"]["totalCount"] == 0
    body = await api.gql(
        "mutation($id:UUID!){replayWebhookDelivery(id:$id){id}}",
        {"id": delivery["id"]},
        auth=other_tenant.auth,
    )
    assert error_code(body) == "NOT_FOUND"
    body = await api.gql(WEBHOOK, {"id": webhook_id}, auth=other_tenant.auth)
    assert error_code(body) == "NOT_FOUND"


async def test_customer_webhook_uri_receives_its_events_signed_with_the_customer_secret(
    api: Api, tenant: Tenant, receiver: Receiver, dispatcher: DispatcherControl
) -> None:
    uri, script = receiver.endpoint()
    rotate = "mutation{rotateWebhookSecret{secret}}"
    secret = (await api.ok(rotate, auth=tenant.auth))["rotateWebhookSecret"]["secret"]
    update = "mutation($u:String!){updateCustomer(input:{webhookUri:$u}){webhookUri}}"
    await api.ok(update, {"u": uri}, auth=tenant.auth)
    agent_id = await _agent(api, tenant)
    while True:  # the customer's URL gets every event: find the agent's
        headers, body = await asyncio.wait_for(script.requests.get(), WAIT)
        if headers["x-voipbin-event"] == "agent_created":
            break
    assert json.loads(body)["data"]["id"] == agent_id
    assert headers["x-voipbin-signature"] == independent_signature(
        secret, headers["x-voipbin-timestamp"], body
    )
    data = await api.ok(
        DELIVERIES,
        {"f": {"webhookId": tenant.customer_id, "eventType": "agent_created"}},
        auth=tenant.auth,
    )
    (node,) = [e["node"] for e in data["webhookDeliveries"]["edges"]]
    assert node["webhookId"] is None and node["status"] in ("DELIVERED", "PENDING")


CREATE_ACTIVEFLOW = """mutation($i:CreateActiveflowInput!){createActiveflow(input:$i){id}}"""


async def _next_event(script: Any, event_type: str) -> tuple[dict[str, str], bytes]:
    while True:
        headers, body = await asyncio.wait_for(script.requests.get(), WAIT)
        if headers["x-voipbin-event"] == event_type:
            return headers, body


async def test_activeflow_webhook_uri_receives_its_events_and_those_naming_it(
    api: Api,
    tenant: Tenant,
    other_tenant: Tenant,
    receiver: Receiver,
    dispatcher: DispatcherControl,
    event_services: Services,
) -> None:
    # given: a customer secret and an activeflow with its own webhookUri (a block keeps
    # it running)
    secret = (await api.ok("mutation{rotateWebhookSecret{secret}}", auth=tenant.auth))[
        "rotateWebhookSecret"
    ]["secret"]
    uri, script = receiver.endpoint()
    made = await api.ok(
        CREATE_ACTIVEFLOW,
        {"i": {"actions": [{"type": "block"}], "webhookUri": uri, "webhookMethod": "PUT"}},
        auth=tenant.auth,
    )
    activeflow_id = made["createActiveflow"]["id"]
    # then: its own event arrives there, signed with the customer's secret
    headers, body = await _next_event(script, "activeflow_created")
    assert json.loads(body)["data"]["id"] == activeflow_id
    assert headers["x-voipbin-signature"] == independent_signature(
        secret, headers["x-voipbin-timestamp"], body
    )
    # when: another resource's event names the activeflow (as a call's does), and another
    # customer's event names it too
    for customer in (other_tenant, tenant):
        async with transaction(event_services.sessions) as session:
            await emit(
                session,
                customer_id=uuid.UUID(customer.customer_id),
                event_type="probe_updated",
                resource_type="probe",
                resource_id=uuid.uuid4(),
                data={"activeflow_id": activeflow_id, "owner": customer.customer_id},
            )
    # then: only this customer's is delivered (tenancy holds for activeflow URLs too)
    _, body = await _next_event(script, "probe_updated")
    assert json.loads(body)["data"]["owner"] == tenant.customer_id
    data = await api.ok(DELIVERIES, {"f": {"webhookId": activeflow_id}}, auth=tenant.auth)
    types = sorted(e["node"]["eventType"] for e in data["webhookDeliveries"]["edges"])
    assert types.count("probe_updated") == 1 and "activeflow_created" in types
    data = await api.ok(DELIVERIES, {"f": {"webhookId": activeflow_id}}, auth=other_tenant.auth)
    assert data["webhookDeliveries"]["totalCount"] == 0


async def test_customer_webhook_uri_failing_for_the_whole_window_is_disabled_then_replayed(
    api: Api, tenant: Tenant, receiver: Receiver, dispatcher: DispatcherControl
) -> None:
    # given: the customer's own URL answers 503 to everything
    uri, script = receiver.endpoint(*([503] * 10_000))
    update = """mutation($i:UpdateCustomerInput!){updateCustomer(input:$i)
    {webhookEnabled webhookDisabledReason}}"""
    # (setting it emits `customer_updated`, which goes there first)
    await api.ok(update, {"i": {"webhookUri": uri}}, auth=tenant.auth)
    # then: once a delivery failed for its whole window, the URL is disabled by the system
    state = "query{customer{webhookEnabled webhookDisabledReason}}"
    deadline = asyncio.get_running_loop().time() + WAIT
    while (customer := (await api.ok(state, auth=tenant.auth))["customer"])["webhookEnabled"]:
        assert asyncio.get_running_loop().time() < deadline, "never disabled"
        await asyncio.sleep(0.05)
    assert "whole retry window" in customer["webhookDisabledReason"]
    # while disabled, a new event is kept as a skipped delivery, not sent
    await _agent(api, tenant)
    own = {"webhookId": tenant.customer_id, "eventType": "agent_created"}
    deadline = asyncio.get_running_loop().time() + WAIT
    while True:
        data = await api.ok(DELIVERIES, {"f": own}, auth=tenant.auth)
        statuses = sorted(e["node"]["status"] for e in data["webhookDeliveries"]["edges"])
        if statuses or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.05)
    assert statuses == ["SKIPPED"]
    missed = "query($id:UUID!){webhookMissedDeliveryCount(id:$id)}"
    count = (await api.ok(missed, {"id": tenant.customer_id}, auth=tenant.auth))[
        "webhookMissedDeliveryCount"
    ]
    assert count >= 2
    # re-enabled with a healthy receiver, replaying what it missed delivers it all
    script.responses.clear()
    enabled = await api.ok(update, {"i": {"webhookEnabled": True}}, auth=tenant.auth)
    assert enabled["updateCustomer"] == {"webhookEnabled": True, "webhookDisabledReason": ""}
    replay = "mutation($id:UUID!){replayMissedWebhookDeliveries(id:$id)}"
    replayed = await api.ok(replay, {"id": tenant.customer_id}, auth=tenant.auth)
    assert replayed["replayMissedWebhookDeliveries"] == count
    deadline = asyncio.get_running_loop().time() + WAIT
    while True:
        data = await api.ok(DELIVERIES, {"f": own}, auth=tenant.auth)
        statuses = [e["node"]["status"] for e in data["webhookDeliveries"]["edges"]]
        if statuses == ["DELIVERED"] or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.05)
    assert statuses == ["DELIVERED"]
    audit = """query{auditLogs(first:50){edges{node{action actorType resourceId}}}}"""
    edges = (await api.ok(audit, auth=tenant.auth))["auditLogs"]["edges"]
    actions = {
        (e["node"]["action"], e["node"]["actorType"], e["node"]["resourceId"]) for e in edges
    }
    assert ("customer.webhook_auto_disable", "system", tenant.customer_id) in actions
