"""The one place that turns errors into `extensions.code` (STYLE §2.4).

DomainError → its code (+ field / retryAfter); parse failures → GRAPHQL_PARSE_FAILED
(token limit → QUERY_TOO_COMPLEX); validation → GRAPHQL_VALIDATION_FAILED, except bad
values (a malformed UUID, a wrong variable type) → BAD_USER_INPUT with the field;
anything else → INTERNAL with a fixed message, logged with its traceback, never shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import structlog
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from voipbin.errors import DomainError, ErrorCode

log = structlog.get_logger(__name__)

_VARIABLE = re.compile(r"Variable '\$(\w+)'")
_ARGUMENT = re.compile(r"[Aa]rgument '(\w+)'|field '(\w+)'")
_VALUE_PROBLEMS = (
    "got invalid value",
    "Expected value of type",
    "Expected type",
    "cannot represent",
    "is not defined by type",
    "of required type",
    "was not provided",
)
INTERNAL_MESSAGE = "Internal error; quote the request id when you report it"


def _field_from(message: str) -> str:
    m = _VARIABLE.search(message)
    if m:
        return m.group(1)
    m = _ARGUMENT.search(message)
    if m:
        return m.group(1) or m.group(2)
    return ""


def classify(error: GraphQLError, phase: str | None) -> GraphQLError:
    """The client-facing form of one error."""
    if "code" in (error.extensions or {}):
        return error
    original = error.original_error
    if isinstance(original, DomainError):
        return GraphQLError(
            original.message, nodes=error.nodes, path=error.path, extensions=original.extensions()
        )
    message = error.message
    if phase == "parse" or isinstance(error, GraphQLSyntaxError):
        code = (
            ErrorCode.QUERY_TOO_COMPLEX if "tokens" in message else ErrorCode.GRAPHQL_PARSE_FAILED
        )
        return GraphQLError(message, extensions={"code": code.value})
    if phase == "validate" and not any(p in message for p in _VALUE_PROBLEMS):
        return GraphQLError(
            message,
            nodes=error.nodes,
            extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
        )
    if phase == "validate" or error.path is None:
        # A bad literal value, or variables that failed coercion before any resolver ran.
        return GraphQLError(
            message,
            nodes=error.nodes,
            extensions={"code": ErrorCode.BAD_USER_INPUT.value, "field": _field_from(message)},
        )
    log.error(
        "graphql_internal_error",
        error=repr(original or error),
        path=error.path,
        exc_info=original if isinstance(original, BaseException) else None,
    )
    return GraphQLError(
        INTERNAL_MESSAGE, path=error.path, extensions={"code": ErrorCode.INTERNAL.value}
    )


def map_errors(errors: list[GraphQLError], phase: str | None) -> None:
    errors[:] = [classify(e, phase) for e in errors]


class ErrorCodeExtension(SchemaExtension):
    """Rewrites every error in place after the operation, for HTTP and WebSocket alike."""

    _phase: str | None = None

    def on_validate(self) -> Iterator[None]:
        yield
        if self.execution_context.pre_execution_errors:
            self._phase = "validate"

    def on_operation(self) -> Iterator[None]:
        self._phase = None
        yield
        if self.execution_context.graphql_document is None:
            # ParserCache parses inside its own hook, so parse failures are seen here.
            self._phase = "parse"
        result: Any = self.execution_context.result
        errors = getattr(result, "errors", None) if result is not None else None
        if errors is None:
            errors = self.execution_context.pre_execution_errors
        if errors:
            map_errors(errors, self._phase)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        # Subscriptions: each streamed result (an event, or the error that ended the
        # stream) is sent before on_operation finishes, so it is mapped here.
        errors = getattr(result, "errors", None)
        if errors:
            map_errors(errors, self._phase)
        yield
