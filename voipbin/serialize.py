"""The public JSON of a table row: what events, webhooks and audit entries carry.

Secrets never leave: hashes and signing secrets are dropped here, in one place.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_SECRET_FIELDS = frozenset(
    {"password_hash", "token_hash", "webhook_secret", "secret", "signing_secret"}
)


def public_dict(row: BaseModel) -> dict[str, Any]:
    data = row.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in _SECRET_FIELDS}
