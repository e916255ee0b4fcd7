"""Where numbers come from: the carrier-API shape and the local inventory default.

`NumberProvider` is what a carrier client (Telnyx, Twilio...) implements: search the
numbers it can sell, purchase one, release one. `LocalInventoryProvider` needs no
internet: a deterministic inventory per country (fictional ranges: `+1555999xxxx` for the
US, a block beside each country's example number elsewhere) plus `+899` virtual numbers
made on demand. Its stock is "not owned by anyone", which it reads from our numbers table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import NAMESPACE_URL, uuid5

import phonenumbers

from voipbin.errors import InvalidInput
from voipbin.numbers.models import NumberType

VIRTUAL_PREFIX = "+899"
VIRTUAL_RESERVED_PREFIX = "+899000"
VIRTUAL_LENGTH = 13  # "+899" + 9 digits
LOCAL_PROVIDER = "local"

# Fictional blocks where a regulator defines one (NANP 555, Ofcom drama, ACMA), so demo
# numbers reach no one; other countries get a block beside libphonenumber's example.
_FIXED_PREFIXES = {
    "US": "+1555999",
    "CA": "+1555888",
    "GB": "+44207946",  # Ofcom drama range 020 7946 0xxx
    "AU": "+61255500",  # ACMA fictional range 02 5550 xxxx
}

# (candidates) -> the subset already owned by someone
OwnedFilter = Callable[[Sequence[str]], Awaitable[set[str]]]


@dataclass(frozen=True, slots=True)
class AvailableNumber:
    number: str
    country: str
    region: str = ""
    postal_code: str = ""
    features: list[str] = field(default_factory=lambda: ["voice", "sms"])


@dataclass(frozen=True, slots=True)
class Purchase:
    number: str
    provider_name: str
    provider_reference_id: str


class NumberUnavailable(InvalidInput):
    def __init__(self, number: str, provider: str) -> None:
        super().__init__(
            "number", f"{number} cannot be bought from provider `{provider}` (see availableNumbers)"
        )


class NumberProvider(Protocol):
    name: str

    async def search(
        self, country: str, number_type: NumberType, limit: int
    ) -> list[AvailableNumber]:
        """Numbers this provider can sell now, at most `limit`."""

    async def purchase(self, number: str, number_type: NumberType) -> Purchase:
        """Buy `number` (raises NumberUnavailable)."""

    async def release(self, purchase: Purchase) -> None:
        """Give a number back to the provider."""


def is_virtual(number: str) -> bool:
    return number.startswith(VIRTUAL_PREFIX)


def _country_prefix(country: str) -> str | None:
    if country in _FIXED_PREFIXES:
        return _FIXED_PREFIXES[country]
    example = phonenumbers.example_number(country)
    if example is None:
        return None
    national = str(example.national_number)
    if len(national) < 6:
        return None
    return f"+{example.country_code}{national[:-4]}"


def inventory(country: str, size: int) -> list[str]:
    """The local inventory of one country (ISO 3166 alpha-2), always the same list."""
    prefix = _country_prefix(country.upper())
    if prefix is None:
        return []
    return [f"{prefix}{i:04d}" for i in range(min(size, 10_000))]


def virtual_candidates(size: int) -> list[str]:
    return [f"+899100{i:06d}" for i in range(min(size, 1_000_000))]


class LocalInventoryProvider:
    """The default provider: no carrier, no money, deterministic stock."""

    name = LOCAL_PROVIDER

    def __init__(self, owned: OwnedFilter, per_country: int) -> None:
        self._owned = owned
        self._per_country = per_country

    def sells(self, number: str, number_type: NumberType) -> bool:
        if number_type == NumberType.VIRTUAL:
            return is_virtual(number) and not number.startswith(VIRTUAL_RESERVED_PREFIX)
        return bool(self.inventory_country(number))

    def inventory_country(self, number: str) -> str:
        """The country whose local inventory holds `number`, or "" (not for sale here)."""
        try:
            parsed = phonenumbers.parse(number)
        except phonenumbers.NumberParseException:
            return ""
        if parsed.country_code is None:
            return ""
        for country in phonenumbers.region_codes_for_country_code(parsed.country_code):
            if number in inventory(country, self._per_country):
                return country
        return ""

    async def search(
        self, country: str, number_type: NumberType, limit: int
    ) -> list[AvailableNumber]:
        if number_type == NumberType.VIRTUAL:
            candidates = virtual_candidates(self._per_country)
            country = ""
        else:
            candidates = inventory(country, self._per_country)
        taken = await self._owned(candidates)
        free = [n for n in candidates if n not in taken][:limit]
        features = ["voice"] if number_type == NumberType.VIRTUAL else ["voice", "sms"]
        return [AvailableNumber(number=n, country=country.upper(), features=features) for n in free]

    async def purchase(self, number: str, number_type: NumberType) -> Purchase:
        if not self.sells(number, number_type):
            raise NumberUnavailable(number, self.name)
        reference = str(uuid5(NAMESPACE_URL, f"voipbin-local:{number}"))
        provider = "" if number_type == NumberType.VIRTUAL else self.name
        return Purchase(number=number, provider_name=provider, provider_reference_id=reference)

    async def release(self, purchase: Purchase) -> None:
        # The stock is "not owned by anyone": deleting the row returns it to the inventory.
        return None
