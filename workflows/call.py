"""CallWorkflow (`call:<id>`): one call leg from dial to hangup, running its flow inline.

Why the call workflow hosts the flow interpreter instead of a child ActiveflowWorkflow:
every ARI event a flow waits for (answer, DTMF, playback/recording finished, hangup)
arrives here as the bridge's `ari_event` signal; a child would need each of them
forwarded as a second signal and each action result sent back, roughly doubling the
workflow tasks per call (DESIGN §12 counts them). The activeflow keeps its own id and
row (`activeflow_id`), and ActiveflowWorkflow (`activeflow:<id>`) runs flows that have
no call (reference `api`, ...).

Quick ARI operations and single-row writes are local activities; the DB is written
only by activities, and only the status transitions of spec telephony.md §5 are
applied. Every duration comes in through `CallTimeouts`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import calls as c
    from activities.contracts import telephony as t
    from workflows.confbridge_signals import (
        JOINED_SIGNAL,
        LEFT_SIGNAL,
        ConfbridgeJoined,
        ConfbridgeLeft,
    )
    from workflows.flow_actions import options as o
    from workflows.flow_actions import steps
    from workflows.flow_actions.calling import EXECUTORS as CALLING_EXECUTORS
    from workflows.flow_actions.confbridge import EXECUTORS as CONFBRIDGE_EXECUTORS
    from workflows.flow_actions.dialplan import EXECUTORS as DIALPLAN_EXECUTORS
    from workflows.flow_actions.http import EXECUTORS as HTTP_EXECUTORS
    from workflows.flow_actions.media import DIGITS_VARIABLE
    from workflows.flow_actions.media import EXECUTORS as MEDIA_EXECUTORS
    from workflows.flow_actions.runtime import ActionFailed, Executor, FlowRunner, FlowStopped
    from workflows.flow_engine.model import Action
    from workflows.ids import call_workflow_id
    from workflows.telephony_signals import (
        ARI_EVENT_SIGNAL,
        RETURN_APP_ARG,
        AriEventSignal,
        app_arg_map,
    )

NIL = UUID(int=0)
# What a start asks of the workflow code (CallInput.revision); a history from before a
# revision replays the old way, so no `workflow.patched` marker (and the search attribute
# upsert it brings) is written into every call.
# 1: row writes batched (`flush`), one timer for the whole ring phase, and an
#    early-executed call's answer stored as soon as a step notices it.
REVISION = 1
HANGUP_SIGNAL = "hangup"
CONNECT_LEG_SIGNAL = "connect_leg"
STOP_FLOW_SIGNAL = "stop_activeflow"

CALL_EXECUTORS: dict[str, Executor] = {
    **MEDIA_EXECUTORS,
    **DIALPLAN_EXECUTORS,
    **HTTP_EXECUTORS,
    **CALLING_EXECUTORS,
    **CONFBRIDGE_EXECUTORS,
}

# Platform hangup: reason → Q.850 cause (spec telephony.md §5).
REASON_CAUSE = {
    "normal": 16,
    "cancel": 16,
    "timeout": 16,
    "failed": 18,
    "busy": 17,
    "noanswer": 19,
    "dialout": 19,
    "amd": 201,
    "": 16,
}


def hangup_reason(direction: str, last_status: str, cause: int) -> str:
    """The original's ChannelDestroyed mapping (spec telephony.md §5 table)."""
    early = last_status in ("dialing", "ringing")
    if direction == "incoming":
        if early:
            return {19: "noanswer", 17: "busy"}.get(cause, "normal")
        if last_status == "progressing" and cause == 200:
            return "timeout"
        return "normal"
    if early:
        if cause in (19, 21):
            return "noanswer"
        if cause == 17:
            return "busy"
        if cause in (16, 26):
            return "normal"
        if cause == 0:
            return "dialout"
        return "failed"
    if last_status == "progressing" and cause == 200:
        return "timeout"
    if last_status == "terminating" and cause == 201:
        return "amd"
    if last_status == "canceling":
        return "cancel"
    return "normal"


