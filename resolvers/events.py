from __future__ import annotations

from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry

from resolvers.context import Info
from resolvers.ws import BUDGET_KEY
from schema.agents import Agent
from schema.events import Event
from voipbin.agents.models import Agent as AgentRow
from voipbin.errors import InvalidInput
from voipbin.events.hub import ConnectionBudget

EVENTS_DESCRIPTION = """Events of the given topics, live.

Topics: `customer_id:<id>[:<resource>[:<id>|*]]` or `agent_id:<id>[:<resource>[:<id>|*]]`;
only your own customer (admin/manager) or agent. With `afterEventId`, the events published
after that one are replayed first (while kept), then live ones follow, without gap or
duplicate. A connection whose client falls more than the buffer size behind is closed
with code 4413."""


def _after(value: strawberry.ID | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidInput("afterEventId", "`afterEventId` must be an event id") from None


def _budget(info: Info) -> ConnectionBudget:
    budget = info.context.extra.get(BUDGET_KEY)
    if isinstance(budget, ConnectionBudget):
        return budget
    limit = info.context.services.settings.events.ws_buffer_size
    return ConnectionBudget(limit, lambda: None)


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(description=EVENTS_DESCRIPTION)
    async def events(
        self, info: Info, topics: list[str], after_event_id: strawberry.ID | None = None
    ) -> AsyncGenerator[Event, None]:
        stream = info.context.services.events.stream(
            info.context.user, topics, _budget(info), _after(after_event_id)
        )
        async for event in stream:
            yield Event.from_envelope(event)

    @strawberry.subscription(
        description="An agent as it changes (status, presence, profile): the agent itself, "
        "or a customer admin/manager, may follow it."
    )
    async def agent_updated(self, info: Info, id: UUID) -> AsyncGenerator[Agent, None]:
        user = info.context.user
        topic = (
            f"agent_id:{id}:agent:{id}"
            if id == user.agent_id
            else f"customer_id:{user.customer_id}:agent:{id}"
        )
        stream = info.context.services.events.stream(user, [topic], _budget(info))
        async for event in stream:
            # the event carries the agent's public fields; the hash never leaves the service
            yield Agent.from_model(AgentRow.model_validate({**event.data, "password_hash": ""}))
