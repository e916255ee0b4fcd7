"""An in-process API (the real ASGI app, real PostgreSQL and Redis) and tenants for tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from resolvers.http import create_app
from voipbin.config import Settings
from voipbin.seed import create_platform_admin
from voipbin.services import Services, build_services

ROOT_USER = "root-admin"
ROOT_PASSWORD = "root-password-123"


class Api:
    """A GraphQL client over the real HTTP stack (ASGI transport, no sockets)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, body: Any, *, auth: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if auth:
            headers["Authorization"] = auth
        return await self.client.post("/graphql", json=body, headers=headers, **kw)

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, auth: str | None = None
    ) -> dict[str, Any]:
        resp = await self.post({"query": query, "variables": variables or {}}, auth=auth)
        data: dict[str, Any] = resp.json()
        return data

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, *, auth: str | None = None
    ) -> dict[str, Any]:
        body = await self.gql(query, variables, auth=auth)
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"]
        return result

    async def login(self, username: str, password: str) -> dict[str, Any]:
        data = await self.ok(
            "mutation($u:String!,$p:String!){login(username:$u,password:$p)"
            "{token refreshToken expiresAt customer{id} agent{id}}}",
            {"u": username, "p": password},
        )
        return data["login"]  # type: ignore[no-any-return]


def error_code(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return str(body["errors"][0]["extensions"]["code"])


@dataclass
class Tenant:
    customer_id: str
    agent_id: str
    username: str
    password: str
    token: str
    refresh_token: str

    @property
    def auth(self) -> str:
        return f"Bearer {self.token}"


@pytest.fixture(scope="session")
async def services(settings: Settings) -> AsyncIterator[Services]:
    svc = build_services(settings)
    yield svc
    await svc.close()


async def _client(settings: Settings, services: Services) -> AsyncIterator[Api]:
    app = create_app(settings, services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield Api(client)


@pytest.fixture(scope="session")
async def api(settings: Settings, services: Services) -> AsyncIterator[Api]:
    async for client in _client(settings, services):
        yield client


@pytest.fixture(scope="session")
async def root_auth(settings: Settings, api: Api) -> str:
    await create_platform_admin(settings, ROOT_USER, ROOT_PASSWORD)
    login = await api.login(ROOT_USER, ROOT_PASSWORD)
    return f"Bearer {login['token']}"


CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id name } }
"""


async def new_tenant(api: Api, root_auth: str, name: str = "Acme") -> Tenant:
    username = f"admin-{uuid.uuid4().hex[:10]}"
    password = "correct-horse-battery"
    await api.ok(
        CREATE_CUSTOMER,
        {
            "input": {
                "name": name,
                "email": f"{username}@example.com",
                "adminUsername": username,
                "adminPassword": password,
            }
        },
        auth=root_auth,
    )
    login = await api.login(username, password)
    return Tenant(
        customer_id=login["customer"]["id"],
        agent_id=login["agent"]["id"],
        username=username,
        password=password,
        token=login["token"],
        refresh_token=login["refreshToken"],
    )


@pytest.fixture
async def tenant(api: Api, root_auth: str) -> Tenant:
    return await new_tenant(api, root_auth)


@pytest.fixture
async def other_tenant(api: Api, root_auth: str) -> Tenant:
    return await new_tenant(api, root_auth, "Other Co")
