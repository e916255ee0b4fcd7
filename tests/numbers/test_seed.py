"""`voipbin dev`'s seed gives the demo customer an IVR flow and a number, idempotently."""

from __future__ import annotations

import random

import sqlalchemy as sa
from sqlmodel import col

from voipbin.config import Settings
from voipbin.customers.models import Customer
from voipbin.flows.models import Flow
from voipbin.flows.validation import FlowLimits, validate_actions
from voipbin.numbers.models import Number
from voipbin.seed import DEMO_CUSTOMER_NAME, DEMO_FLOW_NAME, seed_demo
from voipbin.services import Services


async def test_seed_demo_number_and_ivr_twice(settings: Settings, services: Services) -> None:
    # a number of its own: other tests of this session buy from the same inventory
    settings = settings.model_copy(deep=True)
    settings.numbers.demo_number = f"+8992{random.randrange(10**8):08d}"
    first = await seed_demo(settings)
    second = await seed_demo(settings)
    number = settings.numbers.demo_number
    assert any(line.startswith(f"demo number: {number} -> flow") for line in first.lines())
    assert first.lines() == second.lines()
    async with services.sessions() as session:
        customer = (
            await session.execute(
                sa.select(Customer).where(
                    col(Customer.name) == DEMO_CUSTOMER_NAME, col(Customer.is_platform).is_(False)
                )
            )
        ).scalar_one()
        flows = (
            (
                await session.execute(
                    sa.select(Flow).where(
                        col(Flow.customer_id) == customer.id, col(Flow.name) == DEMO_FLOW_NAME
                    )
                )
            )
            .scalars()
            .all()
        )
        numbers = (
            (await session.execute(sa.select(Number).where(col(Number.number) == number)))
            .scalars()
            .all()
        )
    assert len(flows) == 1 and len(numbers) == 1
    assert numbers[0].customer_id == customer.id and numbers[0].call_flow_id == flows[0].id
    assert [a["type"] for a in flows[0].actions] == [
        "talk",
        "digits_receive",
        "branch",
        "talk",
        "talk",
        "talk",
        "hangup",
    ]
    assert validate_actions(flows[0].actions, FlowLimits()).problems == []
    found = await services.numbers.find_active_by_number(number)
    assert found is not None and found.id == numbers[0].id
