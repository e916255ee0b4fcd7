"""HS256 access tokens via Authlib (DESIGN §5). Only HS256 is accepted: `alg: none` and
every other algorithm are refused before the signature is even considered."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from uuid import UUID, uuid4

import authlib.deprecate  # noqa: F401  (installs its "always" filter before ours below)

with warnings.catch_warnings():
    # DESIGN §5 names Authlib; its jose module warns about a future move to joserfc.
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebToken
    from authlib.jose.errors import JoseError

from voipbin.agents.models import Permission
from voipbin.errors import Unauthenticated

_JWT = JsonWebToken(["HS256"])


@dataclass(frozen=True, slots=True)
class AccessClaims:
    customer_id: UUID
    agent_id: UUID
    permission: Permission
    family_id: UUID
    exp: int


def permission_names(permission: Permission) -> list[str]:
    return [p.name for p in Permission if p.value and p in permission and p.name]


def issue(secret: str, claims: AccessClaims, ttl_seconds: int) -> tuple[str, int]:
    now = int(time.time())
    exp = now + ttl_seconds
    payload = {
        "customer_id": str(claims.customer_id),
        "agent_id": str(claims.agent_id),
        "permissions": permission_names(claims.permission),
        "sid": str(claims.family_id),
        "jti": uuid4().hex,
        "iat": now,
        "exp": exp,
    }
    token = _JWT.encode({"alg": "HS256", "typ": "JWT"}, payload, secret)
    return token.decode(), exp


def verify(secret: str, token: str) -> AccessClaims:
    try:
        claims = _JWT.decode(token, secret)
        claims.validate(now=int(time.time()), leeway=0)
        if "exp" not in claims:
            raise Unauthenticated("Token has no expiry")
        permission = Permission.NONE
        for name in claims["permissions"]:
            permission |= Permission[name]
        return AccessClaims(
            customer_id=UUID(claims["customer_id"]),
            agent_id=UUID(claims["agent_id"]),
            permission=permission,
            family_id=UUID(claims["sid"]),
            exp=int(claims["exp"]),
        )
    except Unauthenticated:
        raise
    except (JoseError, KeyError, ValueError, TypeError) as exc:
        raise Unauthenticated("Invalid or expired token") from exc
