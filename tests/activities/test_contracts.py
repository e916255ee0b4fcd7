"""Every telephony activity stub has exactly one implementation with its name and shape."""

from __future__ import annotations

import inspect
import typing
from typing import Any
from unittest.mock import MagicMock

import activities.contracts.confbridges as cb_contracts
import activities.contracts.telephony as contracts
from activities.confbridges import ConfbridgeActivities
from activities.telephony import TelephonyActivities


def _name(fn: Any) -> str:
    return str(fn.__temporal_activity_definition.name)


def _shape(fn: Any) -> tuple[list[Any], Any]:
    hints = typing.get_type_hints(fn)
    params = [p for p in inspect.signature(fn).parameters if p != "self"]
    return [hints[p] for p in params], hints["return"]


def test_telephony_stubs_and_implementations_match() -> None:
    stubs = {
        _name(fn): fn
        for _, fn in inspect.getmembers(contracts, inspect.isfunction)
        if hasattr(fn, "__temporal_activity_definition")
    }
    impls: dict[str, Any] = {}
    for fn in TelephonyActivities(MagicMock(), MagicMock()).all():
        assert _name(fn) not in impls, f"{_name(fn)} is registered twice"
        impls[_name(fn)] = fn
    assert set(stubs) == set(impls)
    for name, stub in stubs.items():
        assert _shape(stub) == _shape(impls[name]), name
        assert name.startswith("telephony.") and name == name.lower()
        assert name == f"telephony.{stub.__name__}"


def test_confbridge_stubs_and_implementations_match() -> None:
    stubs = {
        _name(fn): fn
        for _, fn in inspect.getmembers(cb_contracts, inspect.isfunction)
        if hasattr(fn, "__temporal_activity_definition")
    }
    impls = {_name(fn): fn for fn in ConfbridgeActivities(MagicMock()).all()}
    assert set(stubs) == set(impls)
    for name, stub in stubs.items():
        assert _shape(stub) == _shape(impls[name]), name
        assert name == f"confbridges.{stub.__name__}"
