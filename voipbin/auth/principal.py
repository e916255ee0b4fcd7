"""Who is calling: the authenticated principal every service receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from voipbin.agents.models import Permission
from voipbin.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Principal:
    customer_id: UUID
    permission: Permission
    agent_id: UUID | None = None
    access_key_id: UUID | None = None
    session_hash: str | None = None
    is_platform: bool = False

    @property
    def actor_type(self) -> str:
        return "agent" if self.agent_id else "access_key"

    @property
    def actor_id(self) -> UUID | None:
        return self.agent_id or self.access_key_id

    def has(self, required: Permission) -> bool:
        # The platform admin passes every check, as the original's project_super_admin.
        return bool(self.permission & (required | Permission.PLATFORM_ADMIN))

    def require(self, required: Permission) -> None:
        if not self.has(required):
            raise Forbidden("Your permission level does not allow this operation")


ADMIN = Permission.CUSTOMER_ADMIN
MANAGER_OR_ADMIN = Permission.CUSTOMER_ADMIN | Permission.CUSTOMER_MANAGER


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Where a request came from, for audit and logs."""

    request_id: str = ""
    source_ip: str = ""
    extra: dict[str, str] = field(default_factory=dict)
