"""Flows over GraphQL: CRUD, events, tenancy and the issue's bad flows."""

from __future__ import annotations

import uuid
from typing import Any

from tests.api.conftest import Api, Tenant, error_code
from tests.flows.gql import (
    CREATE_FLOW,
    DELETE_FLOW,
    GET_FLOW,
    LIST_FLOWS,
    UPDATE_FLOW,
    VALIDATE_FLOW,
)
from tests.flows.helpers import audit_actions, event_types
from voipbin.services import Services

IVR = [
    {"type": "answer"},
    {"type": "talk", "option": {"text": "press 1 or 2"}},
    {"type": "digits_receive", "option": {"duration": 5000, "length": 1}},
]


async def create(api: Api, tenant: Tenant, actions: list[dict[str, Any]], **kw: Any) -> Any:
    return await api.gql(
        CREATE_FLOW, {"input": {"name": "f", "actions": actions, **kw}}, auth=tenant.auth
    )


def bad_input(body: dict[str, Any]) -> tuple[str, str]:
    assert body["data"] is None, body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error["extensions"]["field"], error["message"]


async def test_create_get_update_delete_with_events(
    api: Api, tenant: Tenant, services: Services
) -> None:
    # given a new flow
    body = await create(api, tenant, IVR, detail="demo")
    flow = body["data"]["createFlow"]
    assert flow["type"] == "FLOW" and flow["detail"] == "demo"
    assert all(uuid.UUID(a["id"]) for a in flow["actions"])
    assert [a["nextId"] for a in flow["actions"]] == [None, None, None]
    # when read, updated (a cached read before and after), deleted
    got = await api.ok(GET_FLOW, {"id": flow["id"]}, auth=tenant.auth)
    cached = await api.ok(GET_FLOW, {"id": flow["id"]}, auth=tenant.auth)
    assert got["flow"] == cached["flow"] == flow
    hangup = {"type": "hangup", "option": {"reason": "normal"}}
    updated = await api.ok(
        UPDATE_FLOW,
        {"input": {"id": flow["id"], "name": "renamed", "actions": [*IVR, hangup]}},
        auth=tenant.auth,
    )
    assert updated["updateFlow"]["name"] == "renamed"
    again = await api.ok(GET_FLOW, {"id": flow["id"]}, auth=tenant.auth)
    assert again["flow"]["name"] == "renamed"  # the cache was invalidated after commit
    assert [a["type"] for a in again["flow"]["actions"]][-1] == "hangup"
    await api.ok(DELETE_FLOW, {"id": flow["id"]}, auth=tenant.auth)
    # then it is gone and every change was an event
    assert error_code(await api.gql(GET_FLOW, {"id": flow["id"]}, auth=tenant.auth)) == "NOT_FOUND"
    assert await event_types(services, flow["id"]) == [
        "flow_created",
        "flow_updated",
        "flow_deleted",
    ]
    assert await audit_actions(services, flow["id"]) == [
        "flow.create",
        "flow.update",
        "flow.delete",
    ]


