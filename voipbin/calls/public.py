"""The public objects of calls, activeflows and recordings as the original API shows them
(snake_case): the `data` of events and webhooks."""

from __future__ import annotations

from typing import Any

from voipbin.activeflows.models import Activeflow
from voipbin.calls.models import Call
from voipbin.recordings.models import Recording


def _ts(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def call_data(row: Call) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "customer_id": str(row.customer_id),
        "owner_type": row.owner_type,
        "owner_id": _id(row.owner_id),
        "flow_id": _id(row.flow_id),
        "activeflow_id": _id(row.activeflow_id),
        "type": row.type,
        "master_call_id": _id(row.master_call_id),
        "chained_call_ids": list(row.chained_call_ids),
        "recording_id": _id(row.recording_id),
        "recording_ids": list(row.recording_ids),
        "groupcall_id": _id(row.groupcall_id),
        "source": row.source,
        "destination": row.destination,
        "status": row.status,
        "action": row.action,
        "direction": row.direction,
        "mute_direction": row.mute_direction,
        "hangup_by": row.hangup_by,
        "hangup_reason": row.hangup_reason,
        "metadata": row.call_metadata,
        "tm_progressing": _ts(row.tm_progressing),
        "tm_ringing": _ts(row.tm_ringing),
        "tm_hangup": _ts(row.tm_hangup),
        "tm_create": _ts(row.tm_create),
        "tm_update": _ts(row.tm_update),
        "tm_delete": _ts(row.tm_delete),
    }


def activeflow_data(row: Activeflow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "customer_id": str(row.customer_id),
        "flow_id": _id(row.flow_id),
        "status": row.status,
        "reference_type": row.reference_type,
        "reference_id": _id(row.reference_id),
        "reference_activeflow_id": _id(row.reference_activeflow_id),
        "on_complete_flow_id": _id(row.on_complete_flow_id),
        "webhook_uri": row.webhook_uri,
        "webhook_method": row.webhook_method,
        "current_action": row.current_action,
        "forward_action_id": _id(row.forward_action_id),
        "executed_actions": list(row.executed_actions),
        "tm_create": _ts(row.tm_create),
        "tm_update": _ts(row.tm_update),
        "tm_delete": _ts(row.tm_delete),
    }


def recording_data(row: Recording) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "customer_id": str(row.customer_id),
        "owner_type": row.owner_type,
        "owner_id": _id(row.owner_id),
        "reference_type": row.reference_type,
        "reference_id": str(row.reference_id),
        "status": row.status,
        "format": row.format,
        "activeflow_id": _id(row.activeflow_id),
        "on_end_flow_id": _id(row.on_end_flow_id),
        "tm_start": _ts(row.tm_start),
        "tm_end": _ts(row.tm_end),
        "tm_create": _ts(row.tm_create),
        "tm_update": _ts(row.tm_update),
        "tm_delete": _ts(row.tm_delete),
    }
