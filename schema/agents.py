from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from schema.addresses import Address, AddressInput
from schema.customers import Customer
from voipbin.agents.models import Agent as AgentRow
from voipbin.agents.models import Permission as PermissionBits


@strawberry.enum
class Permission(Enum):
    PLATFORM_ADMIN = "PLATFORM_ADMIN"
    CUSTOMER_ADMIN = "CUSTOMER_ADMIN"
    CUSTOMER_MANAGER = "CUSTOMER_MANAGER"
    CUSTOMER_AGENT = "CUSTOMER_AGENT"


@strawberry.enum
class AgentStatus(Enum):
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    OFFLINE = "offline"
    RINGING = "ringing"


@strawberry.enum
class RingMethod(Enum):
    RINGALL = "ringall"
    LINEAR = "linear"


def permissions_of(bits: int) -> list[Permission]:
    flags = PermissionBits(bits)
    return [Permission(p.name) for p in PermissionBits if p.value and p in flags and p.name]


def bits_of(permissions: list[Permission]) -> PermissionBits:
    out = PermissionBits.NONE
    for p in permissions:
        out |= PermissionBits[p.value]
    return out


@strawberry.type
class Agent:
    id: UUID
    customer_id: UUID
    username: str
    name: str
    detail: str
    ring_method: RingMethod
    status: AgentStatus
    permissions: list[Permission]
    disabled: bool
    addresses: list[Address]
    tm_create: datetime
    tm_update: datetime

    @strawberry.field
    async def customer(self, info: strawberry.Info) -> Customer | None:
        row = await info.context.loaders.customer_by_id.load(self.customer_id)
        return Customer.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: AgentRow) -> Agent:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            username=row.username,
            name=row.name,
            detail=row.detail,
            ring_method=RingMethod(row.ring_method),
            status=AgentStatus(row.status),
            permissions=permissions_of(row.permission),
            disabled=row.disabled,
            addresses=[Address.from_json(a) for a in row.addresses],
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.input
class AgentFilter:
    status: AgentStatus | None = None


@strawberry.input
class CreateAgentInput:
    username: str
    password: str
    name: str = ""
    detail: str = ""
    ring_method: RingMethod = RingMethod.RINGALL
    permissions: list[Permission] = strawberry.field(
        default_factory=lambda: [Permission.CUSTOMER_AGENT]
    )
    addresses: list[AddressInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateAgentInput:
    id: UUID
    name: str | None = None
    detail: str | None = None
    password: str | None = None
    ring_method: RingMethod | None = None
    status: AgentStatus | None = None
    permissions: list[Permission] | None = None
    disabled: bool | None = None
    addresses: list[AddressInput] | None = None
