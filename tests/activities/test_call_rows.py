"""The call workflow's row writes (set_status, set_action, end_activeflow) against real
PostgreSQL: each guard (allowed transitions, a retried step, an ended activeflow) holds
in the UPDATE itself, every change has its event, and a refused change has none."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from activities.calls import EXECUTED_KEPT, CallActivities
from activities.contracts import calls as c
from voipbin.activeflows.models import Activeflow
from voipbin.calls.models import Call
from voipbin.calls.service import insert_call
from voipbin.db import transaction
from voipbin.events.models import OutboxEvent
from voipbin.services import Services


def _activities(services: Services) -> CallActivities:
    async def never(*_: Any) -> Any:
        raise AssertionError("not used by row writes")

    nothing: Any = None  # TTS, HTTP and URL guard: not used by row writes
    return CallActivities(
        services.sessions,
        nothing,
        nothing,
        nothing,
        never,
        never,
        never,
        services.activeflows.start_on_complete,
    )


async def _new_call(services: Services) -> tuple[Call, Activeflow]:
    customer = uuid.uuid4()
    call_id = uuid.uuid4()
    call = Call(
        id=call_id,
        customer_id=customer,
        source={"type": "tel", "target": "+15550000001"},
        destination={"type": "tel", "target": "+15550000002"},
        channel_id=str(call_id),
        direction="outgoing",
    )
    flow = Activeflow(customer_id=customer, reference_type="call", reference_id=call_id)
    call.activeflow_id = flow.id
    async with transaction(services.sessions) as session:
        await insert_call(session, call, flow)
    return call, flow


async def _events(services: Services, resource_id: uuid.UUID) -> list[tuple[str, Any]]:
    async with services.sessions() as session:
        rows = await session.execute(
            sa.select(col(OutboxEvent.event_type), col(OutboxEvent.data))
            .where(col(OutboxEvent.resource_id) == resource_id)
            .order_by(col(OutboxEvent.sequence))
        )
        return [(kind, data) for kind, data in rows.all()]


async def test_status_moves_only_forward_and_each_move_has_its_event(services: Services) -> None:
    rows = _activities(services)
    call, _ = await _new_call(services)

    ringing = await rows.set_status(
        c.SetStatusInput(call.id, call.customer_id, "ringing", node="n1")
    )
    again = await rows.set_status(c.SetStatusInput(call.id, call.customer_id, "ringing"))
    hangup = await rows.set_status(
        c.SetStatusInput(call.id, call.customer_id, "hangup", "remote", "busy", 17)
    )
    late = await rows.set_status(c.SetStatusInput(call.id, call.customer_id, "progressing"))

    assert (ringing, again, hangup, late) == (
        c.CallRow("ringing", True),
        c.CallRow("ringing", False),
        c.CallRow("hangup", True),
        c.CallRow("hangup", False),
    )
    events = await _events(services, call.id)
    assert [kind for kind, _ in events] == ["call_created", "call_ringing", "call_hangup"]
    last = events[-1][1]
    assert (last["status"], last["hangup_by"], last["hangup_reason"]) == (
        "hangup",
        "remote",
        "busy",
    )
    assert last["tm_ringing"] is not None and last["tm_hangup"] is not None
    async with services.sessions() as session:
        stored = await session.get(Call, call.id)
    assert stored is not None
    assert (stored.node, stored.hangup_cause, stored.tm_progressing) == ("n1", 17, None)


async def test_status_of_a_call_without_a_row_is_an_error(services: Services) -> None:
    with pytest.raises(RuntimeError, match="has no row"):
        await _activities(services).set_status(
            c.SetStatusInput(uuid.uuid4(), uuid.uuid4(), "ringing")
        )


async def test_actions_keep_the_last_hundred_and_a_retried_step_changes_nothing(
    services: Services,
) -> None:
    rows = _activities(services)
    call, flow = await _new_call(services)
    total = EXECUTED_KEPT + 5
    for n in range(1, total + 1):
        step = c.SetActionInput(
            call.customer_id, call.id, flow.id, {"id": str(n), "type": "sleep"}, n
        )
        await rows.set_action(step)
    # a retry of step 3 (its activity ran twice) comes after the others
    await rows.set_action(
        c.SetActionInput(call.customer_id, call.id, flow.id, {"id": "3", "type": "sleep"}, 3)
    )

    async with services.sessions() as session:
        stored = await session.get(Activeflow, flow.id)
        stored_call = await session.get(Call, call.id)
    assert stored is not None and stored_call is not None
    assert stored.execute_count == total
    assert [a["id"] for a in stored.executed_actions] == [
        str(n) for n in range(total - EXECUTED_KEPT + 1, total + 1)
    ]
    assert stored.current_action["id"] == str(total) and "tm_execute" in stored.current_action
    assert stored_call.action["id"] == str(total)
    updates = [k for k, _ in await _events(services, flow.id) if k == "activeflow_updated"]
    assert len(updates) == total


async def test_an_ended_activeflow_takes_no_step_and_ends_once(services: Services) -> None:
    rows = _activities(services)
    call, flow = await _new_call(services)
    end = c.EndActiveflowInput(call.customer_id, flow.id, "stopped", "x" * 3000)

    await rows.end_activeflow(end)
    await rows.end_activeflow(end)
    await rows.set_action(
        c.SetActionInput(call.customer_id, call.id, flow.id, {"id": "1", "type": "talk"}, 1)
    )

    async with services.sessions() as session:
        stored = await session.get(Activeflow, flow.id)
    assert stored is not None
    assert (stored.status, stored.end_reason, len(stored.error)) == ("ended", "stopped", 2048)
    assert (stored.execute_count, stored.executed_actions) == (0, [])
    kinds = [k for k, _ in await _events(services, flow.id)]
    assert kinds == ["activeflow_created", "activeflow_updated"]
