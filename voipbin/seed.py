"""Idempotent seeding: the platform admin and the demo customer of `voipbin dev`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import sqlalchemy as sa
from sqlmodel import col

from voipbin.agents.models import Agent, Permission
from voipbin.auth.passwords import hash_password, verify_password
from voipbin.config import Settings
from voipbin.customers.models import Customer
from voipbin.customers.service import new_webhook_secret
from voipbin.db import create_engine, session_factory, transaction, utcnow
from voipbin.flows.models import Flow
from voipbin.flows.validation import FlowLimits, validate_actions
from voipbin.numbers.models import Number, NumberType
from voipbin.numbers.providers import LOCAL_PROVIDER, is_virtual

PLATFORM_CUSTOMER_NAME = "voipbin platform"
DEMO_CUSTOMER_NAME = "Demo customer"


@dataclass
class SeedReport:
    entries: list[tuple[str, str, str]] = field(default_factory=list)  # role, user, password
    notes: list[str] = field(default_factory=list)  # other seeded things, one line each

    def lines(self) -> list[str]:
        logins = [f"{role}: username={user} password={pw}" for role, user, pw in self.entries]
        return logins + self.notes


async def _ensure_login(
    settings: Settings,
    customer_name: str,
    is_platform: bool,
    username: str,
    password: str,
    permission: Permission,
) -> None:
    engine = create_engine(settings.database_url, 1)
    try:
        async with transaction(session_factory(engine)) as session:
            agent = (
                (
                    await session.execute(
                        sa.select(Agent).where(
                            col(Agent.username) == username, col(Agent.tm_delete).is_(None)
                        )
                    )
                )
                .scalars()
                .first()
            )
            if agent is not None:
                if not verify_password(agent.password_hash, password):
                    agent.password_hash = hash_password(password)
                    agent.tm_update = utcnow()
                agent.disabled = False
                return
            customer = (
                (
                    await session.execute(
                        sa.select(Customer).where(
                            col(Customer.name) == customer_name,
                            col(Customer.is_platform) == is_platform,
                            col(Customer.tm_delete).is_(None),
                        )
                    )
                )
                .scalars()
                .first()
            )
            if customer is None:
                customer = Customer(
                    name=customer_name, is_platform=is_platform, webhook_secret=new_webhook_secret()
                )
                session.add(customer)
                await session.flush()
            session.add(
                Agent(
                    customer_id=customer.id,
                    username=username,
                    name=username,
                    password_hash=hash_password(password),
                    permission=int(permission),
                )
            )
    finally:
        await engine.dispose()


async def create_platform_admin(settings: Settings, username: str, password: str) -> None:
    await _ensure_login(
        settings,
        PLATFORM_CUSTOMER_NAME,
        True,
        username,
        password,
        Permission.PLATFORM_ADMIN | Permission.CUSTOMER_ADMIN,
    )


DEMO_FLOW_NAME = "Demo IVR"
DEMO_NUMBER_NAME = "Demo number"


def _demo_ivr() -> list[dict[str, Any]]:
    """Press 1 for sales, 2 for support: fixed ids, so re-seeding finds the same flow."""
    ids = {name: str(uuid5(NAMESPACE_URL, f"voipbin-demo-ivr:{name}")) for name in _DEMO_STEPS}
    nil = "00000000-0000-0000-0000-000000000000"

    def action(name: str, type_: str, option: dict[str, Any], next_id: str = nil) -> dict[str, Any]:
        return {"id": ids[name], "next_id": next_id, "type": type_, "option": option}

    return [
        action(
            "welcome", "talk", {"text": "Welcome to voipbin. Press 1 for sales, or 2 for support."}
        ),
        action("choice", "digits_receive", {"duration": 5000, "length": 1}),
        action(
            "route",
            "branch",
            {
                "target_ids": {"1": ids["sales"], "2": ids["support"]},
                "default_target_id": ids["goodbye"],
            },
        ),
        action("sales", "talk", {"text": "Connecting you to sales."}, ids["hangup"]),
        action("support", "talk", {"text": "Connecting you to support."}, ids["hangup"]),
        action("goodbye", "talk", {"text": "Sorry, no choice was made. Goodbye."}),
        action("hangup", "hangup", {"reason": "normal"}),
    ]


_DEMO_STEPS = ("welcome", "choice", "route", "sales", "support", "goodbye", "hangup")


async def _ensure_demo_number(settings: Settings) -> list[str]:
    """The demo customer's IVR flow and its number, created once, attached if detached."""
    number = settings.numbers.demo_number
    engine = create_engine(settings.database_url, 1)
    try:
        async with transaction(session_factory(engine)) as session:
            customer = (
                (
                    await session.execute(
                        sa.select(Customer).where(
                            col(Customer.name) == DEMO_CUSTOMER_NAME,
                            col(Customer.is_platform).is_(False),
                            col(Customer.tm_delete).is_(None),
                        )
                    )
                )
                .scalars()
                .first()
            )
            if customer is None:
                return []
            flow = (
                (
                    await session.execute(
                        sa.select(Flow).where(
                            col(Flow.customer_id) == customer.id,
                            col(Flow.name) == DEMO_FLOW_NAME,
                            col(Flow.tm_delete).is_(None),
                        )
                    )
                )
                .scalars()
                .first()
            )
            if flow is None:
                checked = validate_actions(_demo_ivr(), FlowLimits())
                if checked.problems:  # a broken seed must fail loudly, not seed a bad flow
                    raise ValueError(f"demo IVR is invalid: {checked.problems}")
                flow = Flow(
                    customer_id=customer.id,
                    name=DEMO_FLOW_NAME,
                    detail="Press 1 for sales, 2 for support",
                    actions=checked.actions,
                )
                session.add(flow)
                await session.flush()
            row = (
                (
                    await session.execute(
                        sa.select(Number).where(
                            col(Number.number) == number, col(Number.tm_delete).is_(None)
                        )
                    )
                )
                .scalars()
                .first()
            )
            if row is None:
                now = utcnow()
                row = Number(
                    customer_id=customer.id,
                    number=number,
                    type=NumberType.VIRTUAL.value
                    if is_virtual(number)
                    else NumberType.NORMAL.value,
                    call_flow_id=flow.id,
                    name=DEMO_NUMBER_NAME,
                    provider_name="" if is_virtual(number) else LOCAL_PROVIDER,
                    tm_purchase=now,
                    tm_renew=now,
                )
                session.add(row)
            elif row.customer_id != customer.id:
                return [f"demo number: {number} is owned by another customer; not attached"]
            elif row.call_flow_id is None:
                row.call_flow_id = flow.id
                row.tm_update = utcnow()
            return [f"demo number: {number} -> flow {DEMO_FLOW_NAME!r} ({flow.id})"]
    finally:
        await engine.dispose()


async def seed_demo(settings: Settings) -> SeedReport:
    dev = settings.dev
    await create_platform_admin(settings, dev.admin_username, dev.admin_password)
    await _ensure_login(
        settings,
        DEMO_CUSTOMER_NAME,
        False,
        dev.demo_username,
        dev.demo_password,
        Permission.CUSTOMER_ADMIN,
    )
    report = SeedReport()
    report.entries.append(("platform admin", dev.admin_username, dev.admin_password))
    report.entries.append(("demo customer admin", dev.demo_username, dev.demo_password))
    report.notes.extend(await _ensure_demo_number(settings))
    return report
