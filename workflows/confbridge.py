"""ConfbridgeWorkflow (`confbridge:<id>`): one internal confbridge, from its bridge's
creation to its end.

Why a workflow of its own owns membership and termination rather than the calls:
"when one participant is left the confbridge terminates and the last leg is kicked"
is a decision over every member at once. Made by the members themselves, two calls
leaving together would each see the other still there (or both kick), and a third
joiner would race them; one signal-driven owner sees joins and leaves in one order, and
durably (a worker restart replays it). Later users (conference, queue, transfer) start
the same workflow with another type or flags and send the same signals.

The bridge lives on one node (`ConfbridgeInput.node`, the creator's). A call on another
node is refused (`other_node`): the original reaches a conference farm through a
`conf-join` SIP leg, which the simulator does not model yet.
"""

# No `from __future__ import annotations`: these dataclasses are decoded inside the
# workflow sandbox, where pydantic cannot resolve string annotations.

import contextlib
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import confbridges as cb
    from activities.contracts import telephony as t
    from workflows import confbridge_signals as s
    from workflows.flow_actions import steps
    from workflows.ids import call_workflow_id

CONNECT = "connect"
NO_AUTO_LEAVE = "no_auto_leave"
# ARI bridge types (spec telephony.md §3): connect → mixing,proxy_media; conference → mixing.
BRIDGE_TYPES = {CONNECT: ["mixing", "proxy_media"], "conference": ["mixing"]}


def bridge_id_for(confbridge_id: UUID) -> str:
    # Not `<uuid>-...`: the ARI bridge routes those to a call workflow; nobody's call owns it.
    return f"confbridge-{confbridge_id}"


@dataclass(frozen=True)
class ConfbridgeInput:
    confbridge_id: UUID
    customer_id: UUID
    type: str  # connect | conference
    node: str
    reference_type: str = "call"
    reference_id: UUID | None = None
    flags: list[str] = field(default_factory=list)
    # With nobody in it for this long (never joined, or all gone) it terminates.
    empty_seconds: float = 3600.0


@dataclass
class ConfbridgeView:
    status: str
    bridge_id: str
    members: list[UUID]


