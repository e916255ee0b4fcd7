from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.events import _budget
from resolvers.pagination import page_args
from schema.addresses import AddressInput
from schema.calls import Call, CallFilter, CreateCallInput
from schema.common import Connection
from voipbin.calls.service import CallFilter as Filter
from voipbin.calls.service import CreateCall
from voipbin.errors import InvalidInput


def _variables(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput("variables", "`variables` is an object of strings")
    return {str(k): str(v) for k, v in value.items()}


def _addresses(items: list[AddressInput]) -> list[dict[str, str]]:
    return [a.to_json() for a in items]


@strawberry.type
class CallQueries:
    @strawberry.field
    async def call(self, info: Info, id: UUID) -> Call:
        return Call.from_model(await info.context.services.calls.get(info.context.user, id))

    @strawberry.field
    async def calls(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: CallFilter | None = None,
    ) -> Connection[Call]:
        f = filter or CallFilter()
        page = await info.context.services.calls.list_page(
            info.context.user,
            page_args(first, after, last, before),
            Filter(
                f.status.value if f.status else None, f.direction.value if f.direction else None
            ),
        )
        return Connection[Call].from_page(page, Call.from_model)


@strawberry.type
class CallMutations:
    @strawberry.mutation(description="One call per destination; flowId or inline actions.")
    async def create_call(self, info: Info, input: CreateCallInput) -> list[Call]:
        rows = await info.context.services.calls.create(
            info.context.user,
            info.context.meta,
            CreateCall(
                source=input.source.to_json(),
                destinations=_addresses(input.destinations),
                flow_id=input.flow_id,
                actions=[a.to_json() for a in input.actions] if input.actions else None,
                idempotency_key=input.idempotency_key,
                variables=_variables(input.variables),
            ),
        )
        return [Call.from_model(r) for r in rows]

    @strawberry.mutation
    async def hangup_call(self, info: Info, id: UUID) -> Call:
        row = await info.context.services.calls.hangup(info.context.user, info.context.meta, id)
        return Call.from_model(row)


@strawberry.type
class CallSubscriptions:
    @strawberry.subscription(description="The call now, then after every change until hangup.")
    async def call_updated(self, info: Info, id: UUID) -> AsyncGenerator[Call, None]:
        stream = info.context.services.calls.watch(info.context.user, id, _budget(info))
        async for row in stream:
            yield Call.from_model(row)
