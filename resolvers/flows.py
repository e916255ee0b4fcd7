from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.common import Connection
from schema.flows import (
    ActionInput,
    CreateFlowInput,
    Flow,
    FlowFilter,
    FlowProblem,
    UpdateFlowInput,
)
from voipbin.flows.service import FlowFields
from voipbin.flows.service import FlowFilter as FlowQuery


@strawberry.type
class FlowQueries:
    @strawberry.field
    async def flow(self, info: Info, id: UUID) -> Flow:
        return Flow.from_model(await info.context.services.flows.get(info.context.user, id))

    @strawberry.field
    async def flows(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: FlowFilter | None = None,
    ) -> Connection[Flow]:
        query = FlowQuery(
            type=filter.type.value if filter and filter.type else None,
            name=filter.name if filter else None,
        )
        page = await info.context.services.flows.list_page(
            info.context.user, page_args(first, after, last, before), query
        )
        return Connection[Flow].from_page(page, Flow.from_model)

    @strawberry.field(description="Every problem of a flow's actions, without saving it.")
    async def validate_flow(self, info: Info, actions: list[ActionInput]) -> list[FlowProblem]:
        problems = await info.context.services.flows.validate(
            info.context.user, [a.to_json() for a in actions]
        )
        return [FlowProblem.from_problem(p) for p in problems]


@strawberry.type
class FlowMutations:
    @strawberry.mutation
    async def create_flow(self, info: Info, input: CreateFlowInput) -> Flow:
        row = await info.context.services.flows.create(
            info.context.user,
            info.context.meta,
            FlowFields(
                name=input.name,
                detail=input.detail,
                actions=[a.to_json() for a in input.actions],
                on_complete_flow_id=input.on_complete_flow_id,
            ),
        )
        return Flow.from_model(row)

    @strawberry.mutation
    async def update_flow(self, info: Info, input: UpdateFlowInput) -> Flow:
        row = await info.context.services.flows.update(
            info.context.user,
            info.context.meta,
            input.id,
            FlowFields(
                name=input.name,
                detail=input.detail,
                actions=[a.to_json() for a in input.actions] if input.actions is not None else None,
                on_complete_flow_id=input.on_complete_flow_id,
            ),
        )
        return Flow.from_model(row)

    @strawberry.mutation
    async def delete_flow(self, info: Info, id: UUID) -> Flow:
        row = await info.context.services.flows.delete(info.context.user, info.context.meta, id)
        return Flow.from_model(row)
