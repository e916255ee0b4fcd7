from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.conftest import Api, _client, error_code
from voipbin.config import Settings
from voipbin.services import build_services


@pytest.fixture
async def closed_api(settings: Settings) -> AsyncIterator[Api]:
    closed = settings.model_copy(deep=True)
    closed.limits.introspection = False
    svc = build_services(closed)
    async for client in _client(closed, svc):
        yield client
    await svc.close()


async def test_introspection_can_be_switched_off(closed_api: Api) -> None:
    body = await closed_api.gql("{ __schema { queryType { name } } }")
    assert error_code(body) == "GRAPHQL_VALIDATION_FAILED"
