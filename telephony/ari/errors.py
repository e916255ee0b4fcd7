"""ARI failures as exceptions carrying the HTTP status and Asterisk's own message."""

from __future__ import annotations


class AriError(Exception):
    def __init__(
        self, status: int | None, message: str, *, method: str = "", path: str = ""
    ) -> None:
        super().__init__(f"{method} {path}: {status} {message}".strip())
        self.status = status
        self.message = message
        self.method = method
        self.path = path


class AriNotFound(AriError):
    """404: the channel, bridge, playback, recording or route does not exist."""


class AriConflict(AriError):
    """409: duplicate id, or the channel is not in the Stasis application."""


class AriBadRequest(AriError):
    """400/422: missing or invalid parameters."""


class AriUnauthorized(AriError):
    """401/403: wrong or missing credentials."""


class AriUnavailable(AriError):
    """The node cannot be reached, or answered 5xx."""


def error_for(status: int, message: str, *, method: str, path: str) -> AriError:
    kind: type[AriError]
    if status == 404:
        kind = AriNotFound
    elif status == 409:
        kind = AriConflict
    elif status in (400, 422):
        kind = AriBadRequest
    elif status in (401, 403):
        kind = AriUnauthorized
    elif status >= 500:
        kind = AriUnavailable
    else:
        kind = AriError
    return kind(status, message, method=method, path=path)
