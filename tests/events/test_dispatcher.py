"""The outbox dispatcher: crash between commit and publish, restart, pruning."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col

from tests.api.conftest import Tenant
from tests.helpers.events import EVENTS, WAIT, DispatcherControl, WsClient
from voipbin.db import transaction, utcnow
from voipbin.events.dispatcher import OutboxDispatcher
from voipbin.events.envelope import Envelope
from voipbin.events.models import OutboxEvent
from voipbin.events.outbox import emit
from voipbin.keys import customer_events_channel
from voipbin.services import Services


class Killed(Exception):
    """Stands for the process dying: nothing after the Redis publish happens."""


class DiesAfterPublishing(OutboxDispatcher):
    async def mark_published(self, events: Sequence[Envelope]) -> None:
        raise Killed


async def _emit(services: Services, customer_id: uuid.UUID, resource_id: uuid.UUID) -> uuid.UUID:
    async with transaction(services.sessions) as session:
        event = await emit(
            session,
            customer_id=customer_id,
            event_type="probe_updated",
            resource_type="probe",
            resource_id=resource_id,
            data={"n": 1},
        )
    return event.event_id


async def test_event_committed_while_dispatcher_dies_is_delivered_after_restart(
    base_url: str, tenant: Tenant, event_services: Services, dispatcher: DispatcherControl
) -> None:
    customer_id = uuid.UUID(tenant.customer_id)
    raw = event_services.redis.pubsub()
    await raw.subscribe(customer_events_channel(customer_id))
    ws = await WsClient.open(base_url, tenant.auth)
    op = await ws.subscribe(EVENTS, {"topics": [f"customer_id:{customer_id}:probe"]})
    # given no dispatcher runs when the state change commits
    await dispatcher.stop()
    event_id = await _emit(event_services, customer_id, uuid.uuid4())
    # when a dispatcher publishes it and dies before recording that
    dying = dispatcher.build(DiesAfterPublishing)
    with pytest.raises(Killed):
        await dying.publish_batch()
    await dying.close()  # its connection goes with the process
    # and a dispatcher starts again
    dispatcher.start()
    # then the raw channel carried it twice (at least once), both with the same event_id
    seen: list[Envelope] = []
    deadline = asyncio.get_running_loop().time() + WAIT
    while len(seen) < 2 and asyncio.get_running_loop().time() < deadline:
        # None also stands for the (ignored) subscribe confirmation: keep reading
        msg = await raw.get_message(ignore_subscribe_messages=True, timeout=1.0)
        if msg is not None and (envelope := Envelope.from_json(msg["data"])).resource_type == (
            "probe"  # the tenant's own creation events may still be on their way
        ):
            seen.append(envelope)
    assert [e.event_id for e in seen] == [event_id, event_id]
    assert seen[0].published_seq == seen[1].published_seq
    # and the subscriber got it exactly once: the duplicate is dropped by its sequence
    first = await ws.next(op)
    assert first["payload"]["data"]["events"]["eventId"] == str(event_id)
    follow_up = await _emit(event_services, customer_id, uuid.uuid4())
    second = await ws.next(op)
    assert second["payload"]["data"]["events"]["eventId"] == str(follow_up)
    # and the row is marked published
    async with event_services.sessions() as session:
        row = (
            (
                await session.execute(
                    sa.select(OutboxEvent).where(col(OutboxEvent.event_id) == event_id)
                )
            )
            .scalars()
            .one()
        )
    assert row.tm_publish is not None
    await ws.close()
    await raw.aclose()  # type: ignore[no-untyped-call]


async def test_prune_removes_only_published_events_older_than_retention(
    tenant: Tenant, event_services: Services, dispatcher: DispatcherControl
) -> None:
    customer_id = uuid.UUID(tenant.customer_id)
    old, recent = uuid.uuid4(), uuid.uuid4()
    old_id = await _emit(event_services, customer_id, old)
    recent_id = await _emit(event_services, customer_id, recent)
    retention = event_services.settings.events.retention_seconds
    async with transaction(event_services.sessions) as session:
        await session.execute(
            sa.update(OutboxEvent)
            .where(col(OutboxEvent.event_id) == old_id)
            .values(tm_publish=utcnow() - timedelta(seconds=retention + 60), published_seq=None)
        )
        # an unpublished old row must survive too: it was never delivered
        stuck = await emit(
            session,
            customer_id=customer_id,
            event_type="probe_updated",
            resource_type="probe",
            resource_id=uuid.uuid4(),
            data={},
        )
        await session.execute(
            sa.update(OutboxEvent)
            .where(col(OutboxEvent.event_id) == stuck.event_id)
            .values(tm_create=utcnow() - timedelta(seconds=retention + 60))
        )
    await dispatcher.stop()
    try:
        await dispatcher.build().prune()
        async with event_services.sessions() as session:
            left = set(
                (
                    await session.execute(
                        sa.select(col(OutboxEvent.event_id)).where(
                            col(OutboxEvent.event_id).in_([old_id, recent_id, stuck.event_id])
                        )
                    )
                ).scalars()
            )
    finally:
        dispatcher.start()
    assert left == {recent_id, stuck.event_id}


async def test_a_failed_turn_is_retried_by_the_running_dispatcher(
    tenant: Tenant, event_services: Services, dispatcher: DispatcherControl
) -> None:
    failures = {"left": 1}

    async def flaky(events: Sequence[Envelope]) -> None:  # e.g. Temporal unreachable once
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("temporal unavailable")

    await dispatcher.stop()
    s = event_services
    flaky_dispatcher = OutboxDispatcher(
        database_url=s.settings.database_url,
        sessions=s.sessions,
        redis=s.redis,
        settings=s.settings.events,
        on_published=flaky,
    )
    task = asyncio.create_task(flaky_dispatcher.run())
    try:
        event_id = await _emit(s, uuid.UUID(tenant.customer_id), uuid.uuid4())
        deadline = asyncio.get_running_loop().time() + WAIT
        published = None
        while published is None and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
            async with s.sessions() as session:
                published = (
                    await session.execute(
                        sa.select(col(OutboxEvent.tm_publish)).where(
                            col(OutboxEvent.event_id) == event_id
                        )
                    )
                ).scalar_one()
        assert failures["left"] == 0 and published is not None
    finally:
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=WAIT)
        assert done, "the dispatcher ignored its cancellation"
        dispatcher.start()
