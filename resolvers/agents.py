from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.agents import Agent, AgentFilter, CreateAgentInput, UpdateAgentInput, bits_of
from schema.common import Connection
from voipbin.agents.service import AgentFields


@strawberry.type
class AgentQueries:
    @strawberry.field
    async def agent(self, info: Info, id: UUID) -> Agent:
        return Agent.from_model(await info.context.services.agents.get(info.context.user, id))

    @strawberry.field
    async def agents(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AgentFilter | None = None,
    ) -> Connection[Agent]:
        status = filter.status.value if filter and filter.status else None
        page = await info.context.services.agents.list_page(
            info.context.user, page_args(first, after, last, before), status
        )
        return Connection[Agent].from_page(page, Agent.from_model)


@strawberry.type
class AgentMutations:
    @strawberry.mutation
    async def create_agent(self, info: Info, input: CreateAgentInput) -> Agent:
        row = await info.context.services.agents.create(
            info.context.user,
            info.context.meta,
            AgentFields(
                username=input.username,
                password=input.password,
                name=input.name,
                detail=input.detail,
                ring_method=input.ring_method.value,
                permission=bits_of(input.permissions),
                addresses=[a.to_json() for a in input.addresses],
            ),
        )
        return Agent.from_model(row)

    @strawberry.mutation
    async def update_agent(self, info: Info, input: UpdateAgentInput) -> Agent:
        row = await info.context.services.agents.update(
            info.context.user,
            info.context.meta,
            input.id,
            AgentFields(
                password=input.password,
                name=input.name,
                detail=input.detail,
                ring_method=input.ring_method.value if input.ring_method else None,
                status=input.status.value if input.status else None,
                permission=bits_of(input.permissions) if input.permissions is not None else None,
                disabled=input.disabled,
                addresses=[a.to_json() for a in input.addresses]
                if input.addresses is not None
                else None,
            ),
        )
        return Agent.from_model(row)

    @strawberry.mutation
    async def delete_agent(self, info: Info, id: UUID) -> Agent:
        row = await info.context.services.agents.delete(info.context.user, info.context.meta, id)
        return Agent.from_model(row)
