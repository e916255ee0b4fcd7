"""The whole event path for real: app served by Hypercorn (HTTP + WebSocket), the outbox
dispatcher, a Temporal worker on this session's own task queue, and a webhook receiver.

Durations are shrunk through settings (DESIGN §7): the retry schedule is milliseconds.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.worker import Worker

from resolvers.http import create_app
from tests.api.conftest import ROOT_PASSWORD, ROOT_USER, Api, Tenant, new_tenant
from tests.helpers.events import DispatcherControl, Receiver, served
from voipbin.config import Settings
from voipbin.seed import create_platform_admin
from voipbin.services import Services, build_services
from workflows.registry import ALL_WORKFLOWS, webhook_activities


@pytest.fixture(scope="session")
def event_settings(settings: Settings) -> Settings:
    s = settings.model_copy(deep=True)
    s.webhooks.allow_cidrs = ["127.0.0.0/8"]
    s.webhooks.retry_delays_seconds = [0.0, 0.05, 0.05]
    s.webhooks.retry_every_seconds = 0.05
    s.webhooks.window_seconds = 5.0
    s.webhooks.request_timeout_seconds = 5.0
    s.events.poll_interval_seconds = 0.2
    s.events.ws_ping_interval_seconds = 0.3
    s.events.ws_idle_timeout_seconds = 1.5
    s.events.ws_max_subscriptions = 5
    s.events.ws_max_connections_per_customer = 4
    s.limits.api_per_minute = 100_000
    s.webhooks.task_queue = f"webhooks-test-{uuid.uuid4().hex[:8]}"
    return s


@pytest.fixture(scope="session")
async def event_services(event_settings: Settings) -> AsyncIterator[Services]:
    svc = build_services(event_settings)
    yield svc
    await svc.close()


@pytest.fixture(scope="session")
async def worker(event_services: Services) -> AsyncIterator[Worker]:
    client = await event_services.temporal()
    w = Worker(
        client,
        task_queue=event_services.webhooks.task_queue,
        workflows=ALL_WORKFLOWS,
        activities=webhook_activities(event_services),
    )
    async with w:
        yield w


@pytest.fixture(scope="session")
async def dispatcher(event_services: Services, worker: Worker) -> AsyncIterator[DispatcherControl]:
    control = DispatcherControl(event_services)
    control.start()
    yield control
    await control.stop()


@pytest.fixture(scope="session")
async def base_url(event_settings: Settings, event_services: Services) -> AsyncIterator[str]:
    app = create_app(event_settings, event_services)
    async with served(app) as url:
        yield url


@pytest.fixture(scope="session")
async def api(base_url: str) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        yield Api(client)


@pytest.fixture(scope="session")
async def root_auth(event_settings: Settings, api: Api) -> str:
    await create_platform_admin(event_settings, ROOT_USER, ROOT_PASSWORD)
    login = await api.login(ROOT_USER, ROOT_PASSWORD)
    return f"Bearer {login['token']}"


@pytest.fixture
async def tenant(api: Api, root_auth: str) -> Tenant:
    return await new_tenant(api, root_auth)


@pytest.fixture
async def other_tenant(api: Api, root_auth: str) -> Tenant:
    return await new_tenant(api, root_auth, "Other Co")


@pytest.fixture(scope="session")
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    async with served(rec.app) as url:
        rec.base_url = url
        yield rec
