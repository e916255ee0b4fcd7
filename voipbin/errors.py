"""Client-facing error codes (DESIGN §5). Domain code raises; resolvers/errors.py maps."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED"
    RATE_LIMITED = "RATE_LIMITED"
    CONFLICT = "CONFLICT"
    INTERNAL = "INTERNAL"
    BAD_REQUEST = "BAD_REQUEST"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"


class DomainError(Exception):
    """An expected failure whose message is safe to show a client."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code.value}


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, resource: str) -> None:
        # Same text for missing and foreign ids, so tenants cannot probe each other.
        super().__init__(f"{resource} not found")


class InvalidInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code.value, "field": self.field}


class EngineUnavailable(DomainError):
    """The workflow engine refused a start: nothing was left running or half-made (the
    row is ended with a reason), so the client may simply retry."""

    code = ErrorCode.INTERNAL


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class PaymentRequired(DomainError):
    code = ErrorCode.PAYMENT_REQUIRED


class RateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, retry_after: float) -> None:
        super().__init__("Too many requests, retry later")
        self.retry_after = retry_after

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code.value, "retryAfter": max(1, round(self.retry_after + 0.499))}
