"""The README settings table, generated from the Settings model (drift is a test failure)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from voipbin.config import Settings

_ALIASED = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "temporal_address": "TEMPORAL_ADDRESS",
}


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += _rows(annotation, f"{prefix}{name.upper()}__")
            continue
        env = _ALIASED.get(name) if not prefix.endswith("__") else None
        rows.append((env or f"{prefix}{name.upper()}", _default(field), field.description or ""))
    return rows


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return "(computed)"
    value = field.default
    if value == "":
        return "(empty)"
    return f"`{value}`"


def settings_table() -> str:
    lines = ["| environment variable | default | meaning |", "|---|---|---|"]
    lines += [
        f"| `{env}` | {default} | {desc} |" for env, default, desc in _rows(Settings, "VOIPBIN_")
    ]
    return "\n".join(lines)
