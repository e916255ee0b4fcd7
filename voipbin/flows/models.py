from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from voipbin.db import ResourceBase


class FlowType(StrEnum):
    """The original's FlowType: customer flows and the ones services create."""

    FLOW = "flow"
    CONFERENCE = "conference"
    QUEUE = "queue"
    CAMPAIGN = "campaign"
    TRANSFER = "transfer"


class Flow(ResourceBase, table=True):
    """An IVR program: an ordered list of actions (spec flow-actions.md)."""

    __tablename__ = "flows"
    __table_args__ = (
        sa.Index("ix_flows_customer_id_tm_create", "customer_id", "tm_create"),
        sa.Index("ix_flows_customer_id_type", "customer_id", "type"),
    )

    type: str = Field(default=FlowType.FLOW.value, max_length=16)
    name: str = Field(default="", max_length=255)
    detail: str = Field(default="", max_length=2000)
    # [{id, next_id, type, option}] with every id filled (generated at save when missing)
    actions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    on_complete_flow_id: UUID | None = Field(default=None)
