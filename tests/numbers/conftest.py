"""Numbers tests run against the real API (tests/api fixtures)."""

from __future__ import annotations

from tests.api.conftest import api, other_tenant, root_auth, services, tenant

__all__ = ["api", "other_tenant", "root_auth", "services", "tenant"]
