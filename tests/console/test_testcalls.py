"""placeTestCall: input checks, permission, dev/test only, and the call really reaches the
simulator (and the audit log)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from resolvers.http import create_app
from telephony.simulator.nodes import NodeSpec, Simulator
from tests.api.conftest import ROOT_PASSWORD, ROOT_USER, Api, error_code, new_tenant
from tests.helpers.ports import free_port
from voipbin.config import Settings
from voipbin.errors import InvalidInput
from voipbin.seed import create_platform_admin
from voipbin.services import build_services
from voipbin.testcalls import (
    SimulatorUnavailable,
    TestCallStep,
    build_script,
    call_node_url,
    simulator_url,
)

PLACE = (
    """mutation($i: PlaceTestCallInput!) { placeTestCall(input: $i) { channelId node from to } }"""
)
SCRIPT = [{"wait": 0.5}, {"dtmf": "12#"}, {"say": "hello"}, {"hangup": True}]


def test_script_steps_map_to_simulator_steps() -> None:
    steps = [
        TestCallStep(wait=1),
        TestCallStep(dtmf="1#"),
        TestCallStep(say="hi"),
        TestCallStep(hangup=True),
    ]
    assert build_script(steps) == [{"wait": 1}, {"dtmf": "1#"}, {"say": "hi"}, {"hangup": True}]


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "script"),
        ([TestCallStep()], "script[0]"),
        ([TestCallStep(wait=1, dtmf="1")], "script[0]"),
        ([TestCallStep(hangup=True), TestCallStep(wait=0)], "script[1].wait"),
        ([TestCallStep(dtmf="12x")], "script[0].dtmf"),
        ([TestCallStep(say="  ")], "script[0].say"),
        ([TestCallStep(hangup=False)], "script[0].hangup"),
    ],
)
def test_bad_steps_name_their_field(steps: list[TestCallStep], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_script(steps)
    assert caught.value.field == field


def test_the_first_call_node_is_used() -> None:
    nodes = "conference:conf-1=http://c:1,call-1=http://a:2/,call-2=http://b:3"
    assert call_node_url(nodes) == "http://a:2"
    with pytest.raises(SimulatorUnavailable):
        call_node_url("conference-1=http://c:1")


def test_the_own_setting_wins(settings: Settings) -> None:
    s = settings.model_copy(deep=True)
    s.testcalls.sim_url = "http://sim.example:9/"
    assert simulator_url(s) == "http://sim.example:9"


@pytest.fixture
async def simulator() -> AsyncIterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory() as recordings:
        sim = Simulator([NodeSpec("call-1", port)], recordings_dir=Path(recordings))
        await sim.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await sim.stop()


async def _api(settings: Settings) -> AsyncIterator[Api]:
    services = build_services(settings)
    app = create_app(settings, services)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as c:
                yield Api(c)
    finally:
        await services.close()


async def _root(settings: Settings, api: Api) -> str:
    await create_platform_admin(settings, ROOT_USER, ROOT_PASSWORD)
    return f"Bearer {(await api.login(ROOT_USER, ROOT_PASSWORD))['token']}"


async def test_a_test_call_reaches_the_simulator_and_is_audited(
    settings: Settings, simulator: str
) -> None:
    s = settings.model_copy(deep=True)
    s.testcalls.sim_url = simulator
    async for api in _api(s):
        tenant = await new_tenant(api, await _root(s, api))
        data = await api.ok(
            PLACE, {"i": {"to": "+15559990000", "script": SCRIPT}}, auth=tenant.auth
        )
        placed = data["placeTestCall"]
        assert placed["node"] == "call-1" and placed["to"] == "+15559990000"
        async with httpx.AsyncClient() as http:
            calls = (await http.get(f"{simulator}/sim/calls")).text
        assert placed["channelId"] in calls
        audit = await api.ok(
            '{ auditLogs(filter: {action: "testcall.place"}) '
            "{ totalCount edges { node { after } } } }",
            auth=tenant.auth,
        )
        assert audit["auditLogs"]["totalCount"] == 1
        assert audit["auditLogs"]["edges"][0]["node"]["after"]["channel_id"] == placed["channelId"]

        bad = await api.gql(PLACE, {"i": {"to": "12", "script": SCRIPT}}, auth=tenant.auth)
        assert error_code(bad) == "BAD_USER_INPUT"
        assert bad["errors"][0]["extensions"]["field"] == "to"
        bad = await api.gql(
            PLACE, {"i": {"to": "+15559990000", "script": [{"dtmf": "x"}]}}, auth=tenant.auth
        )
        assert bad["errors"][0]["extensions"]["field"] == "script[0].dtmf"
        anonymous = await api.gql(PLACE, {"i": {"to": "+15559990000", "script": SCRIPT}})
        assert error_code(anonymous) == "UNAUTHENTICATED"

        await api.ok(
            "mutation($i:CreateAgentInput!){createAgent(input:$i){id}}",
            {"i": {"username": f"{tenant.username}-ag", "password": "agent-pass-123"}},
            auth=tenant.auth,
        )
        agent = await api.login(f"{tenant.username}-ag", "agent-pass-123")
        refused = await api.gql(
            PLACE, {"i": {"to": "+15559990000", "script": SCRIPT}}, auth=f"Bearer {agent['token']}"
        )
        assert error_code(refused) == "FORBIDDEN"


async def test_simulator_down_and_production_are_refused(settings: Settings) -> None:
    s = settings.model_copy(deep=True)
    s.testcalls.sim_url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async for api in _api(s):
        tenant = await new_tenant(api, await _root(s, api))
        down = await api.gql(
            PLACE, {"i": {"to": "+15559990000", "script": SCRIPT}}, auth=tenant.auth
        )
        assert error_code(down) == "CONFLICT"
        assert "simulator is not reachable" in down["errors"][0]["message"]
    prod = s.model_copy(deep=True)
    prod.environment = "production"
    async for api in _api(prod):
        tenant = await new_tenant(api, await _root(prod, api))
        refused = await api.gql(
            PLACE, {"i": {"to": "+15559990000", "script": SCRIPT}}, auth=tenant.auth
        )
        assert error_code(refused) == "FORBIDDEN"