@dataclass(frozen=True)
class CallTimeouts:
    ring_seconds: float = 60.0  # ring timeout of an outgoing call
    hangup_wait_seconds: float = 10.0  # after our hangup request, wait for ChannelDestroyed
    recording_wait_seconds: float = 10.0
    http_seconds: float = 5.0  # webhook_send / fetch request timeout
    max_call_seconds: float = 3600.0  # the original's 1 h delayed hangup (cause 200)
    dialplan_return_seconds: float = 10.0  # echo/AMD: back in Stasis after their own time


@dataclass(frozen=True)
class CallInput:
    call_id: UUID
    customer_id: UUID
    activeflow_id: UUID
    direction: str  # outgoing | incoming
    source: dict[str, Any]
    destination: dict[str, Any]
    actions: list[dict[str, Any]]
    variables: dict[str, str]
    timeouts: CallTimeouts
    endpoint: str = ""  # outgoing: the dial string
    node: str = ""  # incoming: where the channel already is
    channel_id: str = ""  # incoming: Asterisk's channel id
    max_executed_actions: int = 100
    recordings_dir: str = ".voipbin/recordings"  # where recording files are kept
    master_call_id: UUID | None = None
    connect_leg: bool = False  # placed by a master's `connect`: no flow, reports to it
    early_execution: bool = False  # outgoing: the flow starts at ringing (early media)
    report_to_master: bool = False  # a confbridge connect leg: runs its flow, reports too
    flow_id: UUID | None = None
    revision: int = 0  # REVISION of the code that started it (0: before revisions)


@dataclass
class CallResult:
    status: str
    hangup_by: str
    hangup_reason: str
    hangup_cause: int
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HangupRequest:
    reason: str = "normal"


@dataclass(frozen=True)
class LegEvent:
    """A connect leg tells its master it answered, or that it is gone."""

    call_id: UUID
    channel_id: str
    answered: bool
    gone: bool = False
    cause: int = 0
    reason: str = ""  # hangup reason, when gone
    joined: bool = False  # it was in a confbridge (a leg that answered may die before)


@dataclass
class CallView:
    status: str
    node: str
    current_action: dict[str, Any]
    variables: dict[str, str]


