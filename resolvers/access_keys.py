from __future__ import annotations

from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.pagination import page_args
from schema.auth import AccessKey, AccessKeyCreated, CreateAccessKeyInput
from schema.common import Connection


@strawberry.type
class AccessKeyQueries:
    @strawberry.field
    async def access_key(self, info: Info, id: UUID) -> AccessKey:
        return AccessKey.from_model(
            await info.context.services.access_keys.get(info.context.user, id)
        )

    @strawberry.field
    async def access_keys(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AccessKey]:
        page = await info.context.services.access_keys.list_page(
            info.context.user, page_args(first, after, last, before)
        )
        return Connection[AccessKey].from_page(page, AccessKey.from_model)


@strawberry.type
class AccessKeyMutations:
    @strawberry.mutation(description="Create an access key; its `ak_` secret is shown only here.")
    async def create_access_key(self, info: Info, input: CreateAccessKeyInput) -> AccessKeyCreated:
        created = await info.context.services.access_keys.create(
            info.context.user, info.context.meta, input.name, input.detail, input.expires_at
        )
        return AccessKeyCreated(access_key=AccessKey.from_model(created.key), secret=created.secret)

    @strawberry.mutation
    async def revoke_access_key(self, info: Info, id: UUID) -> AccessKey:
        row = await info.context.services.access_keys.revoke(
            info.context.user, info.context.meta, id
        )
        return AccessKey.from_model(row)
