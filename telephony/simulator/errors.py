"""The simulator's error replies, shaped like Asterisk's."""

from __future__ import annotations


class ApiError(Exception):
    """An ARI error reply: `{"message": ...}`, or `{"error": ...}` where Asterisk uses it."""

    def __init__(self, status: int, message: str, *, key: str = "message") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.key = key


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def not_in_stasis() -> ApiError:
    return ApiError(409, "Channel not in Stasis application")
