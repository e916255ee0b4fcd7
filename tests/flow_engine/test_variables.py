"""Variables: `${...}` substitution, built-ins, DTMF helpers, initial-variable rules."""

from __future__ import annotations

import json
from uuid import UUID

from workflows.flow_engine import variables as v


def test_substitution_is_recursive_over_strings_only() -> None:
    option = {
        "text": "Hello ${name}, ${unknown}!",
        "list": ["${name}", 3, {"deep": "${n}"}],
        "flag": True,
        "number": 5,
    }
    out = v.substitute(option, {"name": "Ann", "n": "1"})
    assert out == {
        "text": "Hello Ann, !",
        "list": ["Ann", 3, {"deep": "1"}],
        "flag": True,
        "number": 5,
    }
    assert option["text"] == "Hello ${name}, ${unknown}!"  # the input is untouched


def test_substitution_is_not_nested_and_non_greedy() -> None:
    assert v.substitute_text("${a}${b}", {"a": "1", "b": "2"}) == "12"
    assert v.substitute_text("${a${b}}", {"a${b": "x"}) == "x}"
    assert v.substitute_text("plain $ { text }", {}) == "plain $ { text }"


def test_call_variables_from_a_call_dict() -> None:
    call = {
        "id": "c0ffee00-0000-4000-8000-000000000001",
        "source": {"type": "tel", "target": "+15551230000", "name": "Ann"},
        "destination": {"type": "tel", "target": "+15559990000"},
        "direction": "incoming",
        "master_call_id": None,
    }
    out = v.call_variables(call)
    assert out["voipbin.call.source.target"] == "+15551230000"
    assert out["voipbin.call.source.name"] == "Ann"
    assert out["voipbin.call.destination.target_name"] == ""
    assert out["voipbin.call.direction"] == "incoming"
    assert out["voipbin.call.master_call_id"] == ""
    assert out["voipbin.call.digits"] == ""
    assert json.loads(out["voipbin.flow.reference_data"])["id"] == call["id"]


def test_activeflow_variables() -> None:
    af = UUID(int=1)
    out = v.activeflow_variables(
        activeflow_id=af,
        reference_type="call",
        reference_id=UUID(int=2),
        reference_activeflow_id=UUID(int=0),
        flow_id=UUID(int=3),
        complete_count=0,
    )
    assert out["voipbin.activeflow.id"] == str(af)
    assert out["voipbin.activeflow.complete_count"] == "0"
    assert out["voipbin.activeflow.reference_type"] == "call"


def test_digits_append_and_replace() -> None:
    variables: dict[str, str] = {}
    v.append_digit(variables, "1")
    v.append_digit(variables, "2")
    assert variables["voipbin.call.digits"] == "12"
    v.replace_digit(variables, "#")
    assert variables["voipbin.call.digits"] == "#"


def test_initial_variables_sanitising() -> None:
    out = v.sanitize_initial({" a ": "1", "VoIPBIN.call.id": "forged", "n": 5, "b": True})
    assert out == {"a": "1", "n": "5", "b": "true"}
    assert v.sanitize_initial({f"k{i}": "x" for i in range(101)}) == {}
    assert v.sanitize_initial({"big": "x" * (32 * 1024 + 1)}) == {}
    assert v.sanitize_initial({f"k{i}": "x" * 20_000 for i in range(4)}) == {}
    assert v.sanitize_initial(None) == {}


def test_merge_system_last() -> None:
    merged = v.merge({"a": "parent", "x": "1"}, {"a": "external"}, {"x": "system"})
    assert merged == {"a": "external", "x": "system"}
