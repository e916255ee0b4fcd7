"""Activity contracts of calls, activeflows and recordings: names, inputs/results, stubs.

Quick ARI operations and single-row status writes are run as *local* activities by the
call workflow (one workflow task per step, no activity task round trip); slow work
(TTS, customer HTTP, recording download, placing new calls) runs as normal activities.
`activities/calls.py` registers the implementations under the same names.
"""

# No `from __future__ import annotations`: results are decoded inside the workflow
# sandbox, where pydantic could not resolve string annotations such as `dict[str, Any]`.
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from temporalio import activity

ORIGINATE = "calls.originate"
ANSWER = "calls.answer"
HANGUP_CHANNEL = "calls.hangup_channel"
PLAY = "calls.play"
STOP_PLAYBACK = "calls.stop_playback"
SEND_DTMF = "calls.send_dtmf"
MUTE = "calls.mute"
BRIDGE_CALLS = "calls.bridge"
SET_STATUS = "calls.set_status"
SET_ACTION = "calls.set_action"
END_ACTIVEFLOW = "activeflows.end"
SYNTHESIZE = "tts.synthesize"
HTTP_REQUEST = "calls.http_request"
PLACE_CALLS = "calls.place"
LOAD_FLOW = "calls.load_flow"
RECORDING_START = "recordings.start"
RECORDING_STOP = "recordings.stop"
RECORDING_FINISH = "recordings.finish"
ACCEPT_INBOUND = "calls.accept_inbound"

# Q.850 cause when refusing a call to a number we do not serve (spec telephony.md §5).
CAUSE_NO_ROUTE = 3


@dataclass(frozen=True)
class OriginateInput:
    call_id: UUID
    endpoint: str  # e.g. PJSIP/call-out/sip:+15551234567@provider
    caller_id: str
    ring_timeout_seconds: int


@dataclass(frozen=True)
class OriginateResult:
    node: str
    error: str = ""  # refused by the media node (no route, node down): call fails


@dataclass(frozen=True)
class ChannelInput:
    node: str
    channel_id: str


@dataclass(frozen=True)
class HangupChannelInput:
    node: str
    channel_id: str
    cause: int


@dataclass(frozen=True)
class PlayInput:
    node: str
    channel_id: str
    media: list[str]
    playback_id: str
    language: str = ""


@dataclass(frozen=True)
class StopPlaybackInput:
    node: str
    playback_id: str


@dataclass(frozen=True)
class SendDtmfInput:
    node: str
    channel_id: str
    digits: str
    duration_ms: int
    interval_ms: int


@dataclass(frozen=True)
class MuteInput:
    node: str
    channel_id: str
    direction: str  # in | out | both
    on: bool


@dataclass(frozen=True)
class BridgeInput:
    """Put two live channels (possibly on two nodes' views of one simulator) in one bridge."""

    node: str
    bridge_id: str
    channel_ids: list[str]


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
class PlaceCallsInput:
    """New outgoing calls from a flow (`call`, `connect`): same path as createCall."""

    customer_id: UUID
    master_call_id: UUID | None
    source: dict[str, Any]
    destinations: list[dict[str, Any]]
    flow_id: UUID | None
    actions: list[dict[str, Any]]
    idempotency_key: str  # the master's action execution: retries place nothing twice


@dataclass(frozen=True)
class PlaceCallsResult:
    call_ids: list[UUID] = field(default_factory=list)
    error: str = ""


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
    customer_id: UUID
    recording_id: UUID
    call_id: UUID
    activeflow_id: UUID | None
    node: str
    channel_id: str
    format: str
    max_duration_seconds: int
    max_silence_seconds: int
    terminate_on: str
    on_end_flow_id: UUID | None = None


@dataclass(frozen=True)
class RecordingStopInput:
    node: str
    recording_name: str


@dataclass(frozen=True)
class RecordingFinishInput:
    customer_id: UUID
    recording_id: UUID
    node: str
    recording_name: str


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


@activity.defn(name=ORIGINATE)
async def originate(input: OriginateInput) -> OriginateResult:
    """Create the call's channel (id = call id) on a call-farm node; it starts ringing."""
    ...
    raise NotImplementedError


@activity.defn(name=ANSWER)
async def answer(input: ChannelInput) -> None:
    raise NotImplementedError


@activity.defn(name=HANGUP_CHANNEL)
async def hangup_channel(input: HangupChannelInput) -> None:
    """Hang a channel up with a Q.850 cause; a channel already gone is not an error."""
    ...
    raise NotImplementedError


@activity.defn(name=PLAY)
async def play(input: PlayInput) -> None:
    raise NotImplementedError


@activity.defn(name=STOP_PLAYBACK)
async def stop_playback(input: StopPlaybackInput) -> None:
    raise NotImplementedError


@activity.defn(name=SEND_DTMF)
async def send_dtmf(input: SendDtmfInput) -> None:
    raise NotImplementedError


@activity.defn(name=MUTE)
async def mute(input: MuteInput) -> None:
    raise NotImplementedError


@activity.defn(name=BRIDGE_CALLS)
async def bridge_calls(input: BridgeInput) -> None:
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


@activity.defn(name=SYNTHESIZE)
async def synthesize(input: SynthesizeInput) -> SynthesizeResult:
    raise NotImplementedError


@activity.defn(name=HTTP_REQUEST)
async def http_request(input: HttpRequestInput) -> HttpRequestResult:
    raise NotImplementedError


@activity.defn(name=PLACE_CALLS)
async def place_calls(input: PlaceCallsInput) -> PlaceCallsResult:
    raise NotImplementedError


@activity.defn(name=LOAD_FLOW)
async def load_flow(input: LoadFlowInput) -> LoadFlowResult:
    raise NotImplementedError


@activity.defn(name=RECORDING_START)
async def recording_start(input: RecordingStartInput) -> str:
    """Create the recording row and start the recorder; returns the recording name."""
    ...
    raise NotImplementedError


@activity.defn(name=RECORDING_STOP)
async def recording_stop(input: RecordingStopInput) -> None:
    raise NotImplementedError


@activity.defn(name=RECORDING_FINISH)
async def recording_finish(input: RecordingFinishInput) -> None:
    """Fetch the file from the media node into our storage; row → ended + event."""
    ...
    raise NotImplementedError