async def test_another_customers_flow_is_not_found(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = (await create(api, other_tenant, IVR))["data"]["createFlow"]["id"]
    nobody = str(uuid.uuid4())
    for doc, variables in (
        (GET_FLOW, lambda i: {"id": i}),
        (UPDATE_FLOW, lambda i: {"input": {"id": i, "name": "x"}}),
        (DELETE_FLOW, lambda i: {"id": i}),
    ):
        mine = await api.gql(doc, variables(theirs), auth=tenant.auth)
        missing = await api.gql(doc, variables(nobody), auth=tenant.auth)
        assert error_code(mine) == "NOT_FOUND"
        assert mine["errors"][0]["message"] == missing["errors"][0]["message"] == "Flow not found"
    still = await api.ok(GET_FLOW, {"id": theirs}, auth=other_tenant.auth)
    assert still["flow"]["name"] == "f"
    listed = await api.ok(LIST_FLOWS, {"first": 100}, auth=tenant.auth)
    assert theirs not in [e["node"]["id"] for e in listed["flows"]["edges"]]


async def test_fetch_flow_and_on_complete_must_be_the_callers_flows(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = (await create(api, tenant, IVR))["data"]["createFlow"]["id"]
    theirs = (await create(api, other_tenant, IVR))["data"]["createFlow"]["id"]
    ok = await create(api, tenant, [{"type": "fetch_flow", "option": {"flow_id": mine}}])
    assert "errors" not in ok
    field, message = bad_input(
        await create(api, tenant, [{"type": "fetch_flow", "option": {"flow_id": theirs}}])
    )
    assert field == "actions[0].option.flow_id" and "not found" in message
    field, _ = bad_input(await create(api, tenant, IVR, onCompleteFlowId=theirs))
    assert field == "onCompleteFlowId"
    chained = await create(api, tenant, IVR, onCompleteFlowId=mine)
    assert chained["data"]["createFlow"]["onCompleteFlowId"] == mine


async def test_unknown_action(api: Api, tenant: Tenant) -> None:
    field, message = bad_input(await create(api, tenant, [*IVR, {"type": "teleport"}]))
    assert field == "actions[3].type"
    assert message == "unknown action type `teleport`"


async def test_dangling_next_id(api: Api, tenant: Tenant) -> None:
    dangling = str(uuid.uuid4())
    field, message = bad_input(
        await create(api, tenant, [{"type": "answer", "nextId": dangling}, *IVR])
    )
    assert field == "actions[0].nextId"
    assert dangling in message


async def test_wrong_option_type(api: Api, tenant: Tenant) -> None:
    actions = [*IVR[:2], {"type": "digits_send", "option": {"digits": 1234, "duration": 200}}]
    field, message = bad_input(await create(api, tenant, actions))
    assert field == "actions[2].option.digits"
    assert "valid string" in message


async def test_ten_thousand_actions(api: Api, tenant: Tenant) -> None:
    field, message = bad_input(await create(api, tenant, [{"type": "answer"}] * 10_000))
    assert field == "actions"
    assert "at most 1000 actions" in message


async def test_one_megabyte_option(api: Api, tenant: Tenant) -> None:
    # 1,000,000 bytes of text: the request still fits the 1 MiB body cap, the option does not
    # fit the per-action cap (64 KiB)
    big = {"type": "talk", "option": {"text": "a" * 1_000_000}}
    field, message = bad_input(await create(api, tenant, [IVR[0], big]))
    assert field == "actions[1].option"
    assert "at most 65536" in message


async def test_deferred_action_is_refused_by_name(api: Api, tenant: Tenant) -> None:
    actions = [*IVR, {"type": "queue_join", "option": {"queue_id": str(uuid.uuid4())}}]
    field, message = bad_input(await create(api, tenant, actions))
    assert field == "actions[3].type"
    assert "`queue_join` is not available yet" in message


async def test_duplicate_ids(api: Api, tenant: Tenant) -> None:
    same = str(uuid.uuid4())
    actions = [{"type": "answer", "id": same}, {"type": "hangup", "id": same}]
    field, message = bad_input(await create(api, tenant, actions))
    assert field == "actions[1].id" and "actions[0]" in message


async def test_validate_flow_reports_every_problem_without_saving(api: Api, tenant: Tenant) -> None:
    actions = [
        {"type": "nope"},
        {"type": "sleep", "option": {"duration": "soon"}},
        {"type": "goto", "option": {"target_id": str(uuid.uuid4()), "loop_count": 1}},
    ]
    problems = (await api.ok(VALIDATE_FLOW, {"actions": actions}, auth=tenant.auth))["validateFlow"]
    assert [p["field"] for p in problems] == [
        "actions[0].type",
        "actions[1].option.duration",
        "actions[2].option.target_id",
    ]
    assert (await api.ok(VALIDATE_FLOW, {"actions": IVR}, auth=tenant.auth))["validateFlow"] == []
    listed = await api.ok(LIST_FLOWS, {"first": 10}, auth=tenant.auth)
    assert listed["flows"]["totalCount"] == 0


async def test_list_filters_and_pages(api: Api, tenant: Tenant) -> None:
    for name in ("sales menu", "support menu", "night"):
        await api.ok(CREATE_FLOW, {"input": {"name": name, "actions": IVR}}, auth=tenant.auth)
    page = await api.ok(LIST_FLOWS, {"first": 2}, auth=tenant.auth)
    assert page["flows"]["totalCount"] == 3 and page["flows"]["pageInfo"]["hasNextPage"]
    rest = await api.ok(
        LIST_FLOWS, {"first": 2, "after": page["flows"]["pageInfo"]["endCursor"]}, auth=tenant.auth
    )
    names = [e["node"]["name"] for e in page["flows"]["edges"] + rest["flows"]["edges"]]
    assert sorted(names) == ["night", "sales menu", "support menu"]
    menus = await api.ok(LIST_FLOWS, {"filter": {"name": "MENU"}}, auth=tenant.auth)
    assert menus["flows"]["totalCount"] == 2
    typed = await api.ok(LIST_FLOWS, {"filter": {"type": "QUEUE"}}, auth=tenant.auth)
    assert typed["flows"]["totalCount"] == 0


async def test_update_keeps_ids_and_generates_missing_ones(api: Api, tenant: Tenant) -> None:
    flow = (await create(api, tenant, IVR))["data"]["createFlow"]
    kept = flow["actions"][0]
    new = await api.ok(
        UPDATE_FLOW,
        {"input": {"id": flow["id"], "actions": [kept, {"type": "hangup"}]}},
        auth=tenant.auth,
    )
    actions = new["updateFlow"]["actions"]
    assert actions[0]["id"] == kept["id"]
    assert actions[1]["id"] not in (None, kept["id"])