@workflow.defn(name="ConfbridgeWorkflow")
class ConfbridgeWorkflow:
    @workflow.init
    def __init__(self, input: ConfbridgeInput) -> None:
        self.input = input
        self.bridge_id = bridge_id_for(input.confbridge_id)
        self.status = "progressing"
        self.members: dict[UUID, str] = {}  # call id → channel id, in join order
        self.pending: list[s.JoinRequest | s.LeaveRequest] = []
        self.terminate_requested = False
        self.ringing = False
        self.ring_count = 0
        self.had_leave = False

    @workflow.signal(name=s.JOIN_SIGNAL)
    def join(self, request: s.JoinRequest) -> None:
        self.pending.append(request)

    @workflow.signal(name=s.LEAVE_SIGNAL)
    def leave(self, request: s.LeaveRequest) -> None:
        self.pending.append(request)

    @workflow.signal(name=s.TERMINATE_SIGNAL)
    def terminate(self) -> None:
        self.terminate_requested = True

    @workflow.query(name="view")
    def view(self) -> ConfbridgeView:
        return ConfbridgeView(self.status, self.bridge_id, list(self.members))

    @workflow.run
    async def run(self, input: ConfbridgeInput) -> ConfbridgeView:
        await self._la(
            cb.create,
            cb.CreateInput(
                input.confbridge_id,
                input.customer_id,
                input.type,
                input.node,
                self.bridge_id,
                input.reference_type,
                input.reference_id,
                list(input.flags),
            ),
        )
        name = f"reference_type=confbridge,reference_id={input.confbridge_id}"
        types = BRIDGE_TYPES.get(input.type, ["mixing"])
        await self._la(
            t.bridge_create, t.BridgeCreateInput(input.node, self.bridge_id, types, name)
        )
        while not self._should_end():
            try:
                await workflow.wait_condition(
                    lambda: bool(self.pending) or self.terminate_requested,
                    timeout=input.empty_seconds if not self.members else None,
                )
            except TimeoutError:
                break  # empty for too long
            while self.pending and not self._should_end():
                request = self.pending.pop(0)
                if isinstance(request, s.JoinRequest):
                    await self._join(request)
                else:
                    await self._leave(request.call_id, s.LEFT_LEFT, request.gone)
        await self._terminate()
        return self.view()

    def _should_end(self) -> bool:
        if self.terminate_requested:
            return True
        # A connect bridge is two parties: once someone left, one alone is not a call.
        auto = self.input.type == CONNECT and NO_AUTO_LEAVE not in self.input.flags
        return auto and self.had_leave and len(self.members) <= 1

    async def _join(self, request: s.JoinRequest) -> None:
        refusal = ""
        if request.customer_id != self.input.customer_id:
            refusal = s.REFUSED_NOT_FOUND
        elif request.node != self.input.node:
            refusal = s.REFUSED_OTHER_NODE
        if refusal:
            await self._tell(request.call_id, s.ConfbridgeLeft(self.input.confbridge_id, refusal))
            return
        if request.call_id in self.members:
            return  # a repeated join
        try:
            await self._la(
                t.bridge_add,
                t.BridgeMembersInput(self.input.node, self.bridge_id, [request.channel_id]),
            )
        except steps.ACTIVITY_FAILURES as exc:  # the node refused it
            detail = str(exc.cause or exc)
            await self._tell(
                request.call_id,
                s.ConfbridgeLeft(self.input.confbridge_id, s.REFUSED_FAILED, detail),
            )
            return
        self.members[request.call_id] = request.channel_id
        await self._la(cb.member, cb.MemberInput(self.input.confbridge_id, request.call_id, True))
        await self._tell(
            request.call_id, s.ConfbridgeJoined(self.input.confbridge_id), s.JOINED_SIGNAL
        )
        await self._ring_while_alone()

    async def _ring_while_alone(self) -> None:
        """Connect type: the first participant hears ringback until the other one is in."""
        if self.input.type != CONNECT:
            return
        if len(self.members) == 1 and not self.ringing and not self.had_leave:
            self.ring_count += 1
            await self._ari(
                t.play,
                t.PlayInput(
                    self.input.node, self._ring_id(), ["tone:ring"], bridge_id=self.bridge_id
                ),
            )
            self.ringing = True
        elif len(self.members) > 1 and self.ringing:
            await self._ari(t.stop_playback, t.PlaybackRef(self.input.node, self._ring_id()))
            self.ringing = False

    def _ring_id(self) -> str:
        return f"{self.bridge_id}-ring-{self.ring_count}"

    async def _leave(self, call_id: UUID, reason: str, gone: bool = False) -> None:
        channel_id = self.members.pop(call_id, None)
        if channel_id is None:
            return
        self.had_leave = True
        if not gone:
            await self._ari(
                t.bridge_remove,
                t.BridgeMembersInput(self.input.node, self.bridge_id, [channel_id]),
            )
        # The call first (its flow goes on now), the row after.
        await self._tell(call_id, s.ConfbridgeLeft(self.input.confbridge_id, reason))
        await self._la(cb.member, cb.MemberInput(self.input.confbridge_id, call_id, False))

    async def _terminate(self) -> None:
        self.status = "terminating"
        cid = self.input.confbridge_id
        for call_id in list(self.members):  # kicked first: the last leg's flow goes on
            await self._leave(call_id, s.LEFT_KICKED)
        await self._la(cb.set_status, cb.SetStatusInput(cid, "terminating"))
        await self._ari(t.bridge_delete, t.BridgeRef(self.input.node, self.bridge_id))
        # Joins that came in meanwhile: refused, so their flow does not wait for nothing.
        for request in self.pending:
            if isinstance(request, s.JoinRequest):
                await self._tell(request.call_id, s.ConfbridgeLeft(cid, s.REFUSED_TERMINATED))
        self.pending.clear()
        await self._la(cb.set_status, cb.SetStatusInput(cid, "terminated"))
        self.status = "terminated"

    async def _tell(self, call_id: UUID, news: Any, signal: str = s.LEFT_SIGNAL) -> None:
        handle = workflow.get_external_workflow_handle(call_workflow_id(call_id))
        with contextlib.suppress(Exception):  # the call is gone: nobody to tell
            await handle.signal(signal, news)

    async def _la(self, fn: Any, arg: Any) -> Any:
        return await steps.local(fn, arg)

    async def _ari(self, fn: Any, arg: Any) -> Any:
        """Clean-up on the node: a channel, bridge or playback already gone (404) or a
        channel no longer in the bridge (422, it hung up) is what was wanted."""
        try:
            return await self._la(fn, arg)
        except steps.ACTIVITY_FAILURES as exc:
            if steps.failure_type(exc) in (t.CHANNEL_GONE, t.ARI_REJECTED):
                return None
            raise
