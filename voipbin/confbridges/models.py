"""The internal confbridge: one mixing bridge on a media node that calls join and leave
(a `connect` between two parties today; conferences, queues and transfers later).

Internal (spec resources.md, domain-rules.md §6): no API of its own; its lifecycle is
owned by ConfbridgeWorkflow (`confbridge:<id>`), the only writer of this row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from voipbin.db import ResourceBase


class ConfbridgeType(StrEnum):
    CONNECT = "connect"  # 2-party: ends when one member is left (unless no_auto_leave)
    CONFERENCE = "conference"  # multi-party: lives until terminated


class ConfbridgeStatus(StrEnum):
    PROGRESSING = "progressing"
    TERMINATING = "terminating"
    TERMINATED = "terminated"


class ConfbridgeFlag(StrEnum):
    NO_AUTO_LEAVE = "no_auto_leave"


class Confbridge(ResourceBase, table=True):
    __tablename__ = "confbridges"

    type: str = Field(default=ConfbridgeType.CONNECT.value, max_length=16)
    status: str = Field(default=ConfbridgeStatus.PROGRESSING.value, max_length=16)
    # who made it: call (connect), conference, queue, transfer, ...
    reference_type: str = Field(default="call", max_length=16)
    reference_id: UUID | None = Field(default=None)
    flags: list[str] = Field(default_factory=list, sa_type=JSONB)
    call_ids: list[str] = Field(default_factory=list, sa_type=JSONB)  # members now
    # where the bridge lives: the media node and the ARI bridge id on it
    node: str = Field(default="", max_length=64)
    bridge_id: str = Field(default="", max_length=128)
    tm_end: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