@workflow.defn(name="CallWorkflow")
class CallWorkflow:
    @workflow.init
    def __init__(self, input: CallInput) -> None:
        # Known before any signal is handled: a signal-with-start's StasisStart is matched
        # against the channel id below.
        self.reference_type = "call"
        self.status = "dialing"
        self.node = ""
        self.channel_id = ""
        self.channel_state = ""
        self.in_stasis = False
        self.answered = False
        self.gone = False
        self.cause = 0
        self.hangup_requested: str | None = None
        self.stop_requested = False
        self.seen: set[str] = set()
        self.finished_playbacks: set[str] = set()
        self.finished_recordings: set[str] = set()
        self.digit_arrived = 0
        self.collecting_digits = False
        self.recording: tuple[UUID, str] | None = None
        self.legs: dict[UUID, LegEvent] = {}
        self.chained: list[UUID] = []  # hung up with this call (`call` with chained)
        self.connect_legs: dict[UUID, list[UUID]] = {}  # confbridge id → legs dialled into it
        self.confbridges_left: dict[UUID, ConfbridgeLeft] = {}
        self.confbridges_joined: set[UUID] = set()
        self.external_media: list[str] = []  # suffixes of live external media sessions
        self.started_recordings = 0
        self.uuid_counter = 0
        # channel id -> args of each return to Stasis from a dialplan service (echo, AMD)
        self.dialplan_returns: dict[str, list[dict[str, str]]] = {}
        self.background: list[asyncio.Task[None]] = []  # async amd waiting for its result
        self.input: CallInput = input
        self.runner = FlowRunner(self, CALL_EXECUTORS)
        # Row writes the workflow needs no answer from, held until it next waits, runs an
        # activity or signals (`flush`): one local activity and one transaction for
        # several (set in `run`; histories from before replay one activity per write).
        self.batched = False
        self.writes: list[c.RowWrite] = []
        if input.direction == "outgoing":
            self.channel_id = str(input.call_id)
        else:
            self.channel_id, self.node = input.channel_id, input.node
            self.in_stasis = True  # an inbound call starts from its StasisStart
            self.status = "ringing"

    # -- signals and queries -------------------------------------------------------------

    @workflow.signal(name=ARI_EVENT_SIGNAL)
    def ari_event(self, event: AriEventSignal) -> None:
        if event.event_key in self.seen:
            return  # the bridge replays events after a reconnect
        self.seen.add(event.event_key)
        kind = event.event_type
        if kind in ("PlaybackFinished",):
            self.finished_playbacks.add(event.playback_id)
        elif kind == "RecordingFinished":
            self.finished_recordings.add(event.recording_name)
        elif kind == "StasisStart" and any(a.startswith(RETURN_APP_ARG) for a in event.args):
            # The call or its AMD snoop is back from a dialplan service (flow_actions/dialplan).
            self.dialplan_returns.setdefault(event.channel_id, []).append(app_arg_map(event.args))
        elif event.channel_id != self.channel_id:
            return  # helper channels (snoops) of this call
        elif kind == "ChannelStateChange":
            self.channel_state = event.state
            if event.state == "Up":
                self.answered = True
        elif kind == "StasisStart":
            self.in_stasis = True  # only now can it be bridged
            # an originated channel's Up is not signalled: this StasisStart carries it
            self.channel_state = event.state or self.channel_state
            if self.input.direction == "outgoing" and not self.early:
                self.answered = True  # an originated channel enters Stasis when answered
        elif kind == "ChannelDtmfReceived":
            self._digit(event.digit)
        elif kind in ("ChannelDestroyed",):
            self.gone = True
            self.cause = event.cause
        elif kind == "ChannelHangupRequest" and not self.cause:  # no longer signalled; in
            # histories recorded before (ChannelDestroyed after it sets the same cause)
            self.cause = event.cause

    def _digit(self, digit: str) -> None:
        if self.runner.state is None:
            return  # before the flow exists (an inbound call not yet accepted)
        variables = self.runner.variables
        if self.collecting_digits:
            variables[DIGITS_VARIABLE] = variables.get(DIGITS_VARIABLE, "") + digit
        else:
            variables[DIGITS_VARIABLE] = digit
        self.digit_arrived += 1

    @workflow.signal(name=HANGUP_SIGNAL)
    def hangup(self, request: HangupRequest) -> None:
        if self.hangup_requested is None:
            self.hangup_requested = request.reason

    @workflow.signal(name=CONNECT_LEG_SIGNAL)
    def connect_leg(self, event: LegEvent) -> None:
        previous = self.legs.get(event.call_id)
        if previous is None or not previous.gone:
            self.legs[event.call_id] = event

    @workflow.signal(name=LEFT_SIGNAL)
    def confbridge_left(self, left: ConfbridgeLeft) -> None:
        self.confbridges_left[left.confbridge_id] = left

    @workflow.signal(name=JOINED_SIGNAL)
    def confbridge_joined(self, joined: ConfbridgeJoined) -> None:
        self.confbridges_joined.add(joined.confbridge_id)

    @workflow.signal(name=STOP_FLOW_SIGNAL)
    def stop_flow(self) -> None:
        self.stop_requested = True

    @workflow.query(name="view")
    def view(self) -> CallView:
        return CallView(self.status, self.node, self.runner.current, dict(self.runner.variables))

    # -- the call ------------------------------------------------------------------------

    @property
    def stopped(self) -> bool:
        return self.gone or self.hangup_requested is not None or self.stop_requested

    @property
    def activeflow_id(self) -> UUID:
        return self.input.activeflow_id

    @property
    def reference_id(self) -> UUID:
        return self.input.call_id

    @property
    def early(self) -> bool:
        return self.input.direction == "outgoing" and self.input.early_execution

    @property
    def early_ringing(self) -> bool:
        return self.early and self.status == "ringing" and not self.answered

    async def answered_late(self) -> None:
        """An early-execution call answered while its flow runs: progressing, and its
        master (a connect) learns it."""
        await self._set_status("progressing")
        if self.input.report_to_master:
            await self._tell_master(LegEvent(self.input.call_id, self.channel_id, True))

    def new_uuid(self) -> UUID:
        return workflow.uuid4()

    @workflow.run
    async def run(self, input: CallInput) -> CallResult:
        self.batched = input.revision >= 1
        if input.direction == "incoming" and input.customer_id == NIL:
            accepted = await self._la(
                c.accept_inbound,
                c.AcceptInboundInput(
                    input.call_id,
                    input.channel_id,
                    input.node,
                    str(input.source.get("target", "")),
                    str(input.destination.get("target", "")),
                ),
            )
            if not accepted.accepted:
                # Not one of our numbers: refused, and no call row is made for it.
                await self._hangup_channel(accepted.cause)
                return CallResult("hangup", "local", "", accepted.cause, ["no route"])
            assert accepted.customer_id is not None
            assert accepted.activeflow_id is not None
            input = dataclasses.replace(
                input,
                customer_id=accepted.customer_id,
                activeflow_id=accepted.activeflow_id,
                flow_id=accepted.flow_id,
                actions=accepted.actions,
                variables={**accepted.variables, **input.variables},
                source=accepted.source,
                destination=accepted.destination,
            )
            self.input = input
        self.runner.start(
            activeflow_id=input.activeflow_id,
            reference_type="call",
            reference_id=input.call_id,
            actions=input.actions,
            variables={**input.variables, DIGITS_VARIABLE: ""},
            max_executed_actions=input.max_executed_actions,
            flow_id=input.flow_id,
        )
        if input.direction == "outgoing":
            await self._dial(input)
        if input.connect_leg:
            return await self._run_leg(input)
        if input.report_to_master and self.answered and not self.stopped:
            await self._tell_master(LegEvent(input.call_id, self.channel_id, True))
        if not self.stopped and (
            input.direction == "incoming" or self.answered or self.early_ringing
        ):
            if self.answered:
                await self._set_status("progressing")
            await self.runner.run(workflow.now, lambda: self.status)
            await self.stop_recording()
            if not self.gone:
                await self.stop_external_media()
        await self._end_activeflow()
        result = await self._finish(input)
        if input.report_to_master:
            gone = LegEvent(
                input.call_id, self.channel_id, self.answered, True, result.hangup_cause
            )
            joined = bool(self.confbridges_joined)
            gone = dataclasses.replace(gone, reason=result.hangup_reason, joined=joined)
            await self._tell_master(gone)
        return result

    async def _run_leg(self, input: CallInput) -> CallResult:
        """A connect leg: answered → tell the master and stay until one side hangs up."""
        if self.answered and not self.stopped:
            await self._set_status("progressing")
            await self._tell_master(LegEvent(input.call_id, self.channel_id, True))
            await self.flush()
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self.stopped, timeout=input.timeouts.max_call_seconds
                )
        await self._end_activeflow()
        result = await self._finish(input)
        await self._tell_master(
            LegEvent(input.call_id, self.channel_id, self.answered, True, result.hangup_cause)
        )
        return result

    async def _tell_master(self, event: LegEvent) -> None:
        if self.input.master_call_id is None:
            return
        await self.flush()
        handle = workflow.get_external_workflow_handle(call_workflow_id(self.input.master_call_id))
        with contextlib.suppress(Exception):  # the master is gone: nobody to tell
            await handle.signal(CONNECT_LEG_SIGNAL, event)

    async def _hang_up_call(self, call_id: UUID) -> None:
        await self.flush()
        handle = workflow.get_external_workflow_handle(call_workflow_id(call_id))
        with contextlib.suppress(Exception):  # already ended
            await handle.signal(HANGUP_SIGNAL, HangupRequest("normal"))

    async def connect(
        self, source: dict[str, Any], destinations: list[dict[str, Any]], action: Action
    ) -> None:
        """Dial `destinations` on this call's node, bridge the first that answers with
        this call and stay bridged until either side leaves (then the flow goes on)."""
        await self.answer()
        key = f"connect:{self.input.call_id}:{action.id}:{self.runner.execute_count}"
        placed = await self._slow(
            c.place_calls,
            c.PlaceCallsInput(
                self.input.customer_id,
                key,
                source or self.input.source,
                destinations,
                self.input.call_id,
                True,
                self.node,
            ),
            30,
        )
        if placed.error:
            raise ActionFailed(placed.error)
        legs = set(placed.call_ids)

        def answered() -> LegEvent | None:
            return next(
                (e for i, e in self.legs.items() if i in legs and e.answered and not e.gone), None
            )

        def all_gone() -> bool:
            return all(i in self.legs and self.legs[i].gone for i in legs)

        await self.flush()
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: answered() is not None or all_gone() or self.stopped,
                timeout=self.input.timeouts.ring_seconds + 5,
            )
        winner = answered()
        for leg in legs:
            if winner is None or leg != winner.call_id:
                await self._hang_up_call(leg)  # the others stop ringing
        if winner is None:
            if self.stopped:
                raise FlowStopped("hangup")
            return  # nobody answered: the master's flow goes on (the original's intent)
        bridge_id = f"{self.input.call_id}-connect"
        await self._ari(t.bridge_create, t.BridgeCreateInput(self.node, bridge_id))
        await self._ari(
            t.bridge_add,
            t.BridgeMembersInput(self.node, bridge_id, [self.channel_id, winner.channel_id]),
        )
        await self.flush()
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self.stopped or self.legs[winner.call_id].gone,
                timeout=self.input.timeouts.max_call_seconds,
            )
        await self._ari(t.bridge_delete, t.BridgeRef(self.node, bridge_id))
        if self.stopped:
            await self._hang_up_call(winner.call_id)  # chained: hung up with the master
            raise FlowStopped("hangup")

    async def start_external_media(self, option: o.ExternalMediaStartOption) -> None:
        """The original's call external media: a snoop on the call (spy = listen, whisper =
        speak) and an externalMedia channel in one bridge; all ids start with the call's."""
        await self.answer()
        suffix = f"em{len(self.external_media) + 1}"
        call = str(self.input.call_id)
        snoop_id, media_id, bridge_id = (
            f"{call}-snoop-{suffix}",
            f"{call}-{suffix}",
            f"{call}-bridge-{suffix}",
        )
        await self._ari(
            t.snoop,
            t.SnoopInput(
                self.node,
                self.channel_id,
                snoop_id,
                spy=option.direction_listen or "both",
                whisper=option.direction_speak or "none",
            ),
        )
        await self._ari(
            t.external_media,
            t.ExternalMediaInput(
                self.node,
                media_id,
                option.external_host,
                format=option.format or "ulaw",
                encapsulation=option.encapsulation or "rtp",
                transport=option.transport or "udp",
                connection_type=option.connection_type or "client",
                data=option.data,
            ),
        )
        await self._ari(t.bridge_create, t.BridgeCreateInput(self.node, bridge_id))
        await self._ari(
            t.bridge_add, t.BridgeMembersInput(self.node, bridge_id, [snoop_id, media_id])
        )
        self.external_media.append(suffix)

    async def stop_external_media(self) -> None:
        call = str(self.input.call_id)
        while self.external_media:
            suffix = self.external_media.pop()
            for channel in (f"{call}-{suffix}", f"{call}-snoop-{suffix}"):
                await self._ari(t.hangup, t.HangupInput(self.node, channel, 16))
            await self._ari(t.bridge_delete, t.BridgeRef(self.node, f"{call}-bridge-{suffix}"))

    async def place_independent(
        self,
        source: dict[str, Any],
        destinations: list[dict[str, Any]],
        flow_id: UUID | None,
        actions: list[dict[str, Any]],
        chained: bool,
        early_execution: bool = False,
    ) -> None:
        """`call`: new outgoing calls running their own flow (from ringing on with
        `early_execution`); the flow does not wait."""
        key = f"call:{self.input.call_id}:{self.runner.execute_count}"
        placed = await self._slow(
            c.place_calls,
            c.PlaceCallsInput(
                self.input.customer_id,
                key,
                source or self.input.source,
                destinations,
                self.input.call_id if chained else None,
                False,
                "",
                flow_id,
                actions,
                early_execution=early_execution,
            ),
            30,
        )
        if placed.error:
            raise ActionFailed(placed.error)
        if chained:
            self.chained.extend(placed.call_ids)

    async def _dial(self, input: CallInput) -> None:
        ring = input.timeouts.ring_seconds
        channel_id = str(input.call_id)
        try:
            if input.node:  # a connect leg goes where its master is, to be bridged
                self.node = input.node
            else:
                self.node = (await self._la(t.pick_node, t.PickNodeInput(channel_id))).node
            dial = t.OriginateInput(
                self.node,
                channel_id,
                input.endpoint,
                str(input.source.get("target", "")),
                int(ring) or 1,
                [f"call_id={channel_id}"],
            )
            if input.early_execution:  # in Stasis while it rings: it can be bridged early
                await self._la(t.create_channel, dial)
                await self._la(
                    t.dial,
                    t.DialInput(self.node, channel_id, dial.caller_id, dial.dial_timeout_seconds),
                )
            else:
                await self._la(t.originate, dial)
        except steps.ACTIVITY_FAILURES as exc:
            # No healthy node, or the node refused the dial string: it never reached the
            # network (reason dialout/failed by the cause mapping).
            self.gone, self.cause = True, 0
            self.runner.errors.append(f"originate failed: {exc.cause or exc}")
            return
        if input.revision >= 1:
            await self._ring(ring + 1)
            return
        deadline = workflow.now() + timedelta(seconds=ring + 1)
        while not (self.answered or self.stopped or self.early_ringing):
            ringing = self.channel_state in ("Ring", "Ringing") and self.status == "dialing"
            if ringing:
                await self._set_status("ringing")
                continue
            remaining = (deadline - workflow.now()).total_seconds()
            await self.flush()
            try:
                await workflow.wait_condition(
                    lambda: (
                        self.answered
                        or self.stopped
                        or (self.channel_state in ("Ring", "Ringing") and self.status == "dialing")
                    ),
                    timeout=max(remaining, 0.001),
                )
            except TimeoutError:
                # The node's own dial timeout normally fires first; this is the backstop.
                await self._hangup_channel(19)
                await self._wait_gone(input.timeouts.hangup_wait_seconds)
                return
        if self.channel_state in ("Ring", "Ringing") and self.status == "dialing":
            await self._set_status("ringing")

    def _rings_unstored(self) -> bool:
        return self.channel_state in ("Ring", "Ringing") and self.status == "dialing"

    async def _ring(self, seconds: float) -> None:
        """Until the call is answered, gone, or ringing with an early-executed flow; its
        ringing stored on the way. One timer for the whole wait (a wait per state
        change started and cancelled one each)."""
        deadline = asyncio.ensure_future(asyncio.sleep(seconds))
        try:
            while not (self.answered or self.stopped or self.early_ringing):
                if self._rings_unstored():
                    await self._set_status("ringing")
                    continue
                if deadline.done():
                    # The node's own dial timeout normally fires first; this is the backstop.
                    await self._hangup_channel(19)
                    await self._wait_gone(self.input.timeouts.hangup_wait_seconds)
                    return
                await self.flush()
                await workflow.wait_condition(
                    lambda: (
                        self.answered or self.stopped or self._rings_unstored() or deadline.done()
                    )
                )
        finally:
            deadline.cancel()
        if self._rings_unstored():
            await self._set_status("ringing")

    async def _finish(self, input: CallInput) -> CallResult:
        if not self.gone:
            reason = self.hangup_requested or "normal"
            early = self.status in ("dialing", "ringing")
            status = "canceling" if early and input.direction == "outgoing" else "terminating"
            await self._set_status(status)
            await self._hangup_channel(REASON_CAUSE.get(reason, 16))
            await self._wait_gone(input.timeouts.hangup_wait_seconds)
            if not self.gone:
                self.cause = self.cause or REASON_CAUSE.get(reason, 16)
        by = "local" if self.status in ("terminating", "canceling") else "remote"
        reason = hangup_reason(input.direction, self.status, self.cause)
        await self._write(
            c.RowWrite(
                status=c.SetStatusInput(
                    input.call_id, input.customer_id, "hangup", by, reason, self.cause
                )
            )
        )
        self.status = "hangup"
        await self.flush()
        for chained in self.chained:
            await self._hang_up_call(chained)
        return CallResult("hangup", by, reason, self.cause, list(self.runner.errors))

    async def _wait_gone(self, seconds: float) -> None:
        await self.flush()
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self.gone, timeout=seconds)

    # -- helpers for executors -----------------------------------------------------------

    async def _la(self, fn: Any, arg: Any) -> Any:
        await self.flush()
        return await steps.local(fn, arg)

    async def _slow(self, fn: Any, arg: Any, seconds: float) -> Any:
        await self.flush()
        return await steps.slow(fn, arg, seconds)

    async def _write(self, write: c.RowWrite) -> None:
        """A row write: held for the next `flush`, or (histories from before batching)
        its own local activity at once."""
        if self.batched:
            self.writes.append(write)
        elif write.status is not None:
            await steps.local(c.set_status, write.status)
        elif write.action is not None:
            await steps.local(c.set_action, write.action)
        elif write.end is not None:
            await steps.local(c.end_activeflow, write.end)

    async def flush(self) -> None:
        """The held row writes, in one local activity (one transaction), before anything
        that waits or that another workflow or node could see."""
        if self.writes:
            writes, self.writes = self.writes, []
            await steps.local(c.write_rows, c.WriteRowsInput(writes))

    async def ari(self, fn: Any, arg: Any) -> Any:
        return await self._ari(fn, arg)

    async def _ari(self, fn: Any, arg: Any) -> Any:
        """A telephony local activity; a channel/playback already gone is not an error.
        Held row writes stay held: a node's quick operation neither waits nor reads them,
        and the next action's media starts one transaction sooner."""
        try:
            if not self.batched:
                return await self._la(fn, arg)
            return await steps.local(fn, arg)
        except steps.ACTIVITY_FAILURES as exc:
            if steps.failure_type(exc) == t.CHANNEL_GONE:
                return None
            raise

    async def _set_status(self, status: str) -> None:
        await self._write(
            c.RowWrite(
                status=c.SetStatusInput(
                    self.input.call_id, self.input.customer_id, status, node=self.node
                )
            )
        )
        self.status = status

    async def _hangup_channel(self, cause: int) -> None:
        if self.node:
            await self._ari(t.hangup, t.HangupInput(self.node, self.channel_id, cause))

    async def _end_activeflow(self) -> None:
        state = self.runner.state
        end = c.EndActiveflowInput(
            self.input.customer_id,
            self.input.activeflow_id,
            state.end_reason if state is not None else "",
            self.runner.errors[0] if self.runner.errors else "",
            dict(self.runner.variables) if state is not None else {},
        )
        await self._write(c.RowWrite(end=end))

    async def record_action(self, action: Action) -> None:
        if (
            self.early
            and self.answered
            and self.status in ("dialing", "ringing")
            and self.input.revision >= 1
        ):
            # answered while its early-executed flow ran actions without media
            await self.answered_late()
        executed = action.model_dump(mode="json")
        if self.batched:  # written later: stamped now, when it runs
            executed["tm_execute"] = workflow.now().isoformat()
        step = c.SetActionInput(
            self.input.customer_id,
            self.input.call_id,
            self.input.activeflow_id,
            executed,
            self.runner.execute_count,
        )
        await self._write(c.RowWrite(action=step))

    async def wait_for(self, predicate: Any, seconds: float) -> bool:
        """True if `predicate` came true; False on timeout. Raises FlowStopped on hangup."""
        if seconds <= 0:  # no timer: a zero wait only looks at the state once
            if self.stopped:
                raise FlowStopped("hangup")
            return bool(predicate())
        await self.flush()
        try:
            await workflow.wait_condition(
                lambda: predicate() or self.stopped, timeout=max(seconds, 0.001)
            )
        except TimeoutError:
            return False
        if self.stopped:
            raise FlowStopped("hangup")
        return True

    async def answer(self) -> None:
        if self.status == "progressing":
            return
        if self.early_ringing:
            # An early-executed outgoing call (`call` with early_execution): its party
            # answers, not us. Media waits for that; a hangup meanwhile stops the flow.
            await self.wait_for(lambda: self.answered, self.input.timeouts.max_call_seconds)
            await self.answered_late()
            return
        await self._ari(t.answer, t.ChannelRef(self.node, self.channel_id))
        self.answered = True
        await self._set_status("progressing")

    async def synthesize(self, text: str, language: str, voice_id: str) -> str:
        result = await self._slow(c.synthesize, c.SynthesizeInput(text, language, voice_id), 30)
        if result.error:
            raise ActionFailed(result.error)
        return str(result.media_uri)

    async def play_and_wait(
        self, media: list[str], action: Action, *, wait: bool, stop_on_digit: bool
    ) -> None:
        playback_id = f"call:{action.id}:{self.runner.execute_count}"
        await self._ari(t.play, t.PlayInput(self.node, playback_id, media, self.channel_id))
        if not wait:
            return
        digits_before = self.digit_arrived
        await self.wait_for(
            lambda: (
                playback_id in self.finished_playbacks
                or (stop_on_digit and self.digit_arrived > digits_before)
            ),
            self.input.timeouts.max_call_seconds,
        )
        if playback_id not in self.finished_playbacks:
            await self._ari(t.stop_playback, t.PlaybackRef(self.node, playback_id))

    async def send_dtmf(self, digits: str, duration_ms: int, interval_ms: int) -> None:
        await self._ari(  # a party gone meanwhile is the hangup the next wait sees
            t.send_dtmf,
            t.SendDtmfInput(
                self.node,
                self.channel_id,
                digits,
                f"dtmf:{self.input.call_id}:{self.runner.execute_count}",
                duration_ms,
                interval_ms,
            ),
        )

    async def request_hangup(self, reason: str) -> None:
        if self.hangup_requested is None:
            self.hangup_requested = reason

    async def mute(self, direction: str) -> None:
        await self._ari(t.mute, t.MuteInput(self.node, self.channel_id, direction))

    async def start_recording(self, option: o.RecordingStartOption) -> None:
        if self.recording is not None:
            await self.stop_recording()
        recording_id = workflow.uuid4()
        name = f"call_{self.input.call_id}_{recording_id}"
        await self._ari(
            t.record,
            t.RecordInput(
                self.node,
                name,
                self.channel_id,
                format=option.format or "wav",
                max_duration_seconds=option.duration,
                max_silence_seconds=option.end_of_silence,
                terminate_on=option.end_of_key or "none",
            ),
        )
        on_end = option.on_end_flow_id if option.on_end_flow_id != o.NIL_UUID else None
        await self._la(
            c.recording_start,
            c.RecordingStartInput(
                self.input.customer_id,
                recording_id,
                self.input.call_id,
                self.input.activeflow_id,
                self.node,
                name,
                option.format or "wav",
                on_end,
            ),
        )
        self.recording = (recording_id, name)

    async def stop_recording(self) -> None:
        """Stop (if still going), fetch the file into our storage, end the recording."""
        if self.recording is None:
            return
        recording_id, name = self.recording
        self.recording = None
        await self._ari(t.stop_recording, t.RecordingRef(self.node, name))
        await self.flush()
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: name in self.finished_recordings,
                timeout=self.input.timeouts.recording_wait_seconds,
            )
        destination = f"{self.input.recordings_dir}/{self.input.customer_id}/{recording_id}.wav"
        path, size = "", 0
        try:
            stored = await self._slow(
                t.download_recording, t.DownloadRecordingInput(self.node, name, destination), 30
            )
            path, size = stored.path, stored.size_bytes
        except steps.ACTIVITY_FAILURES as exc:
            self.runner.errors.append(f"recording {recording_id}: no file: {exc.cause or exc}")
        await self._la(
            c.recording_finish,
            c.RecordingFinishInput(self.input.customer_id, recording_id, path, size),
        )

    async def http(
        self, uri: str, method: str, body: str, content_type: str, *, signed: bool, wait: bool
    ) -> Any:
        await self.flush()
        return await steps.http(
            self.input.customer_id,
            self.input.activeflow_id,
            self.input.timeouts.http_seconds,
            uri,
            method,
            body,
            content_type,
            signed=signed,
            wait=wait,
        )

    async def load_flow(self, flow_id: UUID) -> list[dict[str, Any]] | None:
        await self.flush()
        return await steps.load_flow(self.input.customer_id, flow_id)
