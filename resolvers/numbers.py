from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.common import Connection
from schema.numbers import (
    AvailableNumber,
    CreateNumberInput,
    Number,
    NumberFilter,
    NumberType,
    UpdateNumberInput,
)
from voipbin.numbers.service import NumberFields
from voipbin.numbers.service import NumberFilter as NumberQuery


@strawberry.type
class NumberQueries:
    @strawberry.field
    async def number(self, info: Info, id: UUID) -> Number:
        return Number.from_model(await info.context.services.numbers.get(info.context.user, id))

    @strawberry.field
    async def numbers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: NumberFilter | None = None,
    ) -> Connection[Number]:
        query = NumberQuery(
            number=filter.number if filter else None,
            call_flow_id=filter.call_flow_id if filter else None,
        )
        page = await info.context.services.numbers.list_page(
            info.context.user, page_args(first, after, last, before), query
        )
        return Connection[Number].from_page(page, Number.from_model)

    @strawberry.field(description="Numbers the provider can sell now (the local inventory).")
    async def available_numbers(
        self,
        info: Info,
        country_code: str = "US",
        type: NumberType = NumberType.NORMAL,
        first: int = 10,
    ) -> list[AvailableNumber]:
        rows = await info.context.services.numbers.available(
            info.context.user, country_code, type.value, first
        )
        return [AvailableNumber.from_model(r) for r in rows]


@strawberry.type
class NumberMutations:
    @strawberry.mutation
    async def create_number(self, info: Info, input: CreateNumberInput) -> Number:
        row = await info.context.services.numbers.create(
            info.context.user,
            info.context.meta,
            NumberFields(
                number=input.number,
                type=input.type.value if input.type else None,
                call_flow_id=input.call_flow_id,
                message_flow_id=input.message_flow_id,
                name=input.name,
                detail=input.detail,
            ),
        )
        return Number.from_model(row)

    @strawberry.mutation
    async def update_number(self, info: Info, input: UpdateNumberInput) -> Number:
        row = await info.context.services.numbers.update(
            info.context.user,
            info.context.meta,
            input.id,
            NumberFields(
                call_flow_id=input.call_flow_id,
                message_flow_id=input.message_flow_id,
                name=input.name,
                detail=input.detail,
            ),
        )
        return Number.from_model(row)

    @strawberry.mutation
    async def delete_number(self, info: Info, id: UUID) -> Number:
        row = await info.context.services.numbers.delete(info.context.user, info.context.meta, id)
        return Number.from_model(row)
