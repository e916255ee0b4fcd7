"""The original's topic grammar, parsed strictly (spec/events.md §4).

    customer_id:<customer-uuid>[:<resource>[:<resource-uuid>|*]]
    agent_id:<agent-uuid>[:<resource>[:<resource-uuid>|*]]

Unlike the original's raw string-prefix match (where `customer_id:X:queue` also matched
`queuecall` topics), a resource segment matches that resource type exactly.
An agent-scoped topic matches events whose owner (`agent_id`) is that agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from voipbin.errors import InvalidInput
from voipbin.events.envelope import Envelope

FIELD = "topics"
MAX_TOPIC_LENGTH = 200
_RESOURCE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Scope(StrEnum):
    CUSTOMER = "customer_id"
    AGENT = "agent_id"


@dataclass(frozen=True, slots=True)
class Topic:
    scope: Scope
    scope_id: UUID
    resource: str | None = None  # None: every resource
    resource_id: UUID | None = None  # None: every resource of that type (`*` or omitted)

    def matches(self, event: Envelope) -> bool:
        owner = event.customer_id if self.scope is Scope.CUSTOMER else event.agent_id
        if owner != self.scope_id:
            return False
        if self.resource is not None and self.resource != event.resource_type:
            return False
        return self.resource_id is None or self.resource_id == event.resource_id


def _uuid(raw: str, topic: str, what: str) -> UUID:
    try:
        value = UUID(raw)
    except ValueError:
        raise InvalidInput(FIELD, f"topic `{topic}`: {what} must be a UUID") from None
    if str(value) != raw:
        raise InvalidInput(FIELD, f"topic `{topic}`: {what} must be a lower-case UUID with dashes")
    return value


def parse_topic(raw: str) -> Topic:
    shown = raw[:MAX_TOPIC_LENGTH]
    if len(raw) > MAX_TOPIC_LENGTH:
        raise InvalidInput(FIELD, f"topic `{shown}...` is longer than {MAX_TOPIC_LENGTH}")
    parts = raw.split(":")
    if not 2 <= len(parts) <= 4:
        raise InvalidInput(
            FIELD,
            f"topic `{shown}` must look like customer_id:<id>:<resource>:<id|*> "
            "or agent_id:<id>:<resource>:<id|*>",
        )
    try:
        scope = Scope(parts[0])
    except ValueError:
        raise InvalidInput(
            FIELD, f"topic `{shown}` must start with `customer_id:` or `agent_id:`"
        ) from None
    scope_id = _uuid(parts[1], shown, "the second segment")
    resource = parts[2] if len(parts) > 2 else None
    if resource is not None and not _RESOURCE.match(resource):
        raise InvalidInput(FIELD, f"topic `{shown}`: `{resource}` is not a resource name")
    resource_id = None
    if len(parts) == 4 and parts[3] != "*":
        resource_id = _uuid(parts[3], shown, "the resource id")
    return Topic(scope, scope_id, resource, resource_id)
