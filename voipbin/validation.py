"""Input checks shared by services; each failure names the offending field."""

from __future__ import annotations

from urllib.parse import urlsplit

from voipbin.errors import InvalidInput

_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t"}


def text(field: str, value: str, *, max_length: int, required: bool = False) -> str:
    if required and not value.strip():
        raise InvalidInput(field, f"`{field}` must not be empty")
    if len(value) > max_length:
        raise InvalidInput(field, f"`{field}` must be at most {max_length} characters")
    if any(ch in _CONTROL for ch in value) or "\x00" in value:
        raise InvalidInput(field, f"`{field}` contains control characters")
    return value


def username(field: str, value: str) -> str:
    value = text(field, value.strip(), max_length=255, required=True)
    if any(ch.isspace() for ch in value):
        raise InvalidInput(field, f"`{field}` must not contain spaces")
    return value


def password(field: str, value: str) -> str:
    if len(value) < 8:
        raise InvalidInput(field, f"`{field}` must be at least 8 characters")
    if len(value) > 256:
        raise InvalidInput(field, f"`{field}` must be at most 256 characters")
    return value


def email(field: str, value: str, *, required: bool = False) -> str:
    value = text(field, value.strip(), max_length=320, required=required)
    if value and ("@" not in value or value.startswith("@") or value.endswith("@") or " " in value):
        raise InvalidInput(field, f"`{field}` is not an email address")
    return value.lower()


def http_url(field: str, value: str) -> str:
    """An absolute http(s) URL or empty. Reachability rules (SSRF) are checked elsewhere."""
    value = text(field, value.strip(), max_length=2048)
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(field, f"`{field}` must be an absolute http(s) URL")
    return value
