from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from resolvers.context import Info
from schema.agents import Agent, permissions_of
from schema.auth import AuthPayload, Me, RefreshTokenInput
from schema.customers import Customer
from voipbin.auth.service import AuthResult


def _payload(result: AuthResult) -> AuthPayload:
    return AuthPayload(
        token=result.token,
        refresh_token=result.refresh_token,
        expires_at=datetime.fromtimestamp(result.expires_at, UTC),
        customer=Customer.from_model(result.customer),
        agent=Agent.from_model(result.agent),
    )


@strawberry.type
class AuthQueries:
    @strawberry.field(
        description="The caller: customer, agent (null for access keys), permissions."
    )
    async def me(self, info: Info) -> Me:
        principal = info.context.user
        services = info.context.services
        customer = await services.customers.get(principal)
        agent = (
            await services.agents.get(principal, principal.agent_id) if principal.agent_id else None
        )
        return Me(
            customer=Customer.from_model(customer),
            agent=Agent.from_model(agent) if agent else None,
            access_key_id=principal.access_key_id,
            permissions=permissions_of(int(principal.permission)),
        )


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Sign in: a 1 h access token plus a rotating refresh token.")
    async def login(self, info: Info, username: str, password: str) -> AuthPayload:
        result = await info.context.services.auth.login(info.context.meta, username, password)
        return _payload(result)

    @strawberry.mutation(description="Trade a refresh token for a new pair; each works once.")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        result = await info.context.services.auth.refresh(info.context.meta, input.refresh_token)
        return _payload(result)

    @strawberry.mutation(description="End this session: the token and its refresh family die.")
    async def logout(self, info: Info) -> bool:
        await info.context.services.auth.logout(info.context.user, info.context.meta)
        return True
