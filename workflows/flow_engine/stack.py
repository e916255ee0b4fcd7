"""The stack map and next-action resolution (spec flow-actions.md §2).

The flow's actions live in the main stack. A push adds a stack (actions + return address =
the stack and action that pushed it); the end of a pushed stack returns to the action
*after* its return address; the end of the main stack is finish.

Functions mutate the `StackMap` they are given (the caller owns it) and are otherwise
pure: no I/O, no clock, no randomness. Ids the engine makes are uuid5 values derived from
the activeflow id, so a replayed workflow makes the same ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid5

from pydantic import BaseModel, Field, PrivateAttr

from workflows.flow_engine.limits import EngineLimits, check_depth
from workflows.flow_engine.model import (
    FINISH_ACTION,
    NIL,
    STACK_ID_EMPTY,
    STACK_ID_MAIN,
    Action,
)


class Stack(BaseModel):
    id: UUID
    actions: list[Action] = Field(default_factory=list)
    return_stack_id: UUID = STACK_ID_EMPTY
    return_action_id: UUID = NIL
    # id → position, built on first lookup (flows hold up to thousands of actions). Actions
    # are only ever replaced in place (same id, same position), so it never goes stale.
    _positions: dict[UUID, int] | None = PrivateAttr(default=None)

    def index_of(self, action_id: UUID) -> int:
        private = self.__pydantic_private__  # direct: attribute access to it is slow
        positions: dict[UUID, int] | None = private.get("_positions") if private else None
        if positions is None:
            positions = {}
            for i, action in enumerate(self.actions):
                positions.setdefault(action.id, i)  # the first one wins, like a scan
            self._positions = positions
        return positions.get(action_id, -1)

    def __eq__(self, other: object) -> bool:
        # The position cache is not part of a stack's value.
        if not isinstance(other, Stack):
            return NotImplemented
        return (self.id, self.actions, self.return_stack_id, self.return_action_id) == (
            other.id,
            other.actions,
            other.return_stack_id,
            other.return_action_id,
        )

    __hash__ = None  # type: ignore[assignment]


StackMap = dict[UUID, Stack]
Cursor = tuple[UUID, Action]  # (stack id, action)
FINISH: Cursor = (STACK_ID_EMPTY, FINISH_ACTION)


def new_stack_map(actions: Sequence[Action]) -> StackMap:
    return {STACK_ID_MAIN: Stack(id=STACK_ID_MAIN, actions=list(actions))}


def fill_missing_ids(activeflow_id: UUID, push_seq: int, actions: Sequence[Action]) -> list[Action]:
    """Give every action without an id a deterministic one (fetched actions have none)."""
    out: list[Action] = []
    for position, action in enumerate(actions):
        if action.id == NIL:
            new_id = uuid5(activeflow_id, f"push:{push_seq}:action:{position}")
            action = action.model_copy(update={"id": new_id})
        out.append(action)
    return out


def pushed_stack_id(activeflow_id: UUID, push_seq: int) -> UUID:
    return uuid5(activeflow_id, f"push:{push_seq}:stack")


def search_action(stack_map: StackMap, stack_id: UUID, action_id: UUID) -> Cursor | None:
    """Find `action_id` in `stack_id`, then in each return stack up the chain.

    Stacks left behind when the id is found further up are released. None if the id is
    nowhere on the chain (the map is then unchanged).
    """
    chain: list[UUID] = []
    current = stack_id
    while current in stack_map:
        stack = stack_map[current]
        idx = stack.index_of(action_id)
        if idx >= 0:
            for left in chain:
                stack_map.pop(left, None)
            return current, stack.actions[idx]
        if current == STACK_ID_MAIN:
            break
        chain.append(current)
        current = stack.return_stack_id
    return None


def next_action(stack_map: StackMap, stack_id: UUID, action: Action) -> Cursor:
    """The action after `action` (spec §2 resolution, without a forward target).

    `next_id` set → search it up the chain (not found → finish); otherwise the next array
    element; at the end of a pushed stack, the element after its return address (the
    pushed stack is released); at the end of the main stack → finish.
    """
    if action.next_id != NIL:
        found = search_action(stack_map, stack_id, action.next_id)
        return found if found is not None else FINISH
    current_stack, current_action = stack_id, action.id
    while True:
        stack = stack_map.get(current_stack)
        if stack is None:
            return FINISH
        idx = stack.index_of(current_action)
        if idx < 0:
            return FINISH
        if idx + 1 < len(stack.actions):
            return current_stack, stack.actions[idx + 1]
        if current_stack == STACK_ID_MAIN:
            return FINISH
        stack_map.pop(current_stack, None)
        current_stack, current_action = stack.return_stack_id, stack.return_action_id


def push(
    stack_map: StackMap,
    stack_id: UUID,
    actions: Sequence[Action],
    return_stack_id: UUID,
    return_action_id: UUID,
    limits: EngineLimits,
) -> Cursor | None:
    """Add a stack returning to (return_stack_id, return_action_id); its first action.

    An empty push adds nothing and returns None (the caller simply continues). A stack id
    already present (a service pushing again) is replaced.
    """
    if not actions:
        return None
    if stack_id not in stack_map:
        check_depth(depth(stack_map) + 1, limits)
    stack_map[stack_id] = Stack(
        id=stack_id,
        actions=list(actions),
        return_stack_id=return_stack_id,
        return_action_id=return_action_id,
    )
    return stack_id, stack_map[stack_id].actions[0]


def pop(stack_map: StackMap, stack_id: UUID) -> Cursor | None:
    """Release a pushed stack; the cursor goes to the action after its return address.

    None when no such stack exists (already popped or never pushed).
    """
    stack = stack_map.get(stack_id)
    if stack is None or stack_id == STACK_ID_MAIN:
        return None
    del stack_map[stack_id]
    ret_stack = stack_map.get(stack.return_stack_id)
    if ret_stack is None:
        return FINISH
    ret_action = next((a for a in ret_stack.actions if a.id == stack.return_action_id), None)
    if ret_action is None:
        return FINISH
    # "after the return address": the element after it, ignoring its next_id.
    plain = ret_action.model_copy(update={"next_id": NIL})
    return next_action(stack_map, stack.return_stack_id, plain)


def replace_action(stack_map: StackMap, stack_id: UUID, action: Action) -> None:
    """Store a changed action back (goto keeps its decremented loop_count here)."""
    stack = stack_map.get(stack_id)
    if stack is None:
        return
    idx = stack.index_of(action.id)
    if idx >= 0:
        stack.actions[idx] = action


def depth(stack_map: StackMap) -> int:
    """Pushed stacks alive (the main stack not counted)."""
    return len(stack_map) - (1 if STACK_ID_MAIN in stack_map else 0)
