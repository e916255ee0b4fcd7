"""Typed engine failures. The workflow turns each into an activeflow event with `reason`."""

from __future__ import annotations

from uuid import UUID


class FlowEngineError(Exception):
    """An execution error: the activeflow is stopped (spec §2 "Errors")."""

    reason = "flow_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoopGuardError(FlowEngineError):
    """A limit of `EngineLimits` was hit: the flow loops or nests without end."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ActionNotFoundError(FlowEngineError):
    """A jump target (branch/goto/condition false target/forward) is not in the flow."""

    reason = "action_not_found"

    def __init__(self, action_type: str, target_id: UUID) -> None:
        super().__init__(f"{action_type}: target action {target_id} does not exist in the flow")
        self.target_id = target_id


class StaleActionError(FlowEngineError):
    """A completion named an action that is no longer current: ignore it (spec §2)."""

    reason = "stale_action"

    def __init__(self, expected: UUID, got: UUID) -> None:
        super().__init__(f"action {got} completed but the current action is {expected}")
        self.expected = expected
        self.got = got


class MediaMismatchError(FlowEngineError):
    """An action needs media this activeflow lacks (e.g. `talk` without a call). The
    original skips it silently; a strict activeflow stops with this instead."""

    reason = "media_mismatch"

    def __init__(self, action_type: str, reference_type: str) -> None:
        super().__init__(
            f"action `{action_type}` needs a call; an activeflow with reference_type "
            f"`{reference_type}` cannot run it"
        )
        self.action_type = action_type


class ActiveflowEndedError(FlowEngineError):
    """The activeflow has already ended: nothing can advance it."""

    reason = "ended"
