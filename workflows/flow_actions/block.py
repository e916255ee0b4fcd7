"""Executor of `block` (spec flow-actions.md §4): the flow halts until a continue request
names this action (the host's `continue_activeflow` signal) or the activeflow is stopped."""

from __future__ import annotations

from typing import Any

from workflows.flow_actions import options as o
from workflows.flow_actions.runtime import Executor
from workflows.flow_engine.model import Action


async def block(host: Any, action: Action, option: o.NoOption) -> None:
    await host.wait_continue(action)


EXECUTORS: dict[str, Executor] = {"block": block}
