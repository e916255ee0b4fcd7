"""Good and bad flows per action type, from `fixtures/{good,bad}/<action>__<case>.json`.

Each bad fixture names the exact `extensions.field` and a piece of the message; every one
is refused by `createFlow` with BAD_USER_INPUT, reported by `validateFlow`, and (when the
problem is not a reference to another flow) by the pure validator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api, Tenant
from tests.flows.gql import CREATE_FLOW, VALIDATE_FLOW, action_inputs
from voipbin.flows.validation import FlowLimits, validate_actions
from workflows.flow_actions import ACTION_OPTIONS, DEFERRED_ACTIONS, INTERNAL_ACTIONS

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = sorted((FIXTURES / "good").glob("*.json"))
BAD = sorted((FIXTURES / "bad").glob("*.json"))


EXISTING_FLOW = "{{existing_flow_id}}"


def load(
    path: Path, existing_flow_id: str = "55555555-5555-4555-8555-555555555555"
) -> dict[str, Any]:
    """A fixture; `{{existing_flow_id}}` stands for a flow of the same customer."""
    data: dict[str, Any] = json.loads(path.read_text().replace(EXISTING_FLOW, existing_flow_id))
    return data


def test_every_action_type_has_good_and_bad_fixtures() -> None:
    covered_good = {p.stem.split("__")[0] for p in GOOD}
    covered_bad = {p.stem.split("__")[0] for p in BAD}
    public = set(ACTION_OPTIONS) - INTERNAL_ACTIONS
    assert public - covered_good == set()
    assert public - covered_bad == set()
    assert set(DEFERRED_ACTIONS) - covered_bad == set()


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixture_passes_the_pure_validator(path: Path) -> None:
    checked = validate_actions(load(path)["actions"], FlowLimits())
    assert checked.problems == []
    assert all(a["id"] for a in checked.actions)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_fixture_fails_the_pure_validator_at_its_field(path: Path) -> None:
    fixture = load(path)
    checked = validate_actions(fixture["actions"], FlowLimits())
    refs = {r.field for r in checked.flow_refs}
    if fixture["field"] in refs:
        pytest.skip("a reference to another flow is checked against the database")
    assert checked.problems, "expected a problem"
    first = checked.problems[0]
    assert first.field == fixture["field"]
    assert fixture["message_contains"] in first.message


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
async def test_good_fixture_is_saved(api: Api, tenant: Tenant, path: Path) -> None:
    target = await api.ok(
        CREATE_FLOW, {"input": {"name": "target", "actions": []}}, auth=tenant.auth
    )
    actions = load(path, target["createFlow"]["id"])["actions"]
    data = await api.ok(
        CREATE_FLOW,
        {"input": {"name": path.stem, "actions": action_inputs(actions)}},
        auth=tenant.auth,
    )
    saved = data["createFlow"]["actions"]
    assert [a["type"] for a in saved] == [a["type"] for a in actions]
    for given, stored in zip(actions, saved, strict=True):
        if "id" in given:
            assert stored["id"] == given["id"]
        option = dict(given.get("option") or {})
        nested = option.pop("actions", None)
        assert {k: v for k, v in stored["option"].items() if k != "actions"} == option
        if nested:  # a `call` action's own actions get ids too
            assert [a["type"] for a in stored["option"]["actions"]] == [a["type"] for a in nested]
            assert all(a["id"] for a in stored["option"]["actions"])


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
async def test_bad_fixture_is_refused_with_its_field(api: Api, tenant: Tenant, path: Path) -> None:
    fixture = load(path)
    actions = action_inputs(fixture["actions"])
    body = await api.gql(
        CREATE_FLOW, {"input": {"name": "bad", "actions": actions}}, auth=tenant.auth
    )
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": fixture["field"]}
    assert fixture["message_contains"] in error["message"]
    problems = (await api.ok(VALIDATE_FLOW, {"actions": actions}, auth=tenant.auth))["validateFlow"]
    assert fixture["field"] in [p["field"] for p in problems]
