"""Executors of the actions that place calls: `connect` (dial, the first that answers
joins this call in a confbridge: `flow_actions/confbridge.py`) and `call` (independent new
calls running their own flow)."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

from workflows.flow_actions import confbridge
from workflows.flow_actions import options as o
from workflows.flow_actions.runtime import ActionFailed, Executor
from workflows.flow_engine.control import Next
from workflows.flow_engine.model import Action


def _address(address: o.Address) -> dict[str, Any]:
    return address.model_dump() if address.target else {}


async def connect(host: Any, action: Action, option: o.ConnectOption) -> Next | None:
    destinations = [d.model_dump() for d in option.destinations if d.type in ("tel", "sip")]
    if not destinations:
        raise ActionFailed("connect needs at least one tel or sip destination")
    if workflow.patched(confbridge.CONNECT_CONFBRIDGE_PATCH):
        return await confbridge.connect(host, action, option, destinations)
    await host.connect(_address(option.source), destinations, action)  # recorded histories
    return None


async def call(host: Any, action: Action, option: o.CallOption) -> None:
    destinations = [d.model_dump() for d in option.destinations if d.type in ("tel", "sip")]
    if not destinations:
        raise ActionFailed("call needs at least one tel or sip destination")
    flow_id = option.flow_id if option.flow_id != o.NIL_UUID else None
    await host.place_independent(
        _address(option.source),
        destinations,
        flow_id,
        list(option.actions),
        option.chained,
        option.early_execution,
    )


EXECUTORS: dict[str, Executor] = {"connect": connect, "call": call}
