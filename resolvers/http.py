"""The API's HTTP surface: /graphql (POST, GET, WebSocket), /health, /ready, /metrics.

GraphQL over HTTP is handled here rather than by Strawberry's view so that every answer,
even a transport failure, is GraphQL-shaped JSON with a stable code (DESIGN §5.1), the
body cap is enforced while reading, and responses are encoded with orjson.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import orjson
import structlog
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from resolvers.console import console_handler
from resolvers.context import build_context
from resolvers.errors import map_errors
from resolvers.root import build_schema
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.config import Settings
from voipbin.errors import DomainError, ErrorCode
from voipbin.metrics import GRAPHQL_DURATION, HTTP_REQUESTS
from voipbin.services import Services, build_services

log = structlog.get_logger(__name__)
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(payload), status_code=status, media_type="application/json", headers=headers
    )


def error_response(code: ErrorCode, message: str, status: int, **extensions: Any) -> Response:
    headers = {}
    if "retryAfter" in extensions:
        headers["Retry-After"] = str(extensions["retryAfter"])
    return _json(
        {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": code.value, **extensions}}],
        },
        status,
        headers,
    )


def _domain_response(exc: DomainError) -> Response:
    status = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.RATE_LIMITED: 429}.get(exc.code, 400)
    ext = exc.extensions()
    code = ErrorCode(ext.pop("code"))
    return error_response(code, exc.message, status, **ext)


class _BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_params(raw: Any) -> tuple[str, dict[str, Any] | None, str | None]:
    if not isinstance(raw, dict):
        raise ValueError("the body must be a JSON object")
    query, variables, op = raw.get("query"), raw.get("variables"), raw.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("`query` must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise ValueError("`variables` must be an object")
    if op is not None and not isinstance(op, str):
        raise ValueError("`operationName` must be a string")
    return query, variables, op


class GraphQLHTTP:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        self.schema = build_schema(self.settings.limits)

    def meta(self, request: Request) -> RequestMeta:
        client = request.client.host if request.client else ""
        return RequestMeta(request_id=request.state.request_id, source_ip=client)

    async def principal(self, authorization: str | None) -> Principal | None:
        return await self.services.auth.authenticate(authorization, self.services.api_limit)

    async def __call__(self, request: Request) -> Response:
        try:
            if request.method == "GET":
                params: Any = dict(request.query_params)
                if "variables" in params:
                    params["variables"] = orjson.loads(params["variables"])
                allowed = {OperationType.QUERY}
            else:
                ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype not in ("application/json", "application/graphql-response+json"):
                    return error_response(
                        ErrorCode.BAD_REQUEST, "Content-Type must be application/json", 415
                    )
                params = orjson.loads(
                    await _read_body(request, self.settings.limits.max_body_bytes)
                )
                allowed = {OperationType.QUERY, OperationType.MUTATION}
            query, variables, op_name = _parse_params(params)
        except _BodyTooLarge:
            return error_response(
                ErrorCode.PAYLOAD_TOO_LARGE,
                f"Request body exceeds {self.settings.limits.max_body_bytes} bytes",
                413,
            )
        except (orjson.JSONDecodeError, ValueError, UnicodeDecodeError) as exc:
            return error_response(ErrorCode.BAD_REQUEST, f"Malformed request: {exc}", 400)
        try:
            principal = await self.principal(request.headers.get("authorization"))
        except DomainError as exc:
            return _domain_response(exc)
        context = build_context(self.services, principal, self.meta(request))
        started = time.perf_counter()
        try:
            result = await self.schema.execute(
                query, variables, context, operation_name=op_name, allowed_operation_types=allowed
            )
        except InvalidOperationTypeError:
            return error_response(ErrorCode.BAD_REQUEST, "Mutations must be sent with POST", 405)
        except MissingQueryError:
            return error_response(ErrorCode.BAD_REQUEST, "No query given", 400)
        except Exception as exc:  # the operation name did not match, and such request errors
            return error_response(ErrorCode.BAD_REQUEST, f"Bad request: {exc}", 400)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            # Errors raised before the operation hook ran (a parse failure inside the
            # parser cache) reach here unmapped; mapping is idempotent for the rest.
            map_errors(result.errors, None)
            body["errors"] = [e.formatted for e in result.errors]
        op_type, name = _operation_label(query, op_name)
        GRAPHQL_DURATION.labels(
            operation_type=op_type, operation_name=name, outcome="error" if result.errors else "ok"
        ).observe(time.perf_counter() - started)
        return _json(body)


_OPERATION = re.compile(r"^\s*(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?")


def _operation_label(query: str, op_name: str | None) -> tuple[str, str]:
    """Metric labels from the document head, without a second parse (bounded names)."""
    m = _OPERATION.match(query)
    kind = m.group(1) if m else "query"
    name = op_name or (m.group(2) if m and m.group(2) else "anonymous")
    return kind, name[:64]


class RequestIdMiddleware:
    """X-Request-ID in (when safe), generated otherwise, echoed out, bound to logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = (
            incoming if _SAFE_REQUEST_ID.match(incoming) else "req_" + uuid.uuid4().hex[:26]
        )
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status_holder = {"status": 0}

        async def send_with_id(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                path = scope.get("path", "")
                HTTP_REQUESTS.labels(
                    method=scope.get("method", ""),
                    path=path if path in ("/graphql", "/health", "/ready", "/metrics") else "other",
                    status=str(status_holder["status"]),
                ).inc()
            structlog.contextvars.unbind_contextvars("request_id")


async def _health(_: Request) -> Response:
    return _json({"status": "ok"})


def _ready(services: Services) -> Callable[[Request], Awaitable[Response]]:
    from voipbin.readiness import check_all, telephony_nodes

    async def ready(_: Request) -> Response:
        report = await check_all(services)
        ok = all(v["ok"] for v in report.values())
        body = {
            "status": "ok" if ok else "unavailable",
            "checks": report,
            "telephony_nodes": await telephony_nodes(services),
        }
        return _json(body, 200 if ok else 503)

    return ready


async def _metrics(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _method_not_allowed(app: GraphQLHTTP) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request) -> Response:
        if request.method in ("GET", "POST"):
            return await app(request)
        return error_response(ErrorCode.BAD_REQUEST, "Use GET or POST", 405)

    return handler


async def _recording_file(services: Services, request: Request) -> Response:
    """A recording's WAV, for its owner only: the `downloadUrl` token or credentials."""
    try:
        recording_id = uuid.UUID(request.path_params["id"])
    except ValueError:
        return error_response(ErrorCode.NOT_FOUND, "recording not found", 404)
    try:
        token = request.query_params.get("token")
        principal = None
        if not token:
            principal = await services.auth.authenticate(
                request.headers.get("authorization"), services.api_limit
            )
        path = await services.recordings.file(recording_id, principal=principal, token=token)
    except DomainError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            return error_response(exc.code, exc.message, 404)
        return _domain_response(exc)
    return FileResponse(path, media_type="audio/wav", filename=f"{recording_id}.wav")


def create_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The ASGI app. Services are built at startup (or handed in by tests)."""
    holder: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        own = services is None
        svc = services or build_services(settings)
        holder["services"] = svc
        holder["graphql"] = GraphQLHTTP(svc)
        holder["ws"] = _websocket_app(svc, holder["graphql"].schema)
        holder["ready"] = _ready(svc)
        try:
            yield
        finally:
            if own:
                await svc.close()

    async def graphql(request: Request) -> Response:
        return await _method_not_allowed(holder["graphql"])(request)

    async def ready(request: Request) -> Response:
        return await holder["ready"](request)  # type: ignore[no-any-return]

    async def recording_file(request: Request) -> Response:
        return await _recording_file(holder["services"], request)

    class WebSocketEndpoint:
        # an ASGI instance, not a function: Starlette would call a function with a session
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await holder["ws"](scope, receive, send)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            WebSocketRoute("/graphql", WebSocketEndpoint()),
            Route("/health", _health),
            Route("/ready", ready),
            Route("/metrics", _metrics),
            Route("/console", console_handler()),
            Route("/console/{path:path}", console_handler()),
            Route("/recordings/{id}/file", recording_file),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(RequestIdMiddleware)  # type: ignore[arg-type]
    return app


def _websocket_app(services: Services, schema: Any) -> ASGIApp:
    from resolvers.ws import SubscriptionApp

    return SubscriptionApp(services, schema)
