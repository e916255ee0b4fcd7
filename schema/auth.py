from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from schema.agents import Agent, Permission
from schema.customers import Customer
from voipbin.auth.models import AccessKey as AccessKeyRow


@strawberry.type
class AuthPayload:
    token: str
    refresh_token: str
    expires_at: datetime
    customer: Customer
    agent: Agent


@strawberry.type
class Me:
    customer: Customer
    agent: Agent | None
    access_key_id: UUID | None
    permissions: list[Permission]


@strawberry.type
class AccessKey:
    id: UUID
    name: str
    detail: str
    token_prefix: str
    expires_at: datetime | None
    revoked_at: datetime | None
    tm_create: datetime

    @classmethod
    def from_model(cls, row: AccessKeyRow) -> AccessKey:
        return cls(
            id=row.id,
            name=row.name,
            detail=row.detail,
            token_prefix=row.token_prefix,
            expires_at=row.tm_expire,
            revoked_at=row.tm_revoke,
            tm_create=row.tm_create,
        )


@strawberry.type
class AccessKeyCreated:
    access_key: AccessKey
    secret: str = strawberry.field(description="The `ak_...` secret. Shown only in this response.")


@strawberry.input
class CreateAccessKeyInput:
    name: str
    detail: str = ""
    expires_at: datetime | None = None


@strawberry.input
class RefreshTokenInput:
    refresh_token: str
