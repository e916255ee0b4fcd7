"""Flow-control actions as pure functions (spec flow-actions.md §4)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from workflows.flow_actions import parse_option
from workflows.flow_actions.options import (
    BranchOption,
    ConditionCallDigitsOption,
    ConditionCallStatusOption,
    ConditionDatetimeOption,
    ConditionVariableOption,
    GotoOption,
    VariableSetOption,
)
from workflows.flow_engine import control
from workflows.flow_engine.errors import FlowEngineError

T1 = UUID(int=11)
T2 = UUID(int=12)
DEF = UUID(int=13)
FALSE = UUID(int=14)


def opt(model: type, **kw: object) -> object:
    return parse_option(
        {
            BranchOption: "branch",
            GotoOption: "goto",
            ConditionVariableOption: "condition_variable",
            ConditionDatetimeOption: "condition_datetime",
            ConditionCallDigitsOption: "condition_call_digits",
            ConditionCallStatusOption: "condition_call_status",
            VariableSetOption: "variable_set",
        }[model],
        {k: (str(v) if isinstance(v, UUID) else v) for k, v in kw.items()},
    )


def test_branch_jumps_by_value_and_clears_the_variable() -> None:
    variables = {"voipbin.call.digits": "2"}
    o = opt(BranchOption, target_ids={"1": T1, "2": T2}, default_target_id=DEF)
    assert control.branch(o, variables) == control.Jump(T2)  # type: ignore[arg-type]
    assert variables["voipbin.call.digits"] == ""


def test_branch_default_and_missing_default() -> None:
    variables = {"choice": "9"}
    o = opt(BranchOption, variable="choice", target_ids={"1": T1}, default_target_id=DEF)
    assert control.branch(o, variables) == control.Jump(DEF)  # type: ignore[arg-type]
    with pytest.raises(FlowEngineError):
        control.branch(opt(BranchOption, target_ids={"1": T1}), {})  # type: ignore[arg-type]


def test_branch_accepts_a_braced_variable_name() -> None:
    o = opt(BranchOption, variable="${x}", target_ids={"a": T1}, default_target_id=DEF)
    assert o.variable == "x"  # type: ignore[attr-defined]
    assert control.branch(o, {"x": "a"}) == control.Jump(T1)  # type: ignore[arg-type]


def test_goto_decrements_until_zero_then_falls_through() -> None:
    o = opt(GotoOption, target_id=T1, loop_count=2)
    decision, o = control.goto(o)  # type: ignore[arg-type]
    assert decision == control.Jump(T1) and o.loop_count == 1
    decision, o = control.goto(o)
    assert decision == control.Jump(T1) and o.loop_count == 0
    decision, o = control.goto(o)
    assert decision == control.CONTINUE and o.loop_count == 0


@pytest.mark.parametrize(
    ("variable", "value_type", "extra", "cond", "expected_true"),
    [
        ("${n}", "number", {"value_number": 5}, ">", True),  # 7 > 5
        ("n", "number", {"value_number": 5}, "<", False),  # bare name is looked up
        ("${n}", "number", {"value_number": 7}, "==", True),
        ("${word}", "number", {"value_number": 0}, "!=", False),  # not a number ⇒ false
        ("${word}", "string", {"value_string": "hello"}, "==", True),
        ("word", "string", {"value_string": "${word}"}, "==", True),
        ("${word}", "length", {"value_length": 5}, ">=", True),
        ("${missing}", "length", {"value_length": 0}, "==", True),
    ],
)
def test_condition_variable(
    variable: str, value_type: str, extra: dict[str, object], cond: str, expected_true: bool
) -> None:
    variables = {"n": "7", "word": "hello"}
    o = opt(
        ConditionVariableOption,
        condition=cond,
        variable=variable,
        value_type=value_type,
        false_target_id=FALSE,
        **extra,
    )
    decision = control.condition_variable(o, variables)  # type: ignore[arg-type]
    assert decision == (control.CONTINUE if expected_true else control.Jump(FALSE))


def test_condition_false_without_false_target_falls_through() -> None:
    o = opt(ConditionVariableOption, condition="==", variable="${x}", value_string="y")
    assert control.condition_variable(o, {"x": "z"}) == control.CONTINUE  # type: ignore[arg-type]


# 2026-11-25 is a Wednesday (original weekday 3); 10:30 UTC.
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("option", "holds"),
    [
        # operand order as coded: option <op> current
        ({"condition": ">=", "hour": 8, "minute": -1}, False),  # 8 >= 10 is false
        ({"condition": "<=", "hour": 8, "minute": -1}, True),  # 8 <= 10
        ({"condition": ">=", "hour": 12, "minute": -1}, True),  # 12 >= 10: "until noon"
        ({"condition": "==", "hour": 10, "minute": 30}, True),
        ({"condition": "==", "hour": 10}, False),  # minute defaults to 0, as the original
        ({"condition": "==", "hour": -1, "minute": -1, "weekdays": [3]}, True),
        ({"condition": "==", "hour": -1, "minute": -1, "weekdays": [0, 6]}, False),
        ({"condition": "==", "hour": -1, "minute": -1, "month": 11, "day": 25}, True),
        ({"condition": "<", "hour": -1, "minute": -1, "month": 12}, False),  # 12 < 11
    ],
)
def test_condition_datetime_operand_order(option: dict[str, object], holds: bool) -> None:
    o = opt(ConditionDatetimeOption, false_target_id=FALSE, **option)
    decision = control.condition_datetime(o, NOW)  # type: ignore[arg-type]
    assert decision == (control.CONTINUE if holds else control.Jump(FALSE))


def test_condition_datetime_reads_utc() -> None:
    from datetime import timedelta, timezone

    local = NOW.astimezone(timezone(timedelta(hours=9)))  # 19:30 in UTC+9
    o = opt(ConditionDatetimeOption, condition="==", hour=10, minute=30, false_target_id=FALSE)
    assert control.condition_datetime(o, local) == control.CONTINUE  # type: ignore[arg-type]


def test_condition_call_digits() -> None:
    o = opt(ConditionCallDigitsOption, length=3, key="#", false_target_id=FALSE)
    assert control.condition_call_digits(o, {"voipbin.call.digits": "12"}) == control.Jump(FALSE)  # type: ignore[arg-type]
    assert control.condition_call_digits(o, {"voipbin.call.digits": "123"}) == control.CONTINUE  # type: ignore[arg-type]
    assert control.condition_call_digits(o, {"voipbin.call.digits": "1#"}) == control.CONTINUE  # type: ignore[arg-type]


def test_condition_call_status() -> None:
    o = opt(ConditionCallStatusOption, status="progressing", false_target_id=FALSE)
    assert control.condition_call_status(o, "progressing") == control.CONTINUE  # type: ignore[arg-type]
    assert control.condition_call_status(o, "ringing") == control.Jump(FALSE)  # type: ignore[arg-type]


def test_variable_set_substitutes_twice() -> None:
    variables = {"a": "${b}", "b": "deep", "name": "k"}
    o = opt(VariableSetOption, key="${name}", value="v=${a}")
    assert control.variable_set(o, variables) == control.CONTINUE  # type: ignore[arg-type]
    assert variables["k"] == "v=deep"


def test_stop_block_empty() -> None:
    assert control.stop() == control.Finish("stop")
    assert control.block() == control.Block()
    assert control.empty() == control.CONTINUE
