"""createActiveflow / deleteActiveflow / continueActiveflow over the real API: shapes,
the variables rules, tenancy and refused actions."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from typing import Any

import pytest

from tests.activeflows.conftest import AfStack
from tests.api.conftest import Tenant, error_code

CREATE = """mutation($i:CreateActiveflowInput!){createActiveflow(input:$i){
id status referenceType referenceId flowId webhookUri webhookMethod}}"""
GET = "query($id:UUID!){activeflow(id:$id){id status endReason error executedActions}}"
DELETE = "mutation($id:UUID!){deleteActiveflow(id:$id){id status endReason}}"
STOP = "mutation($id:UUID!){stopActiveflow(id:$id){id}}"
CONTINUE = "mutation($id:UUID!,$a:UUID!){continueActiveflow(id:$id,actionId:$a){id}}"
CREATE_FLOW = "mutation($i:CreateFlowInput!){createFlow(input:$i){id}}"
BLOCK_ID = "00000000-0000-0000-0000-0000000bb001"


async def _create(af: AfStack, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await af.api.gql(CREATE, {"i": fields}, auth=tenant.auth)


def _field(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"].get("field", ""))


async def test_create_from_a_flow_runs_it_with_the_seeded_variables(af: AfStack) -> None:
    # given a flow that reports its variables to the customer's server
    tenant = await af.tenant()
    hook = af.server.hook()
    actions = [
        {
            "type": "webhook_send",
            "option": {
                "sync": True,
                "uri": hook,
                "data": '{"g":"${greeting}","id":"${voipbin.activeflow.id}",'
                '"ref":"${voipbin.activeflow.reference_type}"}',
            },
        }
    ]
    flow = await af.api.ok(
        CREATE_FLOW, {"i": {"name": "api", "actions": actions}}, auth=tenant.auth
    )
    flow_id = flow["createFlow"]["id"]
    # when it is started through the API
    body = await _create(
        af, tenant, flowId=flow_id, variables={"greeting": "hi", "n": 3}, webhookUri=hook
    )
    created = body["data"]["createActiveflow"]
    # then it is an api activeflow of that flow, running at once
    assert created["referenceType"] == "api" and created["flowId"] == flow_id
    assert created["referenceId"] is None and created["status"] == "RUNNING"
    assert (created["webhookUri"], created["webhookMethod"]) == (hook, "POST")
    _, _, sent = await af.server.next_request()
    assert json.loads(sent) == {"g": "hi", "id": created["id"], "ref": "api"}
    result = await af.result(created["id"])
    assert (result.end_reason, result.errors) == ("finished", [])
    row = (await af.api.ok(GET, {"id": created["id"]}, auth=tenant.auth))["activeflow"]
    assert row["status"] == "ENDED" and row["endReason"] == "finished" and row["error"] == ""
    assert [a["type"] for a in row["executedActions"]] == ["webhook_send"]


async def test_create_with_inline_actions_and_a_chosen_id(af: AfStack) -> None:
    tenant = await af.tenant()
    chosen = str(uuid.uuid4())
    body = await _create(af, tenant, id=chosen, actions=[{"type": "stop"}])
    assert body["data"]["createActiveflow"]["id"] == chosen
    assert (await af.result(chosen)).end_reason == "stop"  # the `stop` action ended it
    # the same id again is a conflict, for any customer
    other = await af.tenant()
    assert error_code(await _create(af, other, id=chosen, actions=[{"type": "stop"}])) == "CONFLICT"


async def test_variables_rules_are_bad_user_input_naming_the_problem(af: AfStack) -> None:
    tenant = await af.tenant()
    stop = [{"type": "stop"}]
    cases: list[tuple[Any, str]] = [
        ({"voipbin.call.id": "x"}, "variables.voipbin.call.id"),
        ({"VoIPBIN.activeflow.id": "x"}, "variables.VoIPBIN.activeflow.id"),
        ({f"k{i}": "v" for i in range(101)}, "variables"),
        ({"big": "x" * (32 * 1024 + 1)}, "variables.big"),
        ({f"k{i}": "x" * 30_000 for i in range(3)}, "variables"),
        ({"nested": {"a": 1}}, "variables.nested"),
        (["not", "an", "object"], "variables"),
    ]
    for variables, field in cases:
        body = await _create(af, tenant, actions=stop, variables=variables)
        assert error_code(body) == "BAD_USER_INPUT", variables
        assert _field(body) == field
    # at the limits it is accepted
    ok = await _create(af, tenant, actions=stop, variables={"big": "x" * (32 * 1024)})
    assert "errors" not in ok


async def test_flow_and_actions_are_one_or_the_other(af: AfStack) -> None:
    tenant = await af.tenant()
    flow = await af.api.ok(
        CREATE_FLOW, {"i": {"name": "f", "actions": [{"type": "stop"}]}}, auth=tenant.auth
    )
    both = await _create(af, tenant, flowId=flow["createFlow"]["id"], actions=[{"type": "stop"}])
    neither = await _create(af, tenant)
    for body in (both, neither):
        assert error_code(body) == "BAD_USER_INPUT" and _field(body) == "flowId"
    bad_action = await _create(af, tenant, actions=[{"type": "goto", "option": {"loop": 1}}])
    assert error_code(bad_action) == "BAD_USER_INPUT"
    assert _field(bad_action).startswith("actions[0].option")
    bad_uri = await _create(af, tenant, actions=[{"type": "stop"}], webhookUri="ftp://x")
    assert error_code(bad_uri) == "BAD_USER_INPUT" and _field(bad_uri) == "webhookUri"


async def test_actions_that_need_a_call_are_refused_by_index(af: AfStack) -> None:
    tenant = await af.tenant()
    inline = await _create(
        af, tenant, actions=[{"type": "variable_set", "option": {"key": "a"}}, {"type": "talk"}]
    )
    assert error_code(inline) == "BAD_USER_INPUT" and _field(inline) == "actions[1].type"
    assert "`talk` needs a call" in inline["errors"][0]["message"]
    flow = await af.api.ok(
        CREATE_FLOW,
        {"i": {"name": "ivr", "actions": [{"type": "answer"}, {"type": "sleep"}]}},
        auth=tenant.auth,
    )
    stored = await _create(af, tenant, flowId=flow["createFlow"]["id"])
    assert error_code(stored) == "BAD_USER_INPUT" and _field(stored) == "flowId"
    assert "actions[0] `answer` needs a call" in stored["errors"][0]["message"]


async def test_another_customers_flow_and_activeflow_are_not_found(af: AfStack) -> None:
    owner, intruder = await af.tenant(), await af.tenant()
    flow = await af.api.ok(
        CREATE_FLOW, {"i": {"name": "f", "actions": [{"type": "block"}]}}, auth=owner.auth
    )
    flow_id = flow["createFlow"]["id"]
    assert error_code(await _create(af, intruder, flowId=flow_id)) == "NOT_FOUND"
    assert error_code(await _create(af, owner, flowId=str(uuid.uuid4()))) == "NOT_FOUND"
    created = (await af.api.ok(CREATE, {"i": {"flowId": flow_id}}, auth=owner.auth))[
        "createActiveflow"
    ]
    for query, variables in (
        (GET, {"id": created["id"]}),
        (DELETE, {"id": created["id"]}),
        (STOP, {"id": created["id"]}),
        (CONTINUE, {"id": created["id"], "a": BLOCK_ID}),
    ):
        assert error_code(await af.api.gql(query, variables, auth=intruder.auth)) == "NOT_FOUND"
    await af.api.ok(STOP, {"id": created["id"]}, auth=owner.auth)
    assert (await af.result(created["id"])).end_reason == "stopped"


async def test_delete_stops_a_running_activeflow_first(af: AfStack) -> None:
    # given an activeflow waiting in a block
    tenant = await af.tenant()
    created = (
        await af.api.ok(
            CREATE, {"i": {"actions": [{"id": BLOCK_ID, "type": "block"}]}}, auth=tenant.auth
        )
    )["createActiveflow"]
    await af.wait_current(created["id"], "block")
    # when it is deleted
    deleted = (await af.api.ok(DELETE, {"id": created["id"]}, auth=tenant.auth))["deleteActiveflow"]
    # then it ended (reason deleted), its workflow stopped, and it is gone from the API
    assert (deleted["status"], deleted["endReason"]) == ("ENDED", "deleted")
    assert (await af.result(created["id"])).end_reason == "stopped"
    assert error_code(await af.api.gql(GET, {"id": created["id"]}, auth=tenant.auth)) == "NOT_FOUND"
    assert error_code(await af.api.gql(DELETE, {"id": created["id"]}, auth=tenant.auth)) == (
        "NOT_FOUND"
    )
    # events: created, the block recorded, ended, deleted, and nothing after the delete
    assert await af.event_types(created["id"]) == [
        "activeflow_created",
        "activeflow_updated",
        "activeflow_updated",
        "activeflow_deleted",
    ]


async def test_continue_releases_the_block_it_names(af: AfStack) -> None:
    tenant = await af.tenant()
    hook = af.server.hook()
    actions = [
        {"id": BLOCK_ID, "type": "block"},
        {"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": "after"}},
    ]
    created = (await af.api.ok(CREATE, {"i": {"actions": actions}}, auth=tenant.auth))[
        "createActiveflow"
    ]
    await af.wait_current(created["id"], "block")
    wrong = await af.api.gql(
        CONTINUE, {"id": created["id"], "a": str(uuid.uuid4())}, auth=tenant.auth
    )
    assert error_code(wrong) == "BAD_USER_INPUT" and _field(wrong) == "actionId"
    await af.api.ok(CONTINUE, {"id": created["id"], "a": BLOCK_ID}, auth=tenant.auth)
    _, _, sent = await af.server.next_request()
    assert sent == b"after"
    assert (await af.result(created["id"])).end_reason == "finished"
    ended = await af.api.gql(CONTINUE, {"id": created["id"], "a": BLOCK_ID}, auth=tenant.auth)
    assert error_code(ended) == "CONFLICT"


async def test_a_refused_start_leaves_no_activeflow_claiming_to_run(af: AfStack) -> None:
    # given: the same database, but a workflow engine that is not there
    from tests.calls.conftest import META
    from tests.helpers.ports import free_port
    from voipbin.activeflows.models import Activeflow
    from voipbin.activeflows.service import CreateActiveflow
    from voipbin.errors import EngineUnavailable
    from voipbin.services import build_services

    settings = af.h.settings.model_copy(deep=True)
    settings.temporal_address = f"127.0.0.1:{free_port()}"
    services = build_services(settings)
    new_id = uuid.uuid4()
    try:
        # when: an activeflow is created
        with pytest.raises(EngineUnavailable) as refused:
            await services.activeflows.create(
                af.h.principal, META, CreateActiveflow(actions=[{"type": "block"}], id=new_id)
            )
        assert "not started" in refused.value.message and refused.value.code.value == "INTERNAL"
        # then: its row is ended with the reason, and its events say so
        async with services.sessions() as session:
            row = await session.get(Activeflow, new_id)
        assert row is not None and (row.status, row.end_reason) == ("ended", "start_failed")
        assert await af.event_types(new_id) == ["activeflow_created", "activeflow_updated"]
    finally:
        await services.close()


UPDATE_FLOW = "mutation($i:UpdateFlowInput!){updateFlow(input:$i){id onCompleteFlowId}}"
CHAINED = """query($ref:UUID!){activeflows(filter:{referenceId:$ref}, first:20){
edges{node{id flowId referenceType referenceId status}}}}"""


async def test_on_complete_flow_runs_next_with_the_variables_at_most_five_deep(
    af: AfStack,
) -> None:
    # given a flow that reports its variables and names itself as its on_complete flow
    tenant = await af.tenant()
    hook = af.server.hook()
    report = (
        '{"x":"${x}","n":"${voipbin.activeflow.complete_count}",'
        '"id":"${voipbin.activeflow.id}","ref":"${voipbin.activeflow.reference_activeflow_id}"}'
    )
    actions = [
        {"type": "webhook_send", "option": {"sync": True, "uri": hook, "data": report}},
        {"type": "variable_set", "option": {"key": "x", "value": "${x}+"}},
    ]
    created = await af.api.ok(
        CREATE_FLOW, {"i": {"name": "chain", "actions": actions}}, auth=tenant.auth
    )
    flow_id = created["createFlow"]["id"]
    await af.api.ok(
        UPDATE_FLOW, {"i": {"id": flow_id, "onCompleteFlowId": flow_id}}, auth=tenant.auth
    )

    # when an activeflow of it is started
    body = await _create(af, tenant, flowId=flow_id, variables={"x": "a"})
    first = body["data"]["createActiveflow"]["id"]

    # then it and five chained activeflows run, one after the other, each with the
    # variables the one before ended with and pointing back at it
    reports = [json.loads((await af.server.next_request())[2]) for _ in range(6)]
    assert [r["n"] for r in reports] == ["0", "1", "2", "3", "4", "5"]
    assert [r["x"] for r in reports] == ["a", "a+", "a++", "a+++", "a++++", "a+++++"]
    assert reports[0]["id"] == first and reports[0]["ref"] == str(uuid.UUID(int=0))
    for before, after in itertools.pairwise(reports):
        assert after["ref"] == before["id"] and after["id"] != before["id"]
    last = await af.result(reports[-1]["id"])
    assert last.end_reason == "finished"
    for report_ in reports:
        row = await af.row(report_["id"])
        assert (row.status, row.flow_id, row.reference_type) == ("ended", uuid.UUID(flow_id), "api")
        assert "activeflow_created" in await af.event_types(report_["id"])
    # and the sixth is the last: no seventh request comes
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(af.server.requests.get(), 1.0)


async def test_a_call_flows_on_complete_flow_runs_after_the_call_for_the_same_call(
    af: AfStack,
) -> None:
    # given an after-call flow (no media) and a call flow naming it as on_complete
    tenant = await af.tenant()
    hook = af.server.hook()
    after = await af.api.ok(
        CREATE_FLOW,
        {
            "i": {
                "name": "after call",
                "actions": [
                    {
                        "type": "webhook_send",
                        "option": {
                            "sync": True,
                            "uri": hook,
                            "data": '{"call":"${voipbin.call.id}","said":"${said}"}',
                        },
                    }
                ],
            }
        },
        auth=tenant.auth,
    )
    call_flow = await af.api.ok(
        CREATE_FLOW,
        {
            "i": {
                "name": "the call",
                "actions": [
                    {"type": "variable_set", "option": {"key": "said", "value": "hello"}},
                    {"type": "hangup"},
                ],
                "onCompleteFlowId": after["createFlow"]["id"],
            }
        },
        auth=tenant.auth,
    )
    # when a call runs that flow and hangs up
    placed = await af.api.ok(
        "mutation($i:CreateCallInput!){createCall(input:$i){id activeflowId}}",
        {
            "i": {
                "source": {"type": "TEL", "target": "+15550000001"},
                "destinations": [{"type": "TEL", "target": "+15550001234"}],
                "flowId": call_flow["createFlow"]["id"],
            }
        },
        auth=tenant.auth,
    )
    call = placed["createCall"][0]
    # then the after-call flow runs for the same call, with the call's variables
    _, _, sent = await af.server.next_request()
    assert json.loads(sent) == {"call": call["id"], "said": "hello"}
    listed = await af.api.ok(CHAINED, {"ref": call["id"]}, auth=tenant.auth)
    nodes = [e["node"] for e in listed["activeflows"]["edges"]]
    assert {n["flowId"] for n in nodes} == {
        call_flow["createFlow"]["id"],
        after["createFlow"]["id"],
    }
    assert {n["referenceType"].lower() for n in nodes} == {"call"}
    chained = next(n for n in nodes if n["id"] != call["activeflowId"])
    row = await af.row(chained["id"])
    assert row.reference_activeflow_id == uuid.UUID(call["activeflowId"])
