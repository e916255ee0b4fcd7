"""Per-request DataLoaders bound to the caller (STYLE §2.5): never module-global."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from strawberry.dataloader import DataLoader

from voipbin.agents.models import Agent
from voipbin.auth.principal import Principal
from voipbin.customers.models import Customer
from voipbin.flows.models import Flow
from voipbin.services import Services


@dataclass(frozen=True)
class Loaders:
    customer_by_id: DataLoader[UUID, Customer | None]
    agent_by_id: DataLoader[UUID, Agent | None]
    flow_by_id: DataLoader[UUID, Flow | None]


def build_loaders(services: Services, principal: Principal | None) -> Loaders:
    async def customers(ids: list[UUID]) -> list[Customer | None]:
        if principal is None:
            return [None] * len(ids)
        return await services.customers.get_many(principal, ids)

    async def agents(ids: list[UUID]) -> list[Agent | None]:
        if principal is None:
            return [None] * len(ids)
        return await services.agents.get_many(principal, ids)

    async def flows(ids: list[UUID]) -> list[Flow | None]:
        if principal is None:
            return [None] * len(ids)
        return await services.flows.get_many(principal, ids)

    return Loaders(
        customer_by_id=DataLoader(load_fn=customers),
        agent_by_id=DataLoader(load_fn=agents),
        flow_by_id=DataLoader(load_fn=flows),
    )
