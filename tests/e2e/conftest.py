"""End to end: the call harness (simulator, ARI bridge, calls worker) plus the served API
(HTTP + WebSocket), the outbox dispatcher, webhook deliveries and a webhook receiver."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from temporalio.worker import Worker

from resolvers.http import create_app
from tests.api.conftest import Api, Tenant
from tests.calls.conftest import CallHarness, call_harness
from tests.helpers.events import DispatcherControl, Receiver, served
from voipbin.seed import create_platform_admin
from workflows.registry import webhook_activities
from workflows.webhook_delivery import WebhookDeliveryWorkflow

__all__ = ["call_harness", "stack"]


@dataclass
class Stack:
    h: CallHarness
    api: Api
    base_url: str
    receiver: Receiver
    root_auth: str


@pytest.fixture
async def stack(call_harness: CallHarness) -> AsyncIterator[Stack]:
    h = call_harness
    client = await h.services.temporal()
    webhooks = Worker(
        client,
        task_queue=h.settings.webhooks.task_queue,
        workflows=[WebhookDeliveryWorkflow],
        activities=webhook_activities(h.services),
    )
    dispatcher = DispatcherControl(h.services)
    receiver = Receiver()
    root_user, root_password = f"root-{uuid.uuid4().hex[:8]}", "root-password-123"
    async with (
        webhooks,
        served(receiver.app) as hooks_url,
        served(create_app(h.settings, h.services)) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        receiver.base_url = hooks_url
        dispatcher.start()
        api = Api(http)
        await create_platform_admin(h.settings, root_user, root_password)
        login = await api.login(root_user, root_password)
        try:
            yield Stack(h, api, base_url, receiver, f"Bearer {login['token']}")
        finally:
            await dispatcher.stop()


__all__ += ["Tenant"]
