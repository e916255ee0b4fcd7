"""Activity contracts of the ARI operations: names, inputs/results and typed stubs.

Every input names the node (`node`) that owns the channel/bridge/recording: the workflow
got it from `telephony.pick_node` (or from the StasisStart signal of an inbound call) and
passes it back each time, so no lookup is needed. Ids are ours (the call id as the
channel id, our playback ids, recording names, bridge ids), which is what makes every
activity safe to retry: a retry finds its own earlier work instead of doing it twice.
Quick ARI calls are meant to run as local activities of the call workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio import activity

PICK_NODE = "telephony.pick_node"
ORIGINATE = "telephony.originate"
CREATE_CHANNEL = "telephony.create_channel"
DIAL = "telephony.dial"
ANSWER = "telephony.answer"
RING = "telephony.ring"
HANGUP = "telephony.hangup"
CONTINUE_IN_DIALPLAN = "telephony.continue_in_dialplan"
PLAY = "telephony.play"
STOP_PLAYBACK = "telephony.stop_playback"
RECORD = "telephony.record"
STOP_RECORDING = "telephony.stop_recording"
SEND_DTMF = "telephony.send_dtmf"
SET_VARIABLE = "telephony.set_variable"
GET_VARIABLE = "telephony.get_variable"
SNOOP = "telephony.snoop"
EXTERNAL_MEDIA = "telephony.external_media"
BRIDGE_CREATE = "telephony.bridge_create"
BRIDGE_ADD = "telephony.bridge_add"
BRIDGE_REMOVE = "telephony.bridge_remove"
BRIDGE_DELETE = "telephony.bridge_delete"
MUTE = "telephony.mute"
UNMUTE = "telephony.unmute"
HOLD = "telephony.hold"
UNHOLD = "telephony.unhold"
MOH = "telephony.moh"
DOWNLOAD_RECORDING = "telephony.download_recording"

# ApplicationError types of failures a retry cannot fix (non-retryable).
CHANNEL_GONE = "ChannelGone"  # the channel/bridge/playback does not exist (any more)
ARI_REJECTED = "AriRejected"  # 400/409/422: the request does not fit the resource's state
UNKNOWN_NODE = "UnknownNode"  # the input names a node this worker does not know
# Retryable: no healthy node of the role right now.
NO_HEALTHY_NODE = "NoHealthyNode"


@dataclass(frozen=True)
class PickNodeInput:
    channel_id: str
    role: str = "call"  # call | conference


@dataclass(frozen=True)
class PickNodeResult:
    node: str


@dataclass(frozen=True)
class ChannelRef:
    """Operations on one channel without parameters (answer, ring, hold, ...)."""

    node: str
    channel_id: str


@dataclass(frozen=True)
class ChannelResult:
    node: str
    channel_id: str
    state: str  # ARI channel state; "" when the channel already ended
    exists: bool = True


@dataclass(frozen=True)
class OriginateInput:
    """`POST /channels` (dial now) or, for CREATE_CHANNEL, `/channels/create` (dial later).

    `app_args` follow OUTBOUND_APP_ARG (added by the activity) so the bridge never takes
    our own channel for a new inbound call.
    """

    node: str
    channel_id: str
    endpoint: str
    caller_id: str = ""
    dial_timeout_seconds: int = 60
    app_args: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    other_channel_id: str = ""
    formats: str = ""


@dataclass(frozen=True)
class DialInput:
    node: str
    channel_id: str
    caller: str = ""
    dial_timeout_seconds: int = 60


@dataclass(frozen=True)
class HangupInput:
    node: str
    channel_id: str
    cause: int = 16  # Q.850 (spec telephony §5: normal 16, busy 17, noanswer 19, ...)


@dataclass(frozen=True)
class ContinueInput:
    node: str
    channel_id: str
    context: str
    extension: str = "s"
    priority: int = 1
    # ours (call, action, run): a retry after the channel already left Stasis is a success
    # instead of a 409, so a lost reply never fails the action.
    operation_id: str = ""
    # subscribe the app to the channel first, so its hangup in the dialplan still reaches
    # us (Asterisk ends Stasis' own subscription at StasisEnd for a channel it did not
    # originate; an explicit one is counted apart and stays)
    keep_watching: bool = False


@dataclass(frozen=True)
class PlayInput:
    """Play on a channel, or on a bridge when `bridge_id` is set."""

    node: str
    playback_id: str  # ours, e.g. `call:<action id>`: a retry finds the same playback
    media: list[str]
    channel_id: str = ""
    bridge_id: str = ""
    lang: str = ""


@dataclass(frozen=True)
class PlaybackRef:
    node: str
    playback_id: str


@dataclass(frozen=True)
class RecordInput:
    """Record a channel, or a bridge when `bridge_id` is set; `name` is ours."""

    node: str
    name: str
    channel_id: str = ""
    bridge_id: str = ""
    format: str = "wav"
    max_duration_seconds: int = 0
    max_silence_seconds: int = 0
    beep: bool = False
    terminate_on: str = "none"  # none | any | * | #


@dataclass(frozen=True)
class RecordingRef:
    node: str
    name: str


@dataclass(frozen=True)
class SendDtmfInput:
    node: str
    channel_id: str
    dtmf: str
    operation_id: str  # ours (e.g. the action id): a retry after success sends nothing
    duration_ms: int = 100
    between_ms: int = 100


@dataclass(frozen=True)
class SetVariableInput:
    node: str
    channel_id: str
    variable: str
    value: str


@dataclass(frozen=True)
class GetVariableInput:
    node: str
    channel_id: str
    variable: str


@dataclass(frozen=True)
class VariableResult:
    value: str
    found: bool


@dataclass(frozen=True)
class SnoopInput:
    node: str
    channel_id: str
    snoop_id: str  # ours, `<call uuid>-<suffix>` so its events route to the call
    spy: str = "none"  # none | both | in | out
    whisper: str = "none"
    app_args: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExternalMediaInput:
    node: str
    channel_id: str  # ours, `<call uuid>-<suffix>`
    external_host: str
    format: str = "ulaw"
    encapsulation: str = "rtp"
    transport: str = "udp"
    connection_type: str = "client"
    direction: str = "both"
    data: str = ""
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BridgeCreateInput:
    node: str
    bridge_id: str  # ours, `<call uuid>-...` so bridge events route to the call
    types: list[str] = field(default_factory=lambda: ["mixing"])
    name: str = ""


@dataclass(frozen=True)
class BridgeRef:
    node: str
    bridge_id: str


@dataclass(frozen=True)
class BridgeResult:
    node: str
    bridge_id: str
    channel_ids: list[str]


@dataclass(frozen=True)
class BridgeMembersInput:
    node: str
    bridge_id: str
    channel_ids: list[str]
    role: str = ""
    absorb_dtmf: bool = False
    mute: bool = False


@dataclass(frozen=True)
class MuteInput:
    node: str
    channel_id: str
    direction: str = "both"  # both | in | out


@dataclass(frozen=True)
class MohInput:
    node: str
    channel_id: str
    on: bool = True
    moh_class: str = ""


@dataclass(frozen=True)
class DownloadRecordingInput:
    node: str
    name: str  # stored recording name (without extension)
    destination: str  # file path the worker writes (shared storage comes later)


@dataclass(frozen=True)
class DownloadRecordingResult:
    path: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class Done:
    """Result of operations that only succeed or fail; `already` = a retry found it done."""

    already: bool = False


# -- typed stubs: workflows call these; activities/telephony.py registers the real ones ------


@activity.defn(name=PICK_NODE)
async def pick_node(input: PickNodeInput) -> PickNodeResult:
    """The node for a new channel: least loaded healthy node of the role (idempotent)."""
    raise NotImplementedError


@activity.defn(name=ORIGINATE)
async def originate(input: OriginateInput) -> ChannelResult:
    raise NotImplementedError


@activity.defn(name=CREATE_CHANNEL)
async def create_channel(input: OriginateInput) -> ChannelResult:
    raise NotImplementedError


@activity.defn(name=DIAL)
async def dial(input: DialInput) -> Done:
    raise NotImplementedError


@activity.defn(name=ANSWER)
async def answer(input: ChannelRef) -> Done:
    raise NotImplementedError


@activity.defn(name=RING)
async def ring(input: ChannelRef) -> Done:
    raise NotImplementedError


@activity.defn(name=HANGUP)
async def hangup(input: HangupInput) -> Done:
    raise NotImplementedError


@activity.defn(name=CONTINUE_IN_DIALPLAN)
async def continue_in_dialplan(input: ContinueInput) -> Done:
    raise NotImplementedError


@activity.defn(name=PLAY)
async def play(input: PlayInput) -> Done:
    raise NotImplementedError


@activity.defn(name=STOP_PLAYBACK)
async def stop_playback(input: PlaybackRef) -> Done:
    raise NotImplementedError


@activity.defn(name=RECORD)
async def record(input: RecordInput) -> Done:
    raise NotImplementedError


@activity.defn(name=STOP_RECORDING)
async def stop_recording(input: RecordingRef) -> Done:
    raise NotImplementedError


@activity.defn(name=SEND_DTMF)
async def send_dtmf(input: SendDtmfInput) -> Done:
    raise NotImplementedError


@activity.defn(name=SET_VARIABLE)
async def set_variable(input: SetVariableInput) -> Done:
    raise NotImplementedError


@activity.defn(name=GET_VARIABLE)
async def get_variable(input: GetVariableInput) -> VariableResult:
    raise NotImplementedError


@activity.defn(name=SNOOP)
async def snoop(input: SnoopInput) -> ChannelResult:
    raise NotImplementedError


@activity.defn(name=EXTERNAL_MEDIA)
async def external_media(input: ExternalMediaInput) -> ChannelResult:
    raise NotImplementedError


@activity.defn(name=BRIDGE_CREATE)
async def bridge_create(input: BridgeCreateInput) -> BridgeResult:
    raise NotImplementedError


@activity.defn(name=BRIDGE_ADD)
async def bridge_add(input: BridgeMembersInput) -> Done:
    raise NotImplementedError


@activity.defn(name=BRIDGE_REMOVE)
async def bridge_remove(input: BridgeMembersInput) -> Done:
    raise NotImplementedError


@activity.defn(name=BRIDGE_DELETE)
async def bridge_delete(input: BridgeRef) -> Done:
    raise NotImplementedError


@activity.defn(name=MUTE)
async def mute(input: MuteInput) -> Done:
    raise NotImplementedError


@activity.defn(name=UNMUTE)
async def unmute(input: MuteInput) -> Done:
    raise NotImplementedError


@activity.defn(name=HOLD)
async def hold(input: ChannelRef) -> Done:
    raise NotImplementedError


@activity.defn(name=UNHOLD)
async def unhold(input: ChannelRef) -> Done:
    raise NotImplementedError


@activity.defn(name=MOH)
async def moh(input: MohInput) -> Done:
    raise NotImplementedError


@activity.defn(name=DOWNLOAD_RECORDING)
async def download_recording(input: DownloadRecordingInput) -> DownloadRecordingResult:
    raise NotImplementedError
