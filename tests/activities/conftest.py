"""Telephony activities against simulator nodes of this test's own (fixtures shared with
the bridge tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bridge.conftest import SimNodes, platform_customer_id, services, sim
from voipbin.services import Services
from voipbin.telephony_nodes import AriPool

__all__ = ["platform_customer_id", "pool", "services", "sim"]


@pytest.fixture
async def pool(services: Services, sim: SimNodes) -> AsyncIterator[AriPool]:
    ari = AriPool(sim.ari_settings(), services.redis)
    yield ari
    await ari.aclose()
