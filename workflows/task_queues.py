"""Task queue names, one per domain."""

from __future__ import annotations

WEBHOOKS = "webhooks"
CALLS = "calls"
