"""GraphQL types of calls (DESIGN §5.1): the original's fields, enums in upper case."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from schema.addresses import Address, AddressInput
from schema.flows import ActionInput
from voipbin.calls.models import Call as CallRow


@strawberry.enum
class CallStatus(Enum):
    DIALING = "dialing"
    RINGING = "ringing"
    PROGRESSING = "progressing"
    TERMINATING = "terminating"
    CANCELING = "canceling"
    HANGUP = "hangup"


@strawberry.enum
class CallDirection(Enum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


@strawberry.enum
class CallHangupBy(Enum):
    REMOTE = "remote"
    LOCAL = "local"


@strawberry.enum
class CallHangupReason(Enum):
    NORMAL = "normal"
    FAILED = "failed"
    BUSY = "busy"
    CANCEL = "cancel"
    TIMEOUT = "timeout"
    NOANSWER = "noanswer"
    DIALOUT = "dialout"
    AMD = "amd"


@strawberry.type(description="A call leg: one per destination of createCall, or inbound.")
class Call:
    id: UUID
    customer_id: UUID
    owner_type: str
    owner_id: UUID | None
    flow_id: UUID | None
    activeflow_id: UUID | None
    type: str = strawberry.field(description="flow | conference | sip-service")
    master_call_id: UUID | None
    chained_call_ids: list[UUID]
    recording_id: UUID | None
    recording_ids: list[UUID]
    groupcall_id: UUID | None
    source: Address
    destination: Address
    status: CallStatus
    action: JSON = strawberry.field(description="The action the call is executing.")
    direction: CallDirection
    mute_direction: str
    hangup_by: CallHangupBy | None
    hangup_reason: CallHangupReason | None
    metadata: JSON
    tm_ringing: datetime | None
    tm_progressing: datetime | None
    tm_hangup: datetime | None
    tm_create: datetime
    tm_update: datetime

    @classmethod
    def from_model(cls, row: CallRow) -> Call:
        return cls(
            id=row.id,
            customer_id=row.customer_id,
            owner_type=row.owner_type,
            owner_id=row.owner_id,
            flow_id=row.flow_id,
            activeflow_id=row.activeflow_id,
            type=row.type,
            master_call_id=row.master_call_id,
            chained_call_ids=[UUID(i) for i in row.chained_call_ids],
            recording_id=row.recording_id,
            recording_ids=[UUID(i) for i in row.recording_ids],
            groupcall_id=row.groupcall_id,
            source=Address.from_json(row.source),
            destination=Address.from_json(row.destination),
            status=CallStatus(row.status),
            action=cast("JSON", row.action),
            direction=CallDirection(row.direction),
            mute_direction=row.mute_direction,
            hangup_by=CallHangupBy(row.hangup_by) if row.hangup_by else None,
            hangup_reason=CallHangupReason(row.hangup_reason) if row.hangup_reason else None,
            metadata=cast("JSON", row.call_metadata),
            tm_ringing=row.tm_ringing,
            tm_progressing=row.tm_progressing,
            tm_hangup=row.tm_hangup,
            tm_create=row.tm_create,
            tm_update=row.tm_update,
        )


@strawberry.input
class CreateCallInput:
    source: AddressInput
    destinations: list[AddressInput]
    flow_id: UUID | None = None
    actions: list[ActionInput] | None = strawberry.field(
        default=None, description="Inline actions, used when flowId is not given."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the same calls."
    )
    variables: JSON | None = strawberry.field(
        default=None, description="Initial flow variables (keys starting `voipbin.` dropped)."
    )


@strawberry.input
class CallFilter:
    status: CallStatus | None = None
    direction: CallDirection | None = None
