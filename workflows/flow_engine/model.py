"""The engine's data: actions, reserved ids, limits (spec flow-actions.md §1, §2).

Pydantic models so the whole engine state travels through Temporal's pydantic data
converter unchanged (workflow inputs, queries, continue-as-new).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# Reserved action ids (spec §1).
ACTION_ID_EMPTY = UUID(int=0)  # halt, do not advance
ACTION_ID_START = UUID(int=1)
ACTION_ID_FINISH = UUID(int=2)
ACTION_ID_NEXT = UUID(int=3)
RESERVED_ACTION_IDS = frozenset(
    {ACTION_ID_EMPTY, ACTION_ID_START, ACTION_ID_FINISH, ACTION_ID_NEXT}
)

# Reserved stack ids.
STACK_ID_EMPTY = UUID(int=0)
STACK_ID_MAIN = UUID(int=1)

NIL = ACTION_ID_EMPTY


class Action(BaseModel):
    """One flow action: `id` unique within its stack, `next_id` nil = the next element."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    next_id: UUID = NIL
    type: str
    option: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_finish(self) -> bool:
        return self.id == ACTION_ID_FINISH


START_ACTION = Action(id=ACTION_ID_START, type="")
FINISH_ACTION = Action(id=ACTION_ID_FINISH, type="")
