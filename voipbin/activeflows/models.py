"""An activeflow: one running instance of a flow for one reference (a call, the API...)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from voipbin.db import ResourceBase


class ActiveflowStatus(StrEnum):
    RUNNING = "running"
    ENDED = "ended"


class Activeflow(ResourceBase, table=True):
    __tablename__ = "activeflows"
    __table_args__ = (sa.Index("ix_activeflows_customer_id_tm_create", "customer_id", "tm_create"),)

    flow_id: UUID | None = Field(default=None)
    status: str = Field(default=ActiveflowStatus.RUNNING.value, max_length=16)
    reference_type: str = Field(default="", max_length=32)
    reference_id: UUID | None = Field(default=None)
    reference_activeflow_id: UUID | None = Field(default=None)
    on_complete_flow_id: UUID | None = Field(default=None)
    webhook_uri: str = Field(default="", max_length=2048)
    webhook_method: str = Field(default="", max_length=8)
    current_action: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    forward_action_id: UUID | None = Field(default=None)
    executed_actions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    # internal: the actions being run (a flow's, or inline ones) and the last error
    actions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    execute_count: int = Field(default=0)
    # why it ended (finished, stopped, max_executed_actions, ...) and, when it ended early,
    # the message for the customer; the original keeps these only in its logs
    end_reason: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    error: str = Field(default="", max_length=2048, sa_column_kwargs={"server_default": ""})
