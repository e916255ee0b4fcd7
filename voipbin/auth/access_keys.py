"""Access keys `ak_<32>`: SHA-256 at rest, secret shown once, expiry and revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col

from voipbin import repository as repo
from voipbin import validation as v
from voipbin.agents.models import Permission
from voipbin.audit.service import record
from voipbin.auth.models import AccessKey
from voipbin.auth.principal import ADMIN, Principal, RequestMeta
from voipbin.auth.secrets import is_access_key_shaped, new_access_key, sha256_hex
from voipbin.cache import Cache
from voipbin.config import Settings
from voipbin.customers.models import CustomerStatus
from voipbin.customers.service import CustomerService
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, InvalidInput, Unauthenticated
from voipbin.events.outbox import emit
from voipbin.keys import access_key_hash_key
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.serialize import public_dict

RESOURCE = "accesskey"
MIN_LIFETIME = timedelta(hours=1)
_BAD_KEY = "Invalid, expired or revoked access key"


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key: AccessKey
    secret: str


class AccessKeyService:
    def __init__(
        self, settings: Settings, sessions: SessionFactory, cache: Cache, customers: CustomerService
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._cache = cache
        self._customers = customers

    async def list_page(self, principal: Principal, args: PageArgs) -> Page[AccessKey]:
        principal.require(ADMIN)
        async with self._sessions() as session:
            return await paginate(
                session,
                AccessKey,
                repo.live(AccessKey, principal.customer_id),
                args,
                self._settings.limits.max_page_size,
            )

    async def get(self, principal: Principal, key_id: UUID) -> AccessKey:
        principal.require(ADMIN)
        async with self._sessions() as session:
            return await repo.require_scoped(
                session, AccessKey, principal.customer_id, key_id, "Access key"
            )

    async def create(
        self,
        principal: Principal,
        meta: RequestMeta,
        name: str,
        detail: str,
        expires_at: datetime | None,
    ) -> CreatedKey:
        principal.require(ADMIN)
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise InvalidInput("expiresAt", "`expiresAt` needs a time zone offset")
            if expires_at < utcnow() + MIN_LIFETIME:
                raise InvalidInput("expiresAt", "`expiresAt` must be at least one hour from now")
        secret = new_access_key()
        key = AccessKey(
            customer_id=principal.customer_id,
            name=v.text("name", name, max_length=255, required=True),
            detail=v.text("detail", detail, max_length=2000),
            token_hash=sha256_hex(secret),
            token_prefix=secret[:11],
            tm_expire=expires_at,
        )
        async with transaction(self._sessions) as session:
            session.add(key)
            await session.flush()
            after = public_dict(key)
            await emit(
                session,
                customer_id=key.customer_id,
                event_type="accesskey_created",
                resource_type=RESOURCE,
                resource_id=key.id,
                data=after,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="accesskey.create",
                resource_type=RESOURCE,
                resource_id=key.id,
                after=after,
            )
        return CreatedKey(key=key, secret=secret)

    async def revoke(self, principal: Principal, meta: RequestMeta, key_id: UUID) -> AccessKey:
        principal.require(ADMIN)
        async with transaction(self._sessions) as session:
            key = await repo.require_scoped(
                session, AccessKey, principal.customer_id, key_id, "Access key", lock=True
            )
            if key.tm_revoke is not None:
                raise Conflict("Access key is already revoked")
            before = public_dict(key)
            key.tm_revoke = key.tm_update = utcnow()
            await session.flush()
            after = public_dict(key)
            await emit(
                session,
                customer_id=key.customer_id,
                event_type="accesskey_revoked",
                resource_type=RESOURCE,
                resource_id=key.id,
                data=after,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="accesskey.revoke",
                resource_type=RESOURCE,
                resource_id=key.id,
                before=before,
                after=after,
            )
        await self._cache.invalidate(access_key_hash_key(key.token_hash))
        return key

    async def authenticate(self, secret: str) -> Principal:
        if not is_access_key_shaped(secret):
            raise Unauthenticated(_BAD_KEY)
        digest = sha256_hex(secret)

        async def load() -> AccessKey | None:
            async with self._sessions() as session:
                stmt = sa.select(AccessKey).where(
                    col(AccessKey.token_hash) == digest,
                    col(AccessKey.tm_delete).is_(None),
                )
                return (await session.execute(stmt)).scalars().first()

        key = await self._cache.get_or_load(
            access_key_hash_key(digest), AccessKey, self._settings.cache.config_ttl_seconds, load
        )
        if (
            key is None
            or key.tm_revoke is not None
            or (key.tm_expire and key.tm_expire <= utcnow())
        ):
            raise Unauthenticated(_BAD_KEY)
        customer = await self._customers.get_cached(key.customer_id)
        if customer is None or customer.status not in {
            CustomerStatus.ACTIVE,
            CustomerStatus.INITIAL,
        }:
            raise Unauthenticated(_BAD_KEY)
        # An access key acts as the customer's admin, as in the original.
        return Principal(
            customer_id=key.customer_id, permission=Permission.CUSTOMER_ADMIN, access_key_id=key.id
        )
