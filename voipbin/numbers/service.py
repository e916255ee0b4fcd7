"""Numbers: buy from the provider, attach flows, release; inbound lookup by number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from voipbin import repository as repo
from voipbin import validation as v
from voipbin.audit.service import record
from voipbin.auth.principal import ADMIN, MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.config import Settings
from voipbin.customers.models import Customer
from voipbin.db import SessionFactory, transaction, utcnow
from voipbin.errors import Conflict, InvalidInput, NotFound
from voipbin.events.outbox import emit
from voipbin.flows.models import Flow
from voipbin.numbers.models import Number, NumberStatus, NumberType
from voipbin.numbers.providers import (
    VIRTUAL_LENGTH,
    VIRTUAL_RESERVED_PREFIX,
    AvailableNumber,
    LocalInventoryProvider,
    NumberProvider,
    Purchase,
    is_virtual,
)
from voipbin.pagination import Page, PageArgs, paginate
from voipbin.serialize import public_dict
from workflows.flow_engine.model import NIL

RESOURCE = "number"
MAX_AVAILABLE = 100


@dataclass(frozen=True, slots=True)
class NumberFields:
    """Create uses number (+ type); update treats None as unchanged.

    A flow id equal to the nil UUID detaches the flow.
    """

    number: str | None = None
    type: str | None = None
    call_flow_id: UUID | None = None
    message_flow_id: UUID | None = None
    name: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class NumberFilter:
    number: str | None = None
    call_flow_id: UUID | None = None


def normalize_number(field: str, value: str) -> tuple[str, NumberType]:
    """An E.164 number (checked with phonenumbers) or a `+899` virtual number."""
    number = "".join(ch for ch in value.strip() if ch not in " -().")
    if not number.startswith("+") or not number[1:].isdigit() or not 8 <= len(number) <= 16:
        raise InvalidInput(field, f"`{field}` must be an E.164 number such as +15551234567")
    if is_virtual(number):
        if len(number) != VIRTUAL_LENGTH:
            raise InvalidInput(field, "a virtual number is +899 followed by 9 digits")
        if number.startswith(VIRTUAL_RESERVED_PREFIX):
            raise InvalidInput(field, "virtual numbers +899000xxxxxx are reserved")
        return number, NumberType.VIRTUAL
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(field, f"`{field}` is not a phone number: {exc}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(field, f"`{field}` is not a possible number for its country code")
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164
    ), NumberType.NORMAL


class NumberService:
    def __init__(
        self, settings: Settings, sessions: SessionFactory, provider: NumberProvider | None = None
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._max_page_size = settings.limits.max_page_size
        self.provider: NumberProvider = provider or LocalInventoryProvider(
            self._owned, settings.numbers.inventory_per_country
        )

    async def _owned(self, candidates: Sequence[str]) -> set[str]:
        async with self._sessions() as session:
            rows = await session.execute(
                sa.select(col(Number.number)).where(
                    col(Number.number).in_(list(candidates)), col(Number.tm_delete).is_(None)
                )
            )
            return set(rows.scalars().all())

    # ---- reads ----------------------------------------------------------------------------

    async def get(self, principal: Principal, number_id: UUID) -> Number:
        principal.require(MANAGER_OR_ADMIN)
        async with self._sessions() as session:
            return await repo.require_scoped(
                session, Number, principal.customer_id, number_id, "Number"
            )

    async def list_page(
        self, principal: Principal, args: PageArgs, filter: NumberFilter | None = None
    ) -> Page[Number]:
        principal.require(MANAGER_OR_ADMIN)
        where = repo.live(Number, principal.customer_id)
        if filter and filter.number:
            number, _ = normalize_number("filter.number", filter.number)
            where.append(col(Number.number) == number)
        if filter and filter.call_flow_id:
            where.append(col(Number.call_flow_id) == filter.call_flow_id)
        async with self._sessions() as session:
            return await paginate(session, Number, where, args, self._max_page_size)

    async def available(
        self, principal: Principal, country: str, number_type: str, first: int
    ) -> list[AvailableNumber]:
        principal.require(MANAGER_OR_ADMIN)
        if not 0 <= first <= MAX_AVAILABLE:
            raise InvalidInput("first", f"`first` must be between 0 and {MAX_AVAILABLE}")
        kind = NumberType(number_type)
        country = country.strip().upper()
        if kind == NumberType.NORMAL and (
            len(country) != 2 or country not in phonenumbers.SUPPORTED_REGIONS
        ):
            raise InvalidInput("countryCode", "`countryCode` is an ISO 3166 code such as US")
        return await self.provider.search(country, kind, first)

    async def find_active_by_number(self, number: str) -> Number | None:
        """Inbound routing: the live number's row, whoever owns it (never exposed in GraphQL)."""
        try:
            normalized, _ = normalize_number("number", number)
        except InvalidInput:
            return None
        async with self._sessions() as session:
            rows = await session.execute(
                sa.select(Number).where(
                    col(Number.number) == normalized,
                    col(Number.tm_delete).is_(None),
                    col(Number.status) == NumberStatus.ACTIVE.value,
                )
            )
            return rows.scalars().first()

    # ---- writes ---------------------------------------------------------------------------

    async def _flow_id(
        self, session: AsyncSession, customer_id: UUID, field: str, flow_id: UUID | None
    ) -> UUID | None:
        if flow_id is None or flow_id == NIL:
            return None
        if await repo.get_scoped(session, Flow, customer_id, flow_id) is None:
            raise NotFound(f"`{field}`: Flow")
        return flow_id

    async def create(self, principal: Principal, meta: RequestMeta, data: NumberFields) -> Number:
        principal.require(ADMIN)
        number, kind = normalize_number("number", data.number or "")
        if data.type is not None and NumberType(data.type) != kind:
            raise InvalidInput(
                "type", "virtual numbers start with +899; every other number is normal"
            )
        customer_id = principal.customer_id
        name = v.text("name", data.name or "", max_length=255)
        detail = v.text("detail", data.detail or "", max_length=2000)
        async with transaction(self._sessions) as session:
            await session.execute(
                sa.select(col(Customer.id)).where(col(Customer.id) == customer_id).with_for_update()
            )
            call_flow = await self._flow_id(session, customer_id, "callFlowId", data.call_flow_id)
            message_flow = await self._flow_id(
                session, customer_id, "messageFlowId", data.message_flow_id
            )
            await self._check_free(session, customer_id, number)
            purchase = await self.provider.purchase(number, kind)
            now = utcnow()
            row = Number(
                customer_id=customer_id,
                number=number,
                type=kind.value,
                call_flow_id=call_flow,
                message_flow_id=message_flow,
                name=name,
                detail=detail,
                provider_name=purchase.provider_name,
                provider_reference_id=purchase.provider_reference_id,
                tm_purchase=now,
                tm_renew=now,
            )
            session.add(row)
            try:
                await session.flush()
            except IntegrityError as exc:  # bought by someone else in the meantime
                raise Conflict(f"{number} is already owned") from exc
            after = public_dict(row)
            await emit(
                session,
                customer_id=customer_id,
                event_type="number_created",
                resource_type=RESOURCE,
                resource_id=row.id,
                data=after,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="number.create",
                resource_type=RESOURCE,
                resource_id=row.id,
                after=after,
            )
        return row

    async def _check_free(self, session: AsyncSession, customer_id: UUID, number: str) -> None:
        owned = await session.execute(
            sa.select(col(Number.id)).where(
                col(Number.number) == number, col(Number.tm_delete).is_(None)
            )
        )
        if owned.first() is not None:
            raise Conflict(f"{number} is already owned")
        cap = self._settings.numbers.max_numbers_per_customer
        count_stmt = (
            sa.select(sa.func.count()).select_from(Number).where(*repo.live(Number, customer_id))
        )
        if (await session.execute(count_stmt)).scalar_one() >= cap:
            raise Conflict(f"a customer owns at most {cap} numbers; delete some first")

    async def update(
        self, principal: Principal, meta: RequestMeta, number_id: UUID, data: NumberFields
    ) -> Number:
        principal.require(MANAGER_OR_ADMIN)
        customer_id = principal.customer_id
        async with transaction(self._sessions) as session:
            row = await repo.require_scoped(
                session, Number, customer_id, number_id, "Number", lock=True
            )
            before = public_dict(row)
            if data.call_flow_id is not None:
                row.call_flow_id = await self._flow_id(
                    session, customer_id, "callFlowId", data.call_flow_id
                )
            if data.message_flow_id is not None:
                row.message_flow_id = await self._flow_id(
                    session, customer_id, "messageFlowId", data.message_flow_id
                )
            if data.name is not None:
                row.name = v.text("name", data.name, max_length=255)
            if data.detail is not None:
                row.detail = v.text("detail", data.detail, max_length=2000)
            row.tm_update = utcnow()
            await session.flush()
            after = public_dict(row)
            await emit(
                session,
                customer_id=customer_id,
                event_type="number_updated",
                resource_type=RESOURCE,
                resource_id=row.id,
                data=after,
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="number.update",
                resource_type=RESOURCE,
                resource_id=row.id,
                before=before,
                after=after,
            )
        return row

    async def delete(self, principal: Principal, meta: RequestMeta, number_id: UUID) -> Number:
        principal.require(ADMIN)
        async with transaction(self._sessions) as session:
            row = await repo.require_scoped(
                session, Number, principal.customer_id, number_id, "Number", lock=True
            )
            before = public_dict(row)
            await self.provider.release(
                Purchase(row.number, row.provider_name, row.provider_reference_id)
            )
            row.status = NumberStatus.DELETED.value
            row.tm_delete = row.tm_update = utcnow()
            await session.flush()
            await emit(
                session,
                customer_id=row.customer_id,
                event_type="number_deleted",
                resource_type=RESOURCE,
                resource_id=row.id,
                data=public_dict(row),
            )
            await record(
                session,
                meta=meta,
                principal=principal,
                action="number.delete",
                resource_type=RESOURCE,
                resource_id=row.id,
                before=before,
            )
        return row
