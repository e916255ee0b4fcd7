from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from schema.flows import Flow
from voipbin.numbers.models import Number as NumberRow
from voipbin.numbers.providers import AvailableNumber as AvailableNumberRow


@strawberry.enum
class NumberType(Enum):
    NORMAL = "normal"
    VIRTUAL = "virtual"


@strawberry.enum
class NumberStatus(Enum):
    ACTIVE = "active"
    DELETED = "deleted"


@strawberry.enum
class AvailableNumberFeature(Enum):
    EMERGENCY = "emergency"
    FAX = "fax"
    MMS = "mms"
    SMS = "sms"
    VOICE = "voice"


@strawberry.type
class Number:
    id: UUID
    customer_id: UUID
    number: str
    type: NumberType
    call_flow_id: UUID | None
    message_flow_id: UUID | None
    name: str
    detail: str
    status: NumberStatus
    t38_enabled: bool
    emergency_enabled: bool
    tm_purchase: datetime | None
    tm_renew: datetime | None
    tm_create: datetime
    tm_update: datetime

    @strawberry.field
    async def call_flow(self, info: strawberry.Info) -> Flow | None:
        if self.call_flow_id is None:
            return None
        row = await info.context.loaders.flow_by_id.load(self.call_flow_id)
        return Flow.from_model(row) if row else None

    @strawberry.field
    async def message_flow(self, info: strawberry.Info) -> Flow | None:
        if self.message_flow_id is None:
            return None
        row = await info.context.loaders.flow_by_id.load(self.message_flow_id)
        return Flow.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: NumberRow) -> Number:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            number=row.number,
            type=NumberType(row.type),
            call_flow_id=row.call_flow_id,
            message_flow_id=row.message_flow_id,
            name=row.name,
            detail=row.detail,
            status=NumberStatus(row.status),
            t38_enabled=row.t38_enabled,
            emergency_enabled=row.emergency_enabled,
            tm_purchase=row.tm_purchase,
            tm_renew=row.tm_renew,
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.type
class AvailableNumber:
    number: str
    country: str
    region: str
    postal_code: str
    features: list[AvailableNumberFeature]

    @classmethod
    def from_model(cls, row: AvailableNumberRow) -> AvailableNumber:
        return cls(
            number=row.number,
            country=row.country,
            region=row.region,
            postal_code=row.postal_code,
            features=[AvailableNumberFeature(f) for f in row.features],
        )


@strawberry.input
class NumberFilter:
    number: str | None = None
    call_flow_id: UUID | None = None


@strawberry.input
class CreateNumberInput:
    """`type` defaults from the number: +899 numbers are virtual, every other normal."""

    number: str
    call_flow_id: UUID | None = None
    message_flow_id: UUID | None = None
    name: str = ""
    detail: str = ""
    type: NumberType | None = None


@strawberry.input
class UpdateNumberInput:
    """Absent fields stay unchanged; a flow id equal to the nil UUID detaches the flow."""

    id: UUID
    call_flow_id: UUID | None = None
    message_flow_id: UUID | None = None
    name: str | None = None
    detail: str | None = None
