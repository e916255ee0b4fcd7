"""The typed request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as _Info

from resolvers.loaders import Loaders, build_loaders
from voipbin.auth.principal import Principal, RequestMeta
from voipbin.errors import Unauthenticated
from voipbin.services import Services


@dataclass
class Context:
    services: Services
    principal: Principal | None
    meta: RequestMeta
    loaders: Loaders
    # filled by the error extension: which phase failed, for code mapping
    # set by the graphql-transport-ws handler from the connection_init payload
    connection_params: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated(
                "Authentication required: send `Authorization: Bearer <jwt>` or `AccessKey ak_...`"
            )
        return self.principal


def build_context(services: Services, principal: Principal | None, meta: RequestMeta) -> Context:
    return Context(
        services=services,
        principal=principal,
        meta=meta,
        loaders=build_loaders(services, principal),
    )


Info = _Info[Context, None]
