"""The validator itself: real Asterisk output passes, broken output does not."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.telephony.contract.swagger import ari_spec, traces


def trace_items(kind: str) -> list[dict[str, Any]]:
    return [i for t in traces() for i in json.loads(t.read_text())["items"] if i["kind"] == kind]


def test_every_real_asterisk_event_validates() -> None:
    spec = ari_spec()
    events = [i["json"] for i in trace_items("event")]
    assert len(events) > 200
    assert [e for event in events for e in spec.validate_event(event)] == []


def test_broken_events_are_caught() -> None:
    spec = ari_spec()
    event = next(i["json"] for i in trace_items("event") if i["json"]["type"] == "StasisStart")
    missing = copy.deepcopy(event)
    del missing["channel"]
    bad_state = copy.deepcopy(event)
    bad_state["channel"]["state"] = "Talking"
    bad_time = copy.deepcopy(event)
    bad_time["timestamp"] = "2026-11-24T22:50:10+00:00"
    extra = {**copy.deepcopy(event), "surprise": 1}
    assert any("required" in e for e in spec.validate_event(missing))
    assert any("Talking" in e for e in spec.validate_event(bad_state))
    assert any("Date" in e for e in spec.validate_event(bad_time))
    assert any("surprise" in e for e in spec.validate_event(extra))
    assert spec.validate_event({"type": "NoSuchEvent"}) == ["unknown event type 'NoSuchEvent'"]


def test_requests_are_checked_against_operations() -> None:
    spec = ari_spec()
    assert (
        spec.check_request(
            "POST", "/ari/channels/create", {"endpoint": "Local/a@b", "app": "x"}, None
        )
        == []
    )
    assert spec.check_request("DELETE", "/ari/channels/c1", {"reason": "normal"}, None) == []
    assert spec.check_request("DELETE", "/ari/channels/c1", {"reason": "bogus"}, None)
    assert spec.check_request("POST", "/ari/channels/c1/play", {"medias": "sound:x"}, None)
    assert spec.check_request("POST", "/ari/channels/c1/dial", {"timeout": "soon"}, None)
    assert spec.check_request("PUT", "/ari/channels/c1", {}, None)
    assert spec.check_request("POST", "/ari/bridges", {}, {"bogus": 1})


def test_responses_validate_against_response_classes() -> None:
    spec = ari_spec()
    for response in trace_items("response"):
        operation = spec.operation(response["method"], response["path"])
        if operation is None or response["status"] >= 300 or response.get("json") is None:
            continue
        if operation.response_class in ("void", "binary"):
            continue
        assert spec.validate(response["json"], operation.response_class) == [], response["path"]
