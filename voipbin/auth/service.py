"""Login, rotating refresh tokens, logout and request authentication (DESIGN §5)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from voipbin.agents.models import Agent, Permission
from voipbin.audit.service import record
from voipbin.auth import tokens
from voipbin.auth.access_keys import AccessKeyService
from voipbin.auth.models import RefreshToken
from voipbin.auth.passwords import DUMMY_HASH, verify_password
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.auth.secrets import new_refresh_token, sha256_hex
from voipbin.config import Settings
from voipbin.customers.models import Customer, CustomerStatus
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Unauthenticated
from voipbin.keys import session_family_key, session_key
from voipbin.ratelimit import Limit, RateLimiter
from voipbin.redis_client import REDIS_DOWN

log = structlog.get_logger(__name__)
_BAD_LOGIN = "Invalid username or password"
_VERIFIED_CACHE_SIZE = 10_000
_USABLE_STATUSES = {CustomerStatus.ACTIVE.value, CustomerStatus.INITIAL.value}


@dataclass(frozen=True, slots=True)
class AuthResult:
    token: str
    refresh_token: str
    expires_at: int
    agent: Agent
    customer: Customer


class AuthService:
    def __init__(
        self,
        settings: Settings,
        sessions: SessionFactory,
        redis: Redis,
        limiter: RateLimiter,
        access_keys: AccessKeyService,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._redis = redis
        self._limiter = limiter
        self._access_keys = access_keys
        self._verified: dict[str, tokens.AccessClaims] = {}
        limits = settings.limits
        self._login_limit = Limit("login", limits.login_per_minute, limits.burst_factor)

    # -- login / refresh / logout ---------------------------------------------------

    async def login(self, meta: RequestMeta, username: str, password: str) -> AuthResult:
        await self._limiter.hit(self._login_limit, f"{meta.source_ip}|{username.lower()[:255]}")
        async with self._sessions() as session:
            agent = (
                (
                    await session.execute(
                        sa.select(Agent).where(
                            col(Agent.username) == username[:255], col(Agent.tm_delete).is_(None)
                        )
                    )
                )
                .scalars()
                .first()
            )
            customer = await session.get(Customer, agent.customer_id) if agent else None
        # Always verify a hash so response time does not reveal whether the user exists.
        ok = verify_password(agent.password_hash if agent else DUMMY_HASH, password[:256])
        usable = (
            agent is not None
            and customer is not None
            and not agent.disabled
            and customer.tm_delete is None
            and customer.status in _USABLE_STATUSES
        )
        if not (ok and usable) or agent is None or customer is None:
            async with transaction(self._sessions) as session:
                await record(
                    session,
                    meta=meta,
                    action="auth.login_failed",
                    customer_id=agent.customer_id if agent else None,
                    actor_type="agent" if agent else "anonymous",
                    actor_id=agent.id if agent else None,
                    after={
                        "username": username[:255],
                        "reason": "disabled" if ok and agent else "credentials",
                    },
                )
            raise Unauthenticated(_BAD_LOGIN)
        family = uuid4()
        async with transaction(self._sessions) as session:
            refresh = await self._new_refresh(session, agent, family)
            await record(
                session,
                meta=meta,
                action="auth.login",
                customer_id=agent.customer_id,
                actor_type="agent",
                actor_id=agent.id,
            )
        return await self._issue(agent, customer, family, refresh)

    async def refresh(self, meta: RequestMeta, refresh_token: str) -> AuthResult:
        token_hash = sha256_hex(refresh_token)
        async with transaction(self._sessions) as session:
            row = (
                (
                    await session.execute(
                        sa.select(RefreshToken)
                        .where(col(RefreshToken.token_hash) == token_hash)
                        .with_for_update()
                    )
                )
                .scalars()
                .first()
            )
            if row is None or row.tm_revoke is not None or row.tm_expire <= utcnow():
                raise Unauthenticated("Invalid or expired refresh token")
            if row.tm_used is not None:
                reused = row
            else:
                reused = None
                agent = await session.get(Agent, row.agent_id)
                customer = await session.get(Customer, row.customer_id)
                if (
                    agent is None
                    or agent.tm_delete is not None
                    or agent.disabled
                    or customer is None
                    or customer.status not in _USABLE_STATUSES
                ):
                    raise Unauthenticated("Invalid or expired refresh token")
                row.tm_used = utcnow()
                refresh = await self._new_refresh(session, agent, row.family_id)
                await record(
                    session,
                    meta=meta,
                    action="auth.refresh",
                    customer_id=row.customer_id,
                    actor_type="agent",
                    actor_id=row.agent_id,
                )
        if reused is not None:
            # A rotated token came back: someone holds a stolen copy. Kill the family.
            await self.revoke_family(reused.family_id)
            async with transaction(self._sessions) as session:
                await record(
                    session,
                    meta=meta,
                    action="auth.refresh_reuse_detected",
                    customer_id=reused.customer_id,
                    actor_type="agent",
                    actor_id=reused.agent_id,
                    after={"family_id": str(reused.family_id)},
                )
            raise Unauthenticated("Refresh token was already used; please sign in again")
        assert agent is not None  # checked in the transaction
        assert customer is not None
        return await self._issue(agent, customer, row.family_id, refresh)

    async def logout(self, principal: Principal, meta: RequestMeta) -> None:
        if principal.agent_id is None or principal.session_hash is None:
            raise Unauthenticated("Only a signed-in session can sign out")
        family = await self._family_of_session(principal.session_hash)
        try:
            await self._redis.delete(session_key(principal.session_hash))
        except REDIS_DOWN as exc:
            log.warning("logout_redis_unavailable", error=str(exc))
        if family is not None:
            await self.revoke_family(family)
        async with transaction(self._sessions) as session:
            await record(session, meta=meta, principal=principal, action="auth.logout")

    async def revoke_family(self, family_id: UUID) -> None:
        async with transaction(self._sessions) as session:
            await session.execute(
                sa.update(RefreshToken)
                .where(
                    col(RefreshToken.family_id) == family_id, col(RefreshToken.tm_revoke).is_(None)
                )
                .values(tm_revoke=utcnow())
            )
        await self._drop_family_sessions(family_id)

    async def revoke_agent(self, agent_id: UUID) -> None:
        """Every session and refresh token of an agent (disabled, deleted, new password)."""
        async with transaction(self._sessions) as session:
            families = (
                (
                    await session.execute(
                        sa.update(RefreshToken)
                        .where(
                            col(RefreshToken.agent_id) == agent_id,
                            col(RefreshToken.tm_revoke).is_(None),
                        )
                        .values(tm_revoke=utcnow())
                        .returning(col(RefreshToken.family_id))
                    )
                )
                .scalars()
                .all()
            )
        for family in set(families):
            await self._drop_family_sessions(family)

    # -- authentication of requests ---------------------------------------------------

    async def authenticate(
        self, authorization: str | None, limit: Limit | None = None
    ) -> Principal | None:
        """Principal for an `Authorization` header; None when absent; raises when bad.

        With `limit`, one token is also taken from the customer's bucket (RateLimited).
        """
        if not authorization:
            return None
        scheme, _, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() == "bearer" and credential:
            return await self._bearer(credential, limit)
        if scheme.lower() == "accesskey" and credential:
            principal = await self._access_keys.authenticate(credential)
            if limit is not None:
                await self._limiter.hit(limit, str(principal.customer_id))
            return principal
        raise Unauthenticated(
            "Unsupported Authorization header: use `Bearer <jwt>` or `AccessKey ak_...`"
        )

    async def _bearer(self, token: str, limit: Limit | None) -> Principal:
        claims = self._verify(token)
        digest = sha256_hex(token)
        bucket: object = None
        try:
            # The session check and the rate-limit hit share one round trip.
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.exists(session_key(digest))
                if limit is not None:
                    await self._limiter.queue(pipe, limit, str(claims.customer_id))
                results = await pipe.execute()
            live = bool(results[0])
            bucket = results[1] if limit is not None else None
        except REDIS_DOWN as exc:
            log.warning("session_check_db_fallback", error=str(exc))
            live = await self._family_live(claims.family_id)
        # The session is the authority: it dies with logout, refresh-token reuse, and an
        # agent being disabled, deleted or given a new password (revoke_agent). Whatever
        # freezes or deletes a customer must revoke its agents' sessions the same way.
        if not live:
            raise Unauthenticated("Session has ended; please sign in again")
        if bucket is not None:
            RateLimiter.verdict(bucket)
        return Principal(
            customer_id=claims.customer_id,
            agent_id=claims.agent_id,
            permission=claims.permission,
            session_hash=digest,
            is_platform=bool(claims.permission & Permission.PLATFORM_ADMIN),
        )

    # -- helpers ----------------------------------------------------------------------

    def _verify(self, token: str) -> tokens.AccessClaims:
        """Signature checks cost ~0.2 ms; a token verified once is remembered until it
        expires (the session check above still runs on every request)."""
        claims = self._verified.get(token)
        if claims is None or claims.exp <= time.time():
            self._verified.pop(token, None)
            claims = tokens.verify(self._settings.auth.jwt_secret, token)
            if len(self._verified) >= _VERIFIED_CACHE_SIZE:
                self._verified.pop(next(iter(self._verified)))
            self._verified[token] = claims
        return claims

    async def _new_refresh(self, session: AsyncSession, agent: Agent, family: UUID) -> str:
        token = new_refresh_token()
        session.add(
            RefreshToken(
                customer_id=agent.customer_id,
                agent_id=agent.id,
                family_id=family,
                token_hash=sha256_hex(token),
                tm_expire=utcnow()
                + timedelta(seconds=self._settings.auth.refresh_token_ttl_seconds),
            )
        )
        return token

    async def _issue(
        self, agent: Agent, customer: Customer, family: UUID, refresh: str
    ) -> AuthResult:
        ttl = self._settings.auth.access_token_ttl_seconds
        token, exp = tokens.issue(
            self._settings.auth.jwt_secret,
            tokens.AccessClaims(customer.id, agent.id, Permission(agent.permission), family, 0),
            ttl,
        )
        digest = sha256_hex(token)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(session_key(digest), str(family), ex=ttl)
                pipe.sadd(session_family_key(family), digest)
                pipe.expire(
                    session_family_key(family), self._settings.auth.refresh_token_ttl_seconds
                )
                await pipe.execute()
        except REDIS_DOWN as exc:
            # The session is still valid: the DB family check stands in while Redis is down.
            log.warning("session_store_unavailable", error=str(exc))
        return AuthResult(
            token=token, refresh_token=refresh, expires_at=exp, agent=agent, customer=customer
        )

    async def _family_of_session(self, digest: str) -> UUID | None:
        try:
            raw = await self._redis.get(session_key(digest))
        except REDIS_DOWN:
            return None
        return UUID(raw.decode() if isinstance(raw, bytes) else raw) if raw else None

    async def _family_live(self, family_id: UUID) -> bool:
        async with self._sessions() as session:
            row = await session.execute(
                sa.select(col(RefreshToken.id))
                .where(
                    col(RefreshToken.family_id) == family_id,
                    col(RefreshToken.tm_revoke).is_(None),
                )
                .limit(1)
            )
            return row.first() is not None

    async def _drop_family_sessions(self, family_id: UUID) -> None:
        try:
            members = await self._redis.smembers(session_family_key(family_id))
            keys = [session_key(m.decode() if isinstance(m, bytes) else m) for m in members] + [
                session_family_key(family_id)
            ]
            await self._redis.delete(*keys)
        except REDIS_DOWN as exc:
            log.warning("session_revoke_redis_unavailable", family=str(family_id), error=str(exc))
