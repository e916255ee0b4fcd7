"""Activeflow variables (spec flow-actions.md §3): `${...}` substitution and built-ins.

One flat `dict[str, str]` per activeflow. Every string inside an action's option is
substituted (recursively through objects and arrays) when the action becomes current;
unknown names become "". The pattern is the original's non-greedy `\\$\\{(.*?)\\}`, so
`${a${b}}` is not nested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID

VARIABLE = re.compile(r"\$\{(.*?)\}")

DIGITS = "voipbin.call.digits"
REFERENCE_DATA = "voipbin.flow.reference_data"
RESERVED_PREFIX = "voipbin."

MAX_INITIAL_KEYS = 100
MAX_INITIAL_VALUE_BYTES = 32 * 1024
MAX_INITIAL_TOTAL_BYTES = 64 * 1024

_ADDRESS_FIELDS = ("name", "detail", "target", "target_name", "type")


def substitute_text(text: str, variables: Mapping[str, str]) -> str:
    if "${" not in text:
        return text
    return VARIABLE.sub(lambda m: variables.get(m.group(1), ""), text)


def substitute(value: Any, variables: Mapping[str, str]) -> Any:
    """`value` with every string substituted; other values untouched.

    Containers are copied only where something changed: a value without `${` comes back as
    the very same object (options are read-only data, shared safely).
    """
    if isinstance(value, str):
        return substitute_text(value, variables)
    if isinstance(value, dict):
        items = {k: substitute(v, variables) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    if isinstance(value, list):
        elems = [substitute(v, variables) for v in value]
        return value if all(a is b for a, b in zip(elems, value, strict=True)) else elems
    return value


def activeflow_variables(
    *,
    activeflow_id: UUID,
    reference_type: str,
    reference_id: UUID,
    reference_activeflow_id: UUID,
    flow_id: UUID,
    complete_count: int,
) -> dict[str, str]:
    return {
        "voipbin.activeflow.id": str(activeflow_id),
        "voipbin.activeflow.reference_type": reference_type,
        "voipbin.activeflow.reference_id": str(reference_id),
        "voipbin.activeflow.reference_activeflow_id": str(reference_activeflow_id),
        "voipbin.activeflow.flow_id": str(flow_id),
        "voipbin.activeflow.complete_count": str(complete_count),
    }


def call_variables(call: Mapping[str, Any]) -> dict[str, str]:
    """`voipbin.call.*` from a call's public dict (snake_case keys, as events carry it).

    Also `voipbin.flow.reference_data`, the JSON of the reference call. `voipbin.call.digits`
    starts empty.
    """
    out: dict[str, str] = {"voipbin.call.id": _text(call.get("id"))}
    for side in ("source", "destination"):
        address = call.get(side) or {}
        for name in _ADDRESS_FIELDS:
            out[f"voipbin.call.{side}.{name}"] = _text(address.get(name))
    out["voipbin.call.direction"] = _text(call.get("direction"))
    out["voipbin.call.master_call_id"] = _text(call.get("master_call_id"))
    out[DIGITS] = ""
    out[REFERENCE_DATA] = json.dumps(dict(call), sort_keys=True, default=str)
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def append_digit(variables: dict[str, str], digits: str) -> None:
    """During digits_receive every received digit is appended."""
    variables[DIGITS] = variables.get(DIGITS, "") + digits


def replace_digit(variables: dict[str, str], digit: str) -> None:
    """During talk and at any other time the variable holds only the last digit."""
    variables[DIGITS] = digit


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True)


def sanitize_initial(variables: Mapping[str, Any] | None) -> dict[str, str]:
    """Caller-supplied variables (create call / create activeflow), original rules.

    Keys are trimmed, empty keys and keys starting with `voipbin.` (any case) dropped. The
    whole set is ignored (not an error) if it has more than 100 keys, a value over 32 KiB
    or more than 64 KiB in total.
    """
    if not variables:
        return {}
    if len(variables) > MAX_INITIAL_KEYS:
        return {}
    out: dict[str, str] = {}
    total = 0
    for raw_key, raw_value in variables.items():
        value = _as_text(raw_value)
        size = len(value.encode())
        if size > MAX_INITIAL_VALUE_BYTES:
            return {}
        key = str(raw_key).strip()
        total += size + len(key.encode())
        if total > MAX_INITIAL_TOTAL_BYTES:
            return {}
        if not key or key.lower().startswith(RESERVED_PREFIX):
            continue
        out[key] = value
    return out


def merge(
    inherited: Mapping[str, str], external: Mapping[str, str], system: Mapping[str, str]
) -> dict[str, str]:
    """Inherited (on-complete parent) → external → system: the system wins, unforgeable."""
    return {**inherited, **external, **system}
