"""Activeflow harness: the calls harness (simulator, ARI bridge, a worker running
CallWorkflow and ActiveflowWorkflow with the real activities), the API over ASGI on the
same services, and a local HTTP server standing in for the customer's (webhook_send
receives, fetch answers scripted actions)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from temporalio.client import WorkflowHandle

from resolvers.http import create_app
from tests.api.conftest import Api, Tenant, new_tenant
from tests.calls.conftest import CallHarness, call_harness
from tests.helpers.events import WAIT, served
from voipbin.activeflows.models import Activeflow
from voipbin.seed import create_platform_admin
from workflows.activeflow import ActiveflowResult, ActiveflowView, ActiveflowWorkflow
from workflows.ids import activeflow_workflow_id

__all__ = ["call_harness"]


@dataclass
class CustomerServer:
    """Records every request; `/actions/<name>` answers the JSON set with `answer`."""

    base_url: str = ""
    requests: asyncio.Queue[tuple[str, str, bytes]] = field(default_factory=asyncio.Queue)
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)

    def app(self) -> Starlette:
        methods = ["POST", "GET", "PUT", "DELETE"]
        return Starlette(
            routes=[
                Route("/hook/{name}", self._hook, methods=methods),
                Route("/actions/{name}", self._actions, methods=methods),
            ]
        )

    def answer(self, actions: Any, status: int = 200) -> str:
        name = uuid.uuid4().hex
        self.answers[name] = (status, json.dumps(actions))
        return f"{self.base_url}/actions/{name}"

    def hook(self) -> str:
        return f"{self.base_url}/hook/{uuid.uuid4().hex}"

    async def next_request(self) -> tuple[str, str, bytes]:
        return await asyncio.wait_for(self.requests.get(), WAIT)

    async def _hook(self, request: Request) -> Response:
        self.requests.put_nowait((request.method, request.url.path, await request.body()))
        return Response("ok")

    async def _actions(self, request: Request) -> Response:
        self.requests.put_nowait((request.method, request.url.path, await request.body()))
        status, body = self.answers[request.path_params["name"]]
        return Response(body, status_code=status, media_type="application/json")


@dataclass
class AfStack:
    h: CallHarness
    api: Api
    root_auth: str
    server: CustomerServer

    async def tenant(self) -> Tenant:
        return await new_tenant(self.api, self.root_auth)

    def handle(self, activeflow_id: uuid.UUID | str) -> WorkflowHandle[Any, ActiveflowResult]:
        return self.h.client.get_workflow_handle(
            activeflow_workflow_id(activeflow_id), result_type=ActiveflowResult
        )

    async def result(self, activeflow_id: uuid.UUID | str) -> ActiveflowResult:
        return await asyncio.wait_for(self.handle(activeflow_id).result(), WAIT)

    async def row(self, activeflow_id: uuid.UUID | str) -> Activeflow:
        async with self.h.services.sessions() as session:
            row = await session.get(Activeflow, uuid.UUID(str(activeflow_id)))
            assert row is not None
            return row

    async def wait_current(
        self, activeflow_id: uuid.UUID | str, action_type: str
    ) -> ActiveflowView:
        """Until the workflow says `action_type` is the current action (a block waits)."""
        handle = self.handle(activeflow_id)
        async with asyncio.timeout(WAIT):
            while True:
                view = await handle.query(ActiveflowWorkflow.view)
                if view.current_action.get("type") == action_type:
                    row = await self.row(activeflow_id)  # and recorded on the row
                    if row.current_action.get("type") == action_type:
                        return view
                await asyncio.sleep(0.05)

    async def event_types(self, resource_id: uuid.UUID | str) -> list[str]:
        return [e.event_type for e in await self.h.events(uuid.UUID(str(resource_id)))]

    async def calls_of(self, customer_id: uuid.UUID) -> list[Any]:
        from voipbin.calls.models import Call

        async with self.h.services.sessions() as session:
            rows = await session.execute(
                sa.select(Call).where(Call.customer_id == customer_id)  # type: ignore[arg-type]
            )
            return list(rows.scalars().all())


@pytest.fixture
async def af(call_harness: CallHarness) -> AsyncIterator[AfStack]:
    h = call_harness
    server = CustomerServer()
    root_user = f"root-{uuid.uuid4().hex[:8]}"
    await create_platform_admin(h.settings, root_user, "root-password-123")
    app = create_app(h.settings, h.services)
    async with served(server.app()) as base, app.router.lifespan_context(app):
        server.base_url = base
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            api = Api(client)
            login = await api.login(root_user, "root-password-123")
            yield AfStack(h, api, f"Bearer {login['token']}", server)
