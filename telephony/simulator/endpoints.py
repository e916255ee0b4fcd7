"""Dial strings: which technology, which party address, and how the channel is named."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telephony.simulator.errors import ApiError
from telephony.simulator.model import CallerId

TECHNOLOGIES = ("Local", "PJSIP", "SIP")


@dataclass
class Endpoint:
    technology: str
    resource: str  # what follows "<tech>/"
    address: str  # the party key: number, SIP URI or Local exten
    context: str
    exten: str
    name_base: str


def parse_endpoint(endpoint: str | None) -> Endpoint:
    if not endpoint:
        raise ApiError(400, "Endpoint must be specified")
    if "/" not in endpoint:
        raise ApiError(400, "Invalid endpoint specified")
    technology, resource = endpoint.split("/", 1)
    canonical = {t.lower(): t for t in TECHNOLOGIES}.get(technology.lower())
    if canonical is None:
        raise ApiError(500, "Allocation failed", key="error")
    if canonical == "Local":
        exten, _, context = resource.partition("@")
        return Endpoint("Local", resource, exten, context or "default", exten, f"Local/{resource}")
    # PJSIP/<number>@<trunk>, PJSIP/<endpoint>/sip:<uri>, PJSIP/<x>
    if "/" in resource:
        name, address = resource.split("/", 1)
    elif "@" in resource:
        address, name = resource.split("@", 1)
    else:
        name = address = resource
    return Endpoint(canonical, resource, address, "default", "s", f"{canonical}/{name}")


def parse_caller_id(text: str | None) -> CallerId:
    if not text:
        return CallerId()
    match = re.fullmatch(r'\s*"?([^"<]*?)"?\s*<([^>]*)>\s*', text)
    if match:
        return CallerId(match.group(1), match.group(2))
    return CallerId("", text.strip())
