"""GraphQL over WebSocket (graphql-transport-ws) at /graphql.

Authentication happens in `connection_init` (`{"authorization": "Bearer ..."}` or
`"AccessKey ak_..."`); a bad credential closes the socket with 4403 Forbidden.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from resolvers.context import Context, build_context
from voipbin.auth.principal import RequestMeta
from voipbin.errors import DomainError
from voipbin.services import Services


class SubscriptionApp(GraphQL[Context, None]):
    def __init__(self, services: Services, schema: Any) -> None:
        super().__init__(schema, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self.services = services

    async def on_ws_connect(self, context: Context) -> dict[str, Any] | None:
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        if not isinstance(authorization, str):
            raise ConnectionRejectionError({"message": "connection_init needs `authorization`"})
        try:
            principal = await self.services.auth.authenticate(authorization)
        except DomainError as exc:
            raise ConnectionRejectionError(
                {"message": exc.message, "code": exc.code.value}
            ) from exc
        context.principal = principal
        context.loaders = build_context(self.services, principal, context.meta).loaders
        return None

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        client = request.client.host if request.client else ""
        request_id = request.scope.get("state", {}).get("request_id", "")
        context = build_context(
            self.services, None, RequestMeta(request_id=request_id, source_ip=client)
        )
        return context
