"""Loop guards (spec §2 "Limits"): a flow that loops forever is stopped, with a reason.

The numbers are workflow inputs (filled from settings by whoever starts the activeflow),
never read from the environment inside the engine.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from workflows.flow_engine.errors import LoopGuardError

MAX_EXECUTED_ACTIONS = "max_executed_actions"
MAX_HOPS = "max_hops"
MAX_STACK_DEPTH = "max_stack_depth"


class EngineLimits(BaseModel):
    max_executed_actions: int = Field(
        100, ge=1, description="Actions one activeflow may execute in total, loops included."
    )
    max_hops: int = Field(
        1000, ge=1, description="Inline flow actions in one step before the engine gives up."
    )
    max_stack_depth: int = Field(100, ge=1, description="Pushed stacks alive at once.")


def check_executed(count: int, limits: EngineLimits) -> None:
    if count > limits.max_executed_actions:
        raise LoopGuardError(
            MAX_EXECUTED_ACTIONS,
            f"the activeflow executed more than {limits.max_executed_actions} actions "
            "(a loop without end?); it was stopped",
        )


def check_hops(hops: int, limits: EngineLimits) -> None:
    if hops > limits.max_hops:
        raise LoopGuardError(
            MAX_HOPS,
            f"more than {limits.max_hops} flow actions ran without reaching a call action; "
            "the activeflow was stopped",
        )


def check_depth(depth: int, limits: EngineLimits) -> None:
    if depth > limits.max_stack_depth:
        raise LoopGuardError(
            MAX_STACK_DEPTH,
            f"more than {limits.max_stack_depth} nested stacks (fetch/fetch_flow without end); "
            "the activeflow was stopped",
        )
