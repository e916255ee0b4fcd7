from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.activeflows import Activeflow, ActiveflowFilter, CreateActiveflowInput
from schema.common import Connection
from voipbin.activeflows.service import ActiveflowFilter as Filter
from voipbin.activeflows.service import CreateActiveflow


@strawberry.type
class ActiveflowQueries:
    @strawberry.field
    async def activeflow(self, info: Info, id: UUID) -> Activeflow:
        row = await info.context.services.activeflows.get(info.context.user, id)
        return Activeflow.from_model(row)

    @strawberry.field
    async def activeflows(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ActiveflowFilter | None = None,
    ) -> Connection[Activeflow]:
        f = filter or ActiveflowFilter()
        page = await info.context.services.activeflows.list_page(
            info.context.user,
            page_args(first, after, last, before),
            Filter(f.status.value if f.status else None, f.reference_id),
        )
        return Connection[Activeflow].from_page(page, Activeflow.from_model)


@strawberry.type
class ActiveflowMutations:
    @strawberry.mutation(description="Runs a flow without a call (reference_type `api`).")
    async def create_activeflow(self, info: Info, input: CreateActiveflowInput) -> Activeflow:
        row = await info.context.services.activeflows.create(
            info.context.user,
            info.context.meta,
            CreateActiveflow(
                flow_id=input.flow_id,
                actions=[a.to_json() for a in input.actions] if input.actions is not None else None,
                variables=input.variables,
                webhook_uri=input.webhook_uri,
                webhook_method=input.webhook_method.value,
                id=input.id,
            ),
        )
        return Activeflow.from_model(row)

    @strawberry.mutation(description="Stops a running activeflow first, then deletes it.")
    async def delete_activeflow(self, info: Info, id: UUID) -> Activeflow:
        row = await info.context.services.activeflows.delete(
            info.context.user, info.context.meta, id
        )
        return Activeflow.from_model(row)

    @strawberry.mutation(description="Releases the `block` action the activeflow waits in.")
    async def continue_activeflow(self, info: Info, id: UUID, action_id: UUID) -> Activeflow:
        row = await info.context.services.activeflows.continue_flow(
            info.context.user, info.context.meta, id, action_id
        )
        return Activeflow.from_model(row)

    @strawberry.mutation(description="Ends the flow (idempotent); a call's flow hangs it up.")
    async def stop_activeflow(self, info: Info, id: UUID) -> Activeflow:
        row = await info.context.services.activeflows.stop(info.context.user, info.context.meta, id)
        return Activeflow.from_model(row)
