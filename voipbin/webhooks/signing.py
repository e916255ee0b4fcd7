"""Webhook signatures (DESIGN §9): HMAC-SHA256 over `timestamp + "." + body`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_PREFIX = "sha256="


def new_signing_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-VoIPBIN-Signature` header value."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
