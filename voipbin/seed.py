"""Idempotent seeding: the platform admin and the demo customer of `voipbin dev`."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import col

from voipbin.agents.models import Agent, Permission
from voipbin.auth.passwords import hash_password, verify_password
from voipbin.config import Settings
from voipbin.customers.models import Customer
from voipbin.customers.service import new_webhook_secret
from voipbin.db import create_engine, session_factory, transaction, utcnow

PLATFORM_CUSTOMER_NAME = "voipbin platform"
DEMO_CUSTOMER_NAME = "Demo customer"


@dataclass
class SeedReport:
    entries: list[tuple[str, str, str]] = field(default_factory=list)  # role, user, password

    def lines(self) -> list[str]:
        return [f"{role}: username={user} password={pw}" for role, user, pw in self.entries]


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
    return report
