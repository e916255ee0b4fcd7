"""Flow-control actions as pure functions returning a `Next` decision (spec §4).

Each function takes the action's *stored* option (not yet substituted: the function
substitutes exactly what it reads, which is how `condition_variable` can accept both
`${name}` and a bare `name`) and the activeflow variables. Functions that change variables
(branch clears, variable_set stores) mutate the dict they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from workflows.flow_actions.options import (
    BranchOption,
    ConditionCallDigitsOption,
    ConditionCallStatusOption,
    ConditionDatetimeOption,
    ConditionVariableOption,
    GotoOption,
    VariableSetOption,
)
from workflows.flow_engine.errors import FlowEngineError
from workflows.flow_engine.model import NIL, Action
from workflows.flow_engine.variables import DIGITS, substitute_text

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True, slots=True)
class Continue:
    """Go on with normal next-action resolution."""


@dataclass(frozen=True, slots=True)
class Jump:
    """Forward to an action id (searched in the current stack, then up the chain)."""

    target_id: UUID


@dataclass(frozen=True, slots=True)
class Push:
    """Push actions as a new stack returning to the current action; run its first.

    `stack_id` is a service's id (queue, conference, aicall) so the service can pop it
    later; None lets the engine make a deterministic id.
    """

    actions: list[Action] = field(default_factory=list)
    stack_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Finish:
    """End the activeflow normally (stop, hangup, end of flow)."""

    reason: str = "finished"


@dataclass(frozen=True, slots=True)
class Block:
    """Halt on this action until a "continue" names it (block; services' waits)."""


Next = Continue | Jump | Push | Finish | Block
CONTINUE = Continue()


def _jump_or_continue(ok: bool, false_target_id: UUID) -> Next:
    # A false result with no false target falls through, like the original (nil = next).
    if ok or false_target_id == NIL:
        return CONTINUE
    return Jump(false_target_id)


def branch(option: BranchOption, variables: dict[str, str]) -> Jump:
    """Jump by the variable's value; the variable is cleared (it is read once)."""
    value = variables.get(option.variable, "")
    variables[option.variable] = ""
    target = option.target_ids.get(value, option.default_target_id)
    if target == NIL:
        raise FlowEngineError(
            f"branch: no target for value {value!r} of `{option.variable}` and no default_target_id"
        )
    return Jump(target)


def goto(option: GotoOption) -> tuple[Next, GotoOption]:
    """While loop_count > 0: decrement (the caller stores it back) and jump; else continue."""
    if option.loop_count <= 0:
        return CONTINUE, option
    return Jump(option.target_id), option.model_copy(update={"loop_count": option.loop_count - 1})


def _compare(op: str, left: float | str, right: float | str) -> bool:
    ops: dict[str, Callable[[float | str, float | str], bool]] = {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        ">": lambda a, b: a > b,  # type: ignore[operator]
        ">=": lambda a, b: a >= b,  # type: ignore[operator]
        "<": lambda a, b: a < b,  # type: ignore[operator]
        "<=": lambda a, b: a <= b,  # type: ignore[operator]
    }
    return ops[op](left, right)


def variable_operand(raw: str, variables: dict[str, str]) -> str:
    """`${name}` (any text with references) is substituted; a bare name is looked up."""
    if "${" in raw:
        return substitute_text(raw, variables)
    return variables.get(raw.strip(), "")


def condition_variable(option: ConditionVariableOption, variables: dict[str, str]) -> Next:
    """`variable <op> value` as string, number (non-numeric ⇒ false) or length."""
    actual = variable_operand(option.variable, variables)
    ok: bool
    if option.value_type == "number":
        try:
            number = float(actual)
        except ValueError:
            ok = False
        else:
            ok = _compare(option.condition, number, option.value_number)
    elif option.value_type == "length":
        ok = _compare(option.condition, float(len(actual)), float(option.value_length))
    else:
        ok = _compare(option.condition, actual, substitute_text(option.value_string, variables))
    return _jump_or_continue(ok, option.false_target_id)


def condition_datetime(option: ConditionDatetimeOption, now: datetime) -> Next:
    """UTC checks in the original's order: weekdays, month, day, hour, minute.

    Operand order as coded: each test is `option_value <op> current_value`, so
    `{"hour": 8, "condition": ">="}` holds while the current hour is at most 8.
    """
    now = now.astimezone(UTC)
    weekday = (now.weekday() + 1) % 7  # Python Monday=0 → original Sunday=0
    ok = True
    if option.weekdays and weekday not in option.weekdays:
        ok = False
    checks = (
        (option.month > 0, option.month, now.month),
        (option.day > 0, option.day, now.day),
        (option.hour >= 0, option.hour, now.hour),
        (option.minute >= 0, option.minute, now.minute),
    )
    for active, wanted, current in checks:
        if ok and active and not _compare(option.condition, float(wanted), float(current)):
            ok = False
    return _jump_or_continue(ok, option.false_target_id)


def condition_call_digits(option: ConditionCallDigitsOption, variables: dict[str, str]) -> Next:
    """True when the collected digits reach `length` or contain `key` (deprecated action)."""
    digits = variables.get(DIGITS, "")
    ok = (option.length > 0 and len(digits) >= option.length) or (
        option.key != "" and option.key in digits
    )
    return _jump_or_continue(ok, option.false_target_id)


def condition_call_status(option: ConditionCallStatusOption, call_status: str) -> Next:
    return _jump_or_continue(call_status == option.status, option.false_target_id)


def variable_set(option: VariableSetOption, variables: dict[str, str]) -> Next:
    """Store one variable; the value is substituted again when stored (spec §3)."""
    key = substitute_text(option.key, variables).strip()
    if not key:
        raise FlowEngineError("variable_set: the key is empty after substitution")
    value = substitute_text(substitute_text(option.value, variables), variables)
    variables[key] = value
    return CONTINUE


def empty() -> Next:
    return CONTINUE


def stop() -> Next:
    return Finish("stop")


def block() -> Next:
    return Block()
