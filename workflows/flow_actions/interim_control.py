"""Flow-control executors used by the call workflow's runner until engineer A's pure
flow engine (`workflows/flow_engine`) is wired in: branch, goto, condition_variable,
variable_set, stop. Semantics as spec flow-actions.md §4."""

from __future__ import annotations

from typing import Any

from workflows.flow_actions import options as o
from workflows.flow_actions.runtime import ActionFailed, Executor, FlowStopped, substitute


async def branch(host: Any, action: dict[str, Any], option: o.BranchOption) -> None:
    variables = host.state.variables
    value = variables.get(option.variable, "")
    variables[option.variable] = ""  # branch clears the variable it reads
    target = option.target_ids.get(value, option.default_target_id)
    if target == o.NIL_UUID:
        raise ActionFailed(f"no target for value {value!r} and no default_target_id")
    host.runner.jump(target)


async def goto(host: Any, action: dict[str, Any], option: o.GotoOption) -> None:
    if option.loop_count > 0:
        stored = dict(action.get("option") or {})
        stored["loop_count"] = option.loop_count - 1  # kept in the action, as the original
        action["option"] = stored
        host.runner.jump(option.target_id)


def _compare(left: Any, op: str, right: Any) -> bool:
    result: bool = {
        "==": left == right,
        "!=": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]
    return result


async def condition_variable(
    host: Any, action: dict[str, Any], option: o.ConditionVariableOption
) -> None:
    variable = option.variable
    if "${" not in str((action.get("option") or {}).get("variable", "")):
        variable = host.state.variables.get(variable, variable)  # accept the bare name too
    if option.value_type == "number":
        try:
            ok = _compare(float(variable), option.condition, option.value_number)
        except ValueError:
            ok = False
    elif option.value_type == "length":
        ok = _compare(len(variable), option.condition, option.value_length)
    else:
        ok = _compare(variable, option.condition, option.value_string)
    if not ok:
        host.runner.jump(option.false_target_id)


async def variable_set(host: Any, action: dict[str, Any], option: o.VariableSetOption) -> None:
    host.state.variables[option.key] = str(substitute(option.value, host.state.variables))


async def stop(host: Any, action: dict[str, Any], option: o.NoOption) -> None:
    raise FlowStopped()


EXECUTORS: dict[str, Executor] = {
    "branch": branch,
    "goto": goto,
    "condition_variable": condition_variable,
    "variable_set": variable_set,
    "stop": stop,
}
