"""Workflow ids (DESIGN §7): the id is how Temporal guarantees one live run per thing."""

from __future__ import annotations

from uuid import UUID


def webhook_workflow_id(event_id: UUID | str, webhook_id: UUID | str) -> str:
    """One delivery of one event to one endpoint (the customer's own URL uses its id)."""
    return f"webhook:{event_id}:{webhook_id}"


def call_workflow_id(call_id: UUID | str) -> str:
    """The one live CallWorkflow of a call (the bridge signals it by this id)."""
    return f"call:{call_id}"


def activeflow_workflow_id(activeflow_id: UUID | str) -> str:
    """The one ActiveflowWorkflow of an activeflow that runs without a call."""
    return f"activeflow:{activeflow_id}"


def confbridge_workflow_id(confbridge_id: UUID | str) -> str:
    """The ConfbridgeWorkflow that owns a confbridge's bridge, members and end."""
    return f"confbridge:{confbridge_id}"
