"""Opaque secrets: generation and the SHA-256 form we store."""

from __future__ import annotations

import hashlib
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits

ACCESS_KEY_PREFIX = "ak_"
REFRESH_TOKEN_PREFIX = "rt_"  # noqa: S105  (a prefix, not a secret)


def random_token(length: int = 32) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_access_key() -> str:
    return ACCESS_KEY_PREFIX + random_token(32)


def new_refresh_token() -> str:
    return REFRESH_TOKEN_PREFIX + random_token(48)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def is_access_key_shaped(value: str) -> bool:
    return (
        len(value) == len(ACCESS_KEY_PREFIX) + 32
        and value.startswith(ACCESS_KEY_PREFIX)
        and all(c in _ALPHABET for c in value[len(ACCESS_KEY_PREFIX) :])
    )
