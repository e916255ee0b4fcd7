"""GraphQL over WebSocket (graphql-transport-ws) at /graphql.

Authentication happens in `connection_init` (`{"authorization": "Bearer ..."}` or
`"AccessKey ak_..."`). The server sends a protocol `ping` every
`events.ws_ping_interval_seconds` (30 s) and drops a connection it has heard nothing
from (no pong, no message) for `events.ws_idle_timeout_seconds` (60 s).

Close codes, besides the protocol's own (4400 bad message, 4401 unauthorised
subscribe, 4408 init timeout, 4409 duplicate id, 4429 repeated init):

| code | meaning |
|------|---------|
| 4403 | `connection_init` credential missing or refused (reason carries the message) |
| 4410 | idle: nothing received within the idle timeout (a dead peer) |
| 4413 | slow consumer: more than `events.ws_buffer_size` events waited for this client |
| 4430 | the customer already has `events.ws_max_connections_per_customer` connections |

Subscriptions per connection are capped by `events.ws_max_subscriptions` (an `error`
message for the refused operation; the connection stays open).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)

from resolvers.context import Context, build_context
from voipbin.auth.principal import RequestMeta
from voipbin.errors import DomainError
from voipbin.events.connections import ConnectionRegistry
from voipbin.events.hub import ConnectionBudget
from voipbin.services import Services

CLOSE_FORBIDDEN = 4403
CLOSE_IDLE = 4410
CLOSE_SLOW_CONSUMER = 4413
CLOSE_TOO_MANY_CONNECTIONS = 4430
BUDGET_KEY = "ws_budget"


class _Rejected(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason[:120]  # a close reason must fit in 123 bytes


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler plus server pings, idle drop, the buffer cap and slot upkeep."""

    view: SubscriptionApp

    async def handle(self) -> None:
        settings = self.view.services.settings.events
        self.last_seen = time.monotonic()
        self.connection_id = uuid.uuid4().hex
        self.context.extra[BUDGET_KEY] = ConnectionBudget(
            settings.ws_buffer_size, self._on_overflow
        )
        keepalive = asyncio.create_task(self._keepalive(), name="ws-keepalive")
        try:
            await super().handle()
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive
            if self.context.principal is not None and self.connection_acknowledged:
                with contextlib.suppress(Exception):
                    await self.view.connections.release(
                        self.context.principal.customer_id, self.connection_id
                    )

    async def handle_message(self, message: Message) -> None:
        self.last_seen = time.monotonic()
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid connection init payload")
            return
        if self.connection_init_received:
            await self.websocket.close(code=4429, reason="Too many initialisation requests")
            return
        self.connection_init_received = True
        self.context.connection_params = payload
        try:
            await self.view.authenticate(self.context, payload, self.connection_id)
        except _Rejected as exc:
            await self.websocket.close(code=exc.code, reason=exc.reason)
            return
        await self.send_message({"type": "connection_ack"})
        self.connection_acknowledged = True

    def _on_overflow(self) -> None:
        limit = self.view.services.settings.events.ws_buffer_size
        asyncio.get_running_loop().create_task(
            self.websocket.close(
                code=CLOSE_SLOW_CONSUMER,
                reason=f"Slow consumer: more than {limit} undelivered events",
            )
        )

    async def _keepalive(self) -> None:
        settings = self.view.services.settings.events
        # A random first tick spreads the pings (and Redis refreshes) of connections
        # opened together, instead of one burst per interval stalling every stream.
        await asyncio.sleep(settings.ws_ping_interval_seconds * random.random())
        while True:
            if time.monotonic() - self.last_seen > settings.ws_idle_timeout_seconds:
                await self.websocket.close(code=CLOSE_IDLE, reason="Idle: no pong received")
                return
            if self.connection_acknowledged and self.context.principal is not None:
                with contextlib.suppress(Exception):
                    await self.send_message({"type": "ping"})
                    await self.view.connections.refresh(
                        self.context.principal.customer_id, self.connection_id
                    )
            await asyncio.sleep(settings.ws_ping_interval_seconds)


class SubscriptionApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, services: Services, schema: Any) -> None:
        events = services.settings.events
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=events.ws_max_subscriptions,
            connection_init_wait_timeout=timedelta(seconds=events.ws_idle_timeout_seconds),
        )
        self.services = services
        self.connections = ConnectionRegistry(
            services.redis,
            events.ws_max_connections_per_customer,
            ttl_seconds=events.ws_ping_interval_seconds + events.ws_idle_timeout_seconds,
        )

    async def authenticate(
        self, context: Context, params: dict[str, Any], connection_id: str
    ) -> None:
        authorization = params.get("authorization") or params.get("Authorization")
        if not isinstance(authorization, str):
            raise _Rejected(CLOSE_FORBIDDEN, "connection_init needs `authorization`")
        try:
            principal = await self.services.auth.authenticate(authorization)
        except DomainError as exc:
            raise _Rejected(CLOSE_FORBIDDEN, f"Forbidden: {exc.message}") from exc
        if principal is None:
            raise _Rejected(CLOSE_FORBIDDEN, "connection_init needs `authorization`")
        if not await self.connections.acquire(principal.customer_id, connection_id):
            limit = self.services.settings.events.ws_max_connections_per_customer
            raise _Rejected(
                CLOSE_TOO_MANY_CONNECTIONS, f"Too many connections: the limit is {limit}"
            )
        context.principal = principal
        context.loaders = build_context(self.services, principal, context.meta).loaders

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        client = request.client.host if request.client else ""
        request_id = request.scope.get("state", {}).get("request_id", "")
        return build_context(
            self.services, None, RequestMeta(request_id=request_id, source_ip=client)
        )
