"""Call recordings: the row plus where its file is kept (deleted with it at retention)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from voipbin.db import ResourceBase


class RecordingStatus(StrEnum):
    INITIATING = "initiating"
    RECORDING = "recording"
    STOPPING = "stopping"
    ENDED = "ended"


class Recording(ResourceBase, table=True):
    __tablename__ = "recordings"
    __table_args__ = (sa.Index("ix_recordings_customer_id_tm_create", "customer_id", "tm_create"),)

    owner_type: str = Field(default="", max_length=32)
    owner_id: UUID | None = Field(default=None)
    reference_type: str = Field(default="call", max_length=16)
    reference_id: UUID
    status: str = Field(default=RecordingStatus.INITIATING.value, max_length=16)
    format: str = Field(default="wav", max_length=8)
    activeflow_id: UUID | None = Field(default=None)
    on_end_flow_id: UUID | None = Field(default=None)
    # internal: the recorder's name on the media node, and the file we keep
    recording_name: str = Field(default="", max_length=255)
    node: str = Field(default="", max_length=64)
    file_path: str = Field(default="", max_length=1024)
    file_size: int = Field(default=0)
    tm_start: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    tm_end: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
