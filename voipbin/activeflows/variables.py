"""createActiveflow's `variables`: the original's seeding rules (spec flow-actions.md §3),
but every violation is a BAD_USER_INPUT naming the key. The original drops `voipbin.`
keys and silently ignores an oversized set as a whole; a client here learns why instead
of finding its variables missing mid-flow."""

from __future__ import annotations

from typing import Any

from voipbin.errors import InvalidInput
from workflows.flow_engine.variables import (
    MAX_INITIAL_KEYS,
    MAX_INITIAL_TOTAL_BYTES,
    MAX_INITIAL_VALUE_BYTES,
    RESERVED_PREFIX,
)

FIELD = "variables"


def _text(key: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise InvalidInput(
        f"{FIELD}.{key}", f"variable `{key}`: a value is a string, number or boolean"
    )


def check_variables(raw: Any) -> dict[str, str]:
    """Custom variables as the flow sees them (strings), or InvalidInput."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput(FIELD, "`variables` is a JSON object of names to values")
    if len(raw) > MAX_INITIAL_KEYS:
        raise InvalidInput(FIELD, f"at most {MAX_INITIAL_KEYS} variables, got {len(raw)}")
    out: dict[str, str] = {}
    total = 0
    for raw_key, raw_value in raw.items():
        key = str(raw_key).strip()
        if not key:
            raise InvalidInput(FIELD, "a variable name must not be empty")
        if key.lower().startswith(RESERVED_PREFIX):
            raise InvalidInput(
                f"{FIELD}.{key}",
                f"variable `{key}`: names starting `voipbin.` are set by the platform",
            )
        value = _text(key, raw_value)
        size = len(value.encode())
        if size > MAX_INITIAL_VALUE_BYTES:
            raise InvalidInput(
                f"{FIELD}.{key}",
                f"variable `{key}` is {size} bytes; at most {MAX_INITIAL_VALUE_BYTES}",
            )
        total += size + len(key.encode())
        out[key] = value
    if total > MAX_INITIAL_TOTAL_BYTES:
        raise InvalidInput(
            FIELD, f"variables hold {total} bytes in all; at most {MAX_INITIAL_TOTAL_BYTES}"
        )
    return out
