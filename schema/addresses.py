from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry


@strawberry.enum
class AddressType(Enum):
    TEL = "tel"
    SIP = "sip"
    AGENT = "agent"
    EXTENSION = "extension"
    CONFERENCE = "conference"
    LINE = "line"
    EMAIL = "email"


@strawberry.type
class Address:
    type: AddressType
    target: str
    target_name: str
    name: str
    detail: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Address:
        return cls(
            type=AddressType(data.get("type", "tel")),
            target=data.get("target", ""),
            target_name=data.get("target_name", ""),
            name=data.get("name", ""),
            detail=data.get("detail", ""),
        )


@strawberry.input
class AddressInput:
    type: AddressType
    target: str
    target_name: str | None = None
    name: str | None = None
    detail: str | None = None

    def to_json(self) -> dict[str, str]:
        return {
            "type": self.type.value,
            "target": self.target,
            "target_name": self.target_name or "",
            "name": self.name or "",
            "detail": self.detail or "",
        }
