"""A small validator for Asterisk's own Swagger 1.2 files (shared/ari-api-docs).

It checks JSON values against the `models` (required fields, types, allowed values,
nested models, `List[...]`) and requests against the `apis` (path template, method,
parameter names and allowed values).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$")
# Accepted on every request: the credential query parameter of Asterisk's http server.
GLOBAL_PARAMS = frozenset({"api_key"})


def shared_dir() -> Path:
    configured = os.environ.get("VOIPBIN_SHARED_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[4] / "shared"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: dict[str, Any]

    @property
    def response_class(self) -> str:
        return str(self.spec.get("responseClass", "void"))

    def params(self, kind: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.spec.get("parameters", []) if p["paramType"] == kind}


class AriSpec:
    def __init__(self, docs: Path) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.operations: list[Operation] = []
        for path in sorted(docs.glob("*.json")):
            document = json.loads(path.read_text())
            self.models.update(document.get("models", {}))
            for api in document.get("apis", []):
                regex = re.sub(r"\{\w+\}", r"[^/]+", api["path"])
                for operation in api.get("operations", []):
                    self.operations.append(
                        Operation(
                            operation["httpMethod"],
                            api["path"],
                            re.compile(f"^{regex}$"),
                            operation,
                        )
                    )
        # Literal paths ("/channels/create") must win over templates ("/channels/{id}").
        self.operations.sort(key=lambda o: o.template.count("{"))

    # -- models ------------------------------------------------------------------------------

    def _properties(self, model_name: str) -> dict[str, dict[str, Any]]:
        """A model's own properties plus those of the models it is a subtype of."""
        properties = dict(self.models[model_name]["properties"])
        for parent_name, parent in self.models.items():
            if model_name in parent.get("subTypes", []):
                properties = {**self._properties(parent_name), **properties}
        return properties

    def validate(self, value: Any, type_name: str, where: str = "$") -> list[str]:
        if type_name.startswith("List[") and type_name.endswith("]"):
            if not isinstance(value, list):
                return [f"{where}: expected a list for {type_name}"]
            inner = type_name[5:-1]
            return [
                e
                for i, item in enumerate(value)
                for e in self.validate(item, inner, f"{where}[{i}]")
            ]
        checks: dict[str, Any] = {
            "string": lambda v: isinstance(v, str),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "double": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "object": lambda v: isinstance(v, dict),
            "Date": lambda v: isinstance(v, str) and DATE.match(v) is not None,
        }
        if type_name in checks:
            return [] if checks[type_name](value) else [f"{where}: {value!r} is not {type_name}"]
        if type_name not in self.models:
            return [f"{where}: unknown model {type_name}"]
        if not isinstance(value, dict):
            return [f"{where}: expected object {type_name}"]
        errors: list[str] = []
        properties = self._properties(type_name)
        for name, spec in properties.items():
            if name not in value:
                if spec.get("required"):
                    errors.append(f"{where}.{name}: required by {type_name}")
                continue
            errors += self.validate(value[name], spec["type"], f"{where}.{name}")
            allowed = spec.get("allowableValues", {}).get("values")
            if allowed and value[name] not in allowed:
                errors.append(f"{where}.{name}: {value[name]!r} not in {allowed}")
        for name in value:
            if name not in properties:
                errors.append(f"{where}.{name}: not a field of {type_name}")
        return errors

    def validate_event(self, event: dict[str, Any]) -> list[str]:
        event_type = event.get("type")
        if not isinstance(event_type, str) or event_type not in self.models:
            return [f"unknown event type {event_type!r}"]
        return self.validate(event, event_type, event_type)

    # -- operations --------------------------------------------------------------------------

    def operation(self, method: str, path: str) -> Operation | None:
        path = path.removeprefix("/ari")
        for operation in self.operations:
            if operation.method == method and operation.pattern.match(path):
                return operation
        return None

    def check_request(self, method: str, path: str, query: dict[str, Any], body: Any) -> list[str]:
        operation = self.operation(method, path)
        if operation is None:
            return [f"{method} {path}: no such operation in the Swagger files"]
        where = f"{method} {operation.template}"
        errors: list[str] = []
        declared = operation.params("query")
        for name, value in query.items():
            if name in GLOBAL_PARAMS:
                continue
            spec = declared.get(name)
            if spec is None:
                errors.append(f"{where}: undeclared query parameter {name!r}")
                continue
            values = value if isinstance(value, list) else [value]
            if len(values) > 1 and not spec.get("allowMultiple"):
                errors.append(f"{where}: {name!r} repeated")
            allowed = spec.get("allowableValues", {}).get("values")
            for item in values:
                if allowed and item not in allowed:
                    errors.append(f"{where}: {name}={item!r} not in {allowed}")
                errors += _check_scalar(where, name, item, spec["dataType"])
        for name, spec in declared.items():
            if spec.get("required") and name not in query and name not in (body or {}):
                errors.append(f"{where}: required parameter {name!r} missing")
        if body is not None:
            body_params = operation.params("body")
            if not isinstance(body, dict):
                errors.append(f"{where}: body is not an object")
            else:
                for name in body:
                    if name not in body_params and name not in declared:
                        errors.append(f"{where}: undeclared body field {name!r}")
        return errors


def _check_scalar(where: str, name: str, value: str, data_type: str) -> list[str]:
    if data_type in ("int", "long") and not re.fullmatch(r"-?\d+", value):
        return [f"{where}: {name}={value!r} is not {data_type}"]
    if data_type == "boolean" and value not in ("true", "false"):
        return [f"{where}: {name}={value!r} is not boolean"]
    return []


@cache
def ari_spec() -> AriSpec:
    return AriSpec(shared_dir() / "ari-api-docs")


def traces() -> list[Path]:
    return sorted((shared_dir() / "ari-traces").glob("*.json"))
