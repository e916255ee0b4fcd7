"""Every activity stub has exactly one implementation, with the same name and signature."""

from __future__ import annotations

import inspect
import typing
from typing import Any
from unittest.mock import MagicMock

import activities.contracts.webhooks as webhook_contracts
from workflows.registry import webhook_activities

CONTRACT_MODULES = [webhook_contracts]


def _name(fn: Any) -> str:
    return str(fn.__temporal_activity_definition.name)


def _shape(fn: Any) -> tuple[list[Any], Any]:
    hints = typing.get_type_hints(fn)
    params = [p for p in inspect.signature(fn).parameters if p != "self"]
    return [hints[p] for p in params], hints["return"]


def test_stubs_and_implementations_match() -> None:
    stubs = {
        _name(fn): fn
        for module in CONTRACT_MODULES
        for _, fn in inspect.getmembers(module, inspect.isfunction)
        if hasattr(fn, "__temporal_activity_definition")
    }
    services = MagicMock()
    impls: dict[str, Any] = {}
    for fn in webhook_activities(services):
        name = _name(fn)
        assert name not in impls, f"{name} is registered twice"
        impls[name] = fn
    assert set(stubs) == set(impls)
    for name, stub in stubs.items():
        assert _shape(stub) == _shape(impls[name]), name
        assert name.split(".")[0] in ("webhooks",) and name == name.lower()
