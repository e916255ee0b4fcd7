"""Per-customer caps, checked through the services with shrunken settings."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import Tenant
from voipbin.agents.models import Permission
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.config import Settings
from voipbin.errors import Conflict, InvalidInput
from voipbin.flows.service import FlowFields, FlowService
from voipbin.numbers.service import NumberFields, NumberService
from voipbin.services import Services


def admin(tenant: Tenant) -> Principal:
    return Principal(
        customer_id=uuid.UUID(tenant.customer_id),
        permission=Permission.CUSTOMER_ADMIN,
        agent_id=uuid.UUID(tenant.agent_id),
    )


async def test_flow_and_number_caps_per_customer(
    settings: Settings, services: Services, tenant: Tenant
) -> None:
    small = settings.model_copy(deep=True)
    small.flows.max_flows_per_customer = 2
    small.flows.max_actions_per_flow = 3
    small.numbers.max_numbers_per_customer = 1
    flows = FlowService(small, services.sessions, services.cache)
    numbers = NumberService(small, services.sessions)
    who, meta = admin(tenant), RequestMeta()
    # a flow over the action cap is refused with the field
    with pytest.raises(InvalidInput) as err:
        await flows.create(who, meta, FlowFields(actions=[{"type": "answer"}] * 4))
    assert err.value.field == "actions"
    problems = await flows.validate(who, [{"type": "answer"}] * 4)
    assert [p.field for p in problems] == ["actions"]
    # given two flows (the cap) and one number (the cap)
    for _ in range(2):
        await flows.create(who, meta, FlowFields(name="f", actions=[{"type": "answer"}]))
    await numbers.create(who, meta, NumberFields(number=f"+8993{uuid.uuid4().int % 10**8:08d}"))
    # then one more of each is refused
    with pytest.raises(Conflict, match="at most 2 flows"):
        await flows.create(who, meta, FlowFields(name="f", actions=[]))
    with pytest.raises(Conflict, match="at most 1 numbers"):
        await numbers.create(who, meta, NumberFields(number="+899300000001"))


async def test_on_complete_flow_is_set_and_cleared(services: Services, tenant: Tenant) -> None:
    who, meta = admin(tenant), RequestMeta()
    first = await services.flows.create(who, meta, FlowFields(name="a", actions=[]))
    second = await services.flows.create(
        who, meta, FlowFields(name="b", actions=[], on_complete_flow_id=first.id)
    )
    assert second.on_complete_flow_id == first.id
    cleared = await services.flows.update(
        who, meta, second.id, FlowFields(on_complete_flow_id=uuid.UUID(int=0))
    )
    assert cleared.on_complete_flow_id is None
    assert services.flows.engine_limits(50).max_executed_actions == 50
