"""Event streams for subscriptions: authorised topics, outbox replay, then live events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col

from voipbin.agents.models import Agent, Permission
from voipbin.auth.principal import MANAGER_OR_ADMIN, Principal
from voipbin.config import EventSettings
from voipbin.db import SessionFactory
from voipbin.errors import Forbidden, InvalidInput
from voipbin.events.envelope import Envelope
from voipbin.events.hub import ConnectionBudget, EventHub, Subscriber
from voipbin.events.models import OutboxEvent
from voipbin.events.topics import FIELD, Scope, Topic, parse_topic

MAX_TOPICS = 100


class EventService:
    def __init__(self, sessions: SessionFactory, hub: EventHub, settings: EventSettings) -> None:
        self._sessions = sessions
        self._hub = hub
        self._settings = settings

    async def authorize(self, principal: Principal, raw_topics: Sequence[str]) -> list[Topic]:
        """Parses every topic and refuses any of another customer or agent (nothing runs)."""
        if not raw_topics:
            raise InvalidInput(FIELD, "`topics` must name at least one topic")
        if len(raw_topics) > MAX_TOPICS:
            raise InvalidInput(FIELD, f"at most {MAX_TOPICS} topics per subscription")
        topics = [parse_topic(t) for t in raw_topics]
        for raw, topic in zip(raw_topics, topics, strict=True):
            await self._check(principal, raw, topic)
        return topics

    async def _check(self, principal: Principal, raw: str, topic: Topic) -> None:
        if principal.has(Permission.PLATFORM_ADMIN):
            return
        if topic.scope is Scope.CUSTOMER:
            if topic.scope_id != principal.customer_id:
                raise Forbidden(f"topic `{raw}` belongs to another customer")
            if not principal.has(MANAGER_OR_ADMIN):
                raise Forbidden(
                    f"topic `{raw}`: customer-wide topics need the admin or manager "
                    "permission; subscribe to agent_id:<your agent id>:... instead"
                )
            return
        if topic.scope_id == principal.agent_id:
            return
        if principal.has(MANAGER_OR_ADMIN) and await self._agent_customer(topic.scope_id) == (
            principal.customer_id
        ):
            return
        raise Forbidden(f"topic `{raw}` belongs to another agent")

    async def _agent_customer(self, agent_id: UUID) -> UUID | None:
        async with self._sessions() as session:
            stmt = sa.select(col(Agent.customer_id)).where(col(Agent.id) == agent_id)
            return (await session.execute(stmt)).scalar_one_or_none()

    async def _customers_of(self, principal: Principal, topics: list[Topic]) -> frozenset[UUID]:
        out: set[UUID] = set()
        for topic in topics:
            if topic.scope is Scope.CUSTOMER:
                out.add(topic.scope_id)
            elif topic.scope_id == principal.agent_id:
                out.add(principal.customer_id)
            else:
                owner = await self._agent_customer(topic.scope_id)
                if owner is not None:
                    out.add(owner)
        return frozenset(out)

    async def stream(
        self,
        principal: Principal,
        raw_topics: Sequence[str],
        budget: ConnectionBudget,
        after_event_id: UUID | None = None,
    ) -> AsyncIterator[Envelope]:
        """Replays what followed `after_event_id`, then live events, each once, in order.

        The subscriber is registered before the outbox is read and the dispatcher commits
        an event's `published_seq` before publishing it, so every event is either in the
        replay or arrives live; anything not above the last passed-on sequence is a
        duplicate and dropped.
        """
        topics = await self.authorize(principal, raw_topics)
        customers = await self._customers_of(principal, topics)
        after_seq = await self._seq_of(customers, after_event_id) if after_event_id else None

        def accepts(event: Envelope) -> bool:
            return any(t.matches(event) for t in topics)

        subscriber = Subscriber(customer_ids=customers, accepts=accepts, budget=budget)
        await self._hub.add(subscriber)
        try:
            last = after_seq
            if after_seq is not None:
                for event in await self.replay(customers, topics, after_seq):
                    last = event.published_seq
                    yield event
            while True:
                item = await subscriber.next()
                if item is None:  # the hub reconnected to Redis: fill the hole from the outbox
                    if last is not None:
                        for event in await self.replay(customers, topics, last):
                            last = event.published_seq
                            yield event
                    continue
                if last is not None and item.published_seq <= last:
                    continue
                last = item.published_seq
                yield item
        finally:
            self._hub.remove(subscriber)

    async def _seq_of(self, customers: frozenset[UUID], event_id: UUID) -> int:
        async with self._sessions() as session:
            seq = (
                await session.execute(
                    sa.select(col(OutboxEvent.published_seq)).where(
                        col(OutboxEvent.event_id) == event_id,
                        col(OutboxEvent.customer_id).in_(customers),
                    )
                )
            ).scalar_one_or_none()
        if seq is None:
            raise InvalidInput(
                "afterEventId",
                "`afterEventId` is not an event of these topics that is still kept for replay; "
                "reload the state and subscribe without it",
            )
        return int(seq)

    async def replay(
        self, customers: frozenset[UUID], topics: list[Topic], after_seq: int
    ) -> list[Envelope]:
        limit = self._settings.replay_max_events
        async with self._sessions() as session:
            rows = (
                (
                    await session.execute(
                        sa.select(OutboxEvent)
                        .where(
                            col(OutboxEvent.customer_id).in_(customers),
                            col(OutboxEvent.published_seq) > after_seq,
                        )
                        .order_by(col(OutboxEvent.published_seq))
                        .limit(limit + 1)
                    )
                )
                .scalars()
                .all()
            )
        events = [Envelope.from_row(r) for r in rows]
        if len(events) > limit:
            raise InvalidInput(
                "afterEventId",
                f"more than {limit} events were missed; reload the state and subscribe again",
            )
        return [e for e in events if any(t.matches(e) for t in topics)]
