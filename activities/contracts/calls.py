"""Activity contracts of calls, activeflows and recordings: names, inputs/results, stubs.

Media-node operations are the telephony activities (`activities/contracts/telephony.py`).
Single-row writes here and those ARI calls run as *local* activities of the call
workflow (no activity task round trip); slow work (TTS, customer HTTP) runs as normal
activities. `activities/calls.py` registers the implementations under the same names.
"""

# No `from __future__ import annotations`: results are decoded inside the workflow
# sandbox, where pydantic could not resolve string annotations such as `dict[str, Any]`.
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from temporalio import activity

SET_STATUS = "calls.set_status"
SET_ACTION = "calls.set_action"
END_ACTIVEFLOW = "activeflows.end"
WRITE_ROWS = "calls.write_rows"
SYNTHESIZE = "tts.synthesize"
HTTP_REQUEST = "calls.http_request"
LOAD_FLOW = "calls.load_flow"
RECORDING_START = "recordings.start"
RECORDING_FINISH = "recordings.finish"
ACCEPT_INBOUND = "calls.accept_inbound"
PLACE_CALLS = "calls.place"

# Q.850 cause when refusing a call to a number we do not serve (spec telephony.md §5).
CAUSE_NO_ROUTE = 3


@dataclass(frozen=True)
class SetStatusInput:
    call_id: UUID
    customer_id: UUID
    status: str
    hangup_by: str = ""
    hangup_reason: str = ""
    hangup_cause: int = 0
    node: str = ""


@dataclass(frozen=True)
class CallRow:
    """What the workflow needs back after a status write: the row as stored."""

    status: str
    changed: bool


@dataclass(frozen=True)
class SetActionInput:
    customer_id: UUID
    call_id: UUID | None
    activeflow_id: UUID
    action: dict[str, Any]
    execute_count: int


@dataclass(frozen=True)
class EndActiveflowInput:
    customer_id: UUID
    activeflow_id: UUID
    reason: str = ""  # the engine's end reason: finished, stopped, max_executed_actions...
    error: str = ""  # why it ended early, for the customer to read (empty when finished)
    # the flow's variables at its end, inherited by its flow's on_complete_flow_id
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowWrite:
    """One of set_status / set_action / end_activeflow, batched (exactly one is set)."""

    status: SetStatusInput | None = None
    action: SetActionInput | None = None
    end: EndActiveflowInput | None = None


@dataclass(frozen=True)
class WriteRowsInput:
    writes: list[RowWrite]


@dataclass(frozen=True)
class SynthesizeInput:
    text: str
    language: str
    voice_id: str = ""


@dataclass(frozen=True)
class SynthesizeResult:
    media_uri: str  # sound:/abs/path.wav, playable by the media node
    error: str = ""


@dataclass(frozen=True)
class HttpRequestInput:
    customer_id: UUID
    activeflow_id: UUID
    uri: str
    method: str
    body: str
    content_type: str
    timeout_seconds: float
    signed: bool  # webhook_send is signed with the customer secret; fetch is not


@dataclass(frozen=True)
class HttpRequestResult:
    status_code: int = 0
    body: str = ""
    error: str = ""  # SSRF refusal, timeout, connection error: the action records it


@dataclass(frozen=True)
class LoadFlowInput:
    customer_id: UUID
    flow_id: UUID


@dataclass(frozen=True)
class LoadFlowResult:
    actions: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class RecordingStartInput:
    """The recorder runs (telephony.record): row `recording` + `recording_started`."""

    customer_id: UUID
    recording_id: UUID
    call_id: UUID
    activeflow_id: UUID | None
    node: str
    recording_name: str
    format: str
    on_end_flow_id: UUID | None = None


@dataclass(frozen=True)
class RecordingFinishInput:
    """The file is in our storage (or nothing was recorded: empty path)."""

    customer_id: UUID
    recording_id: UUID
    file_path: str
    file_size: int


@dataclass(frozen=True)
class PlaceCallsInput:
    """New outgoing legs from a flow action (`connect`, `call`), as createCall makes them.

    `key` names the action execution: a retried activity places the same call ids."""

    customer_id: UUID
    key: str
    source: dict[str, Any]
    destinations: list[dict[str, Any]]
    master_call_id: UUID | None = None
    connect: bool = False  # a connect leg: no flow, reports to its master, same node
    node: str = ""
    flow_id: UUID | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)
    report_to_master: bool = False  # a confbridge connect leg: tells the master it answered/ended
    early_execution: bool = False  # the legs start their flow at ringing (connect early_media)


@dataclass(frozen=True)
class PlaceCallsResult:
    call_ids: list[UUID] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class AcceptInboundInput:
    call_id: UUID
    channel_id: str
    node: str
    caller: str  # the caller's number (From)
    dialled: str  # the number dialled (To)


@dataclass(frozen=True)
class AcceptInboundResult:
    """`accepted` False: nobody serves the number; hang up with `cause`."""

    accepted: bool
    cause: int = 0
    customer_id: UUID | None = None
    activeflow_id: UUID | None = None
    flow_id: UUID | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    destination: dict[str, Any] = field(default_factory=dict)


@activity.defn(name=ACCEPT_INBOUND)
async def accept_inbound(input: AcceptInboundInput) -> AcceptInboundResult:
    """Route a new inbound channel by the dialled number: call + activeflow rows (ringing)."""
    raise NotImplementedError


@activity.defn(name=PLACE_CALLS)
async def place_calls(input: PlaceCallsInput) -> PlaceCallsResult:
    """Rows + CallWorkflows for each destination; a bad destination is a result error."""
    raise NotImplementedError


@activity.defn(name=SET_STATUS)
async def set_status(input: SetStatusInput) -> CallRow:
    """Apply a status transition (original's rules) + its event, in one transaction."""
    ...
    raise NotImplementedError


@activity.defn(name=SET_ACTION)
async def set_action(input: SetActionInput) -> None:
    """Record the current action on the activeflow (and call) + `activeflow_updated`."""
    ...
    raise NotImplementedError


@activity.defn(name=END_ACTIVEFLOW)
async def end_activeflow(input: EndActiveflowInput) -> None:
    raise NotImplementedError


@activity.defn(name=WRITE_ROWS)
async def write_rows(input: WriteRowsInput) -> None:
    """Several of the three writes above in one transaction, in their order."""
    raise NotImplementedError


@activity.defn(name=SYNTHESIZE)
async def synthesize(input: SynthesizeInput) -> SynthesizeResult:
    raise NotImplementedError


@activity.defn(name=HTTP_REQUEST)
async def http_request(input: HttpRequestInput) -> HttpRequestResult:
    raise NotImplementedError


@activity.defn(name=LOAD_FLOW)
async def load_flow(input: LoadFlowInput) -> LoadFlowResult:
    raise NotImplementedError


@activity.defn(name=RECORDING_START)
async def recording_start(input: RecordingStartInput) -> None:
    """The recording row (status recording) + `recording_started`, on the call too."""
    ...
    raise NotImplementedError


@activity.defn(name=RECORDING_FINISH)
async def recording_finish(input: RecordingFinishInput) -> None:
    """Row → ended with its file + `recording_finished`."""
    ...
    raise NotImplementedError
