"""Imports every table module so SQLModel.metadata is complete (Alembic, tests)."""

from __future__ import annotations

import importlib

TABLE_MODULES = (
    "voipbin.customers.models",
    "voipbin.agents.models",
    "voipbin.auth.models",
    "voipbin.audit.models",
    "voipbin.events.models",
    "voipbin.webhooks.models",
    "voipbin.flows.models",
    "voipbin.numbers.models",
    "voipbin.calls.models",
    "voipbin.activeflows.models",
    "voipbin.recordings.models",
    "voipbin.confbridges.models",
)


def load_all_models() -> None:
    for name in TABLE_MODULES:
        importlib.import_module(name)
