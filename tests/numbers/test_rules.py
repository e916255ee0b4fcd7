"""Number rules without a database: E.164 checks, virtual numbers, the local inventory."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from voipbin.errors import InvalidInput
from voipbin.numbers.models import NumberType
from voipbin.numbers.providers import (
    LocalInventoryProvider,
    NumberUnavailable,
    inventory,
)
from voipbin.numbers.service import normalize_number


@pytest.mark.parametrize(
    ("raw", "number", "kind"),
    [
        ("+15559990000", "+15559990000", NumberType.NORMAL),
        (" +1 (202) 555-0123 ", "+12025550123", NumberType.NORMAL),
        ("+442079460000", "+442079460000", NumberType.NORMAL),
        ("+899100000001", "+899100000001", NumberType.VIRTUAL),
    ],
)
def test_accepted_numbers(raw: str, number: str, kind: NumberType) -> None:
    assert normalize_number("number", raw) == (number, kind)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("15551234567", "E.164"),
        ("+1555", "E.164"),
        ("+1555abc4567", "E.164"),
        ("+99912345678", "not a phone number"),  # no such country code
        ("+1555123", "not a possible number"),  # too short for +1
        ("+89912345678", "+899 followed by 9 digits"),
        ("+899000123456", "reserved"),
        ("", "E.164"),
    ],
)
def test_refused_numbers(raw: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalize_number("number", raw)
    assert err.value.field == "number"
    assert message in err.value.message


def test_inventory_is_deterministic_and_fictional_where_defined() -> None:
    us = inventory("US", 3)
    assert us == ["+15559990000", "+15559990001", "+15559990002"]
    assert inventory("us", 3) == us
    assert inventory("GB", 1) == ["+442079460000"]
    assert inventory("DE", 5) == inventory("DE", 5)
    assert all(normalize_number("n", n)[1] == NumberType.NORMAL for n in inventory("JP", 5))
    assert inventory("ZZ", 5) == []


async def _nothing_owned(candidates: Sequence[str]) -> set[str]:
    return set()


async def test_local_provider_sells_only_its_inventory_and_virtual_numbers() -> None:
    owned = {"+15559990000"}

    async def owned_filter(candidates: Sequence[str]) -> set[str]:
        return owned & set(candidates)

    provider = LocalInventoryProvider(owned_filter, per_country=10)
    found = await provider.search("US", NumberType.NORMAL, 3)
    assert [a.number for a in found] == ["+15559990001", "+15559990002", "+15559990003"]
    assert found[0].features == ["voice", "sms"]
    virtual = await provider.search("", NumberType.VIRTUAL, 2)
    assert [a.number for a in virtual] == ["+899100000000", "+899100000001"]
    assert provider.inventory_country("+15559990005") == "US"
    assert provider.inventory_country("+15558880001") == "CA"
    assert provider.inventory_country("+442079460003") == "GB"
    bought = await provider.purchase("+15559990005", NumberType.NORMAL)
    assert bought.provider_name == "local" and bought.provider_reference_id
    assert (await provider.purchase("+899123456789", NumberType.VIRTUAL)).provider_name == ""
    with pytest.raises(NumberUnavailable):
        await provider.purchase("+12025550123", NumberType.NORMAL)  # real, not in inventory
    with pytest.raises(NumberUnavailable):
        await provider.purchase("+15559990050", NumberType.NORMAL)  # beyond 10 per country
