"""`confbridge_join` and the confbridge-based `connect` (spec flow-actions.md §4).

`connect` creates a connect-type confbridge (a ConfbridgeWorkflow child that outlives
this call), dials the destinations with the temporary flow `[confbridge_join(cb),
hangup]`, and pushes `confbridge_join(cb)` (+ with `relay_reason` a `hangup` relaying the
first leg's reason) on this call's own flow. The master therefore waits in the bridge
hearing ringback; the first leg that answers joins it. If no leg answers within the ring
timeout, or every leg fails (busy, no answer), the master leaves and its flow goes on:
the original stores `execute_next_master_on_hangup` for that and never reads it, the
spec asks for the intent.

`confbridge_join` asks the confbridge to bridge this call's channel and returns when the
call is out of it again (kicked, the confbridge ended, or the join refused).
"""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

from temporalio import workflow

from activities.contracts import calls as c
from workflows import confbridge_signals as s
from workflows.confbridge import CONNECT, ConfbridgeInput, ConfbridgeWorkflow
from workflows.flow_actions import options as o
from workflows.flow_actions.runtime import ActionFailed, Executor
from workflows.flow_engine.control import Push
from workflows.flow_engine.model import NIL, Action
from workflows.ids import confbridge_workflow_id

# The `workflow.patched` id of connect-through-a-confbridge (histories before it bridged
# the first answering leg directly with a call bridge).
CONNECT_CONFBRIDGE_PATCH = "connect-confbridge"
RING_GRACE_SECONDS = 5.0  # after the legs' own ring timeout, before the master gives up


async def _signal(confbridge_id: UUID, name: str, *args: Any) -> bool:
    handle = workflow.get_external_workflow_handle(confbridge_workflow_id(confbridge_id))
    try:
        await handle.signal(name, *args)
    except Exception:  # no such workflow, or it has ended
        return False
    return True


def _answered(host: Any, legs: list[UUID]) -> bool:
    return any(leg in host.legs and host.legs[leg].answered for leg in legs)


def _all_gone(host: Any, legs: list[UUID]) -> bool:
    return all(leg in host.legs and host.legs[leg].gone for leg in legs)


def _nobody_came(host: Any, legs: list[UUID]) -> bool:
    """Every leg ended without ever being in the confbridge (busy, no answer, or hung up
    between its answer and its join): the confbridge will not end the wait for us.
    A leg that was in it is the confbridge's business: its leaving ends the connect, or
    not (a third party there, a transfer)."""
    return _all_gone(host, legs) and not any(host.legs[leg].joined for leg in legs)


async def confbridge_join(host: Any, action: Action, option: o.ConfbridgeJoinOption) -> None:
    cb_id = option.confbridge_id
    if cb_id == o.NIL_UUID:
        raise ActionFailed("confbridge_join needs a confbridge_id")
    if host.answered or host.input.direction == "incoming":
        await host.answer()  # (an early-media leg still ringing is answered by its party)
    if not host.in_stasis:  # answered (ChannelStateChange Up) comes before StasisStart
        await host.wait_for(lambda: host.in_stasis, host.input.timeouts.hangup_wait_seconds)
    host.confbridges_left.pop(cb_id, None)
    call_id = host.input.call_id
    request = s.JoinRequest(call_id, host.input.customer_id, host.node, host.channel_id)
    await host.flush()
    if not await _signal(cb_id, s.JOIN_SIGNAL, request):
        raise ActionFailed(f"confbridge {cb_id} does not exist or has ended")
    legs: list[UUID] = host.connect_legs.get(cb_id, [])
    timeouts = host.input.timeouts

    def out() -> bool:
        return cb_id in host.confbridges_left

    try:
        if legs:  # our own connect: wait for a leg to answer, at most the ring timeout
            await host.wait_for(
                lambda: out() or _answered(host, legs) or _all_gone(host, legs),
                timeouts.ring_seconds + RING_GRACE_SECONDS,
            )
            if not _answered(host, legs):
                for leg in legs:
                    await host._hang_up_call(leg)  # stop the others ringing
                return
        if not host.answered:  # early media: in the bridge while it rings
            await host.wait_for(lambda: out() or host.answered, timeouts.max_call_seconds)
            if host.answered:
                await host.answered_late()
        await host.wait_for(
            lambda: out() or bool(legs and _nobody_came(host, legs)), timeouts.max_call_seconds
        )
    finally:
        if not out():
            await host.flush()
            await _signal(cb_id, s.LEAVE_SIGNAL, s.LeaveRequest(call_id, bool(host.gone)))
            if not host.gone:  # out of the bridge before the next action plays
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(out, timeout=timeouts.hangup_wait_seconds)
    left = host.confbridges_left.get(cb_id)
    if left is not None and left.reason in s.REFUSALS and left.reason != s.REFUSED_TERMINATED:
        raise ActionFailed(f"confbridge {cb_id}: join refused ({left.reason}) {left.detail}")


async def connect(
    host: Any, action: Action, option: o.ConnectOption, destinations: list[dict[str, Any]]
) -> Push:
    await host.answer()
    cb_id = host.new_uuid()
    call_id = host.input.call_id
    await host.flush()
    await workflow.start_child_workflow(
        ConfbridgeWorkflow.run,
        ConfbridgeInput(
            cb_id,
            host.input.customer_id,
            CONNECT,
            host.node,
            "call",
            call_id,
            empty_seconds=host.input.timeouts.max_call_seconds,
        ),
        id=confbridge_workflow_id(cb_id),
        task_queue=workflow.info().task_queue,
        # The confbridge ends by its own rules, not with the call that made it.
        parent_close_policy=workflow.ParentClosePolicy.ABANDON,
    )
    join = {"id": str(NIL), "type": "confbridge_join", "option": {"confbridge_id": str(cb_id)}}
    source = option.source.model_dump() if option.source.target else host.input.source
    placed = await host._slow(
        c.place_calls,
        c.PlaceCallsInput(
            host.input.customer_id,
            f"connect:{call_id}:{action.id}:{host.runner.execute_count}",
            source,
            destinations,
            call_id,
            False,
            host.node,  # legs are dialled where the bridge is
            None,
            [join, {"type": "hangup"}],
            report_to_master=True,
            early_execution=option.early_media,
        ),
        30,
    )
    if placed.error:
        await host.flush()
        await _signal(cb_id, s.TERMINATE_SIGNAL)
        raise ActionFailed(placed.error)
    legs = list(placed.call_ids)
    host.connect_legs[cb_id] = legs
    host.chained.extend(legs)  # connect legs are hung up with the master
    pushed = [Action.model_validate(join)]
    if option.relay_reason:
        pushed.append(Action(id=NIL, type="hangup", option={"reference_id": str(legs[0])}))
    return Push(pushed)


async def relayed_reason(host: Any, call_id: UUID) -> str:
    """`hangup` with `reference_id` (connect's relay_reason): that leg's hangup reason,
    once it is known (the leg may still be ending when the master gets here)."""

    def ended() -> bool:
        return call_id in host.legs and bool(host.legs[call_id].gone)

    if call_id not in host.chained:
        return ""  # not one of this call's legs
    await host.flush()
    with contextlib.suppress(TimeoutError):
        await workflow.wait_condition(ended, timeout=host.input.timeouts.hangup_wait_seconds)
    return str(host.legs[call_id].reason) if ended() else ""


EXECUTORS: dict[str, Executor] = {"confbridge_join": confbridge_join}
