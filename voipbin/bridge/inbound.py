"""Starting the call workflow of a new inbound channel (signal-with-start).

The bridge hands over the StasisStart signal of a channel it did not create; the call id
is `call_id_for_channel(channel, node)`. CallWorkflow starts from an input naming only the
channel, its node, the caller and the dialled number: its first step (activity
`calls.accept_inbound`) routes the dialled number to its owner's flow and writes the
call and activeflow rows, or refuses the call with cause 3 when nobody serves the
number. So the bridge never touches the database and a replayed StasisStart cannot
make a second call (REJECT_DUPLICATE on the workflow id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy

from workflows.call import NIL, REVISION, CallInput, CallTimeouts, CallWorkflow
from workflows.ids import call_workflow_id
from workflows.task_queues import CALLS
from workflows.telephony_signals import ARI_EVENT_SIGNAL, AriEventSignal, call_id_for_channel

OnInbound = Callable[[AriEventSignal], Awaitable[None]]


class InboundStarter:
    """`on_inbound` of the bridge: signal-with-start of `call:<call id>`."""

    def __init__(
        self,
        client: Client,
        task_queue: str = CALLS,
        timeouts: CallTimeouts | None = None,
        max_executed_actions: int = 100,
        recordings_dir: str = ".voipbin/recordings",
    ) -> None:
        self.recordings_dir = recordings_dir
        self._client = client
        self.task_queue = task_queue
        self.timeouts = timeouts or CallTimeouts()
        self.max_executed_actions = max_executed_actions

    def workflow_args(self, signal: AriEventSignal) -> list[Any]:
        call_id = call_id_for_channel(signal.channel_id, signal.node)
        return [
            CallInput(
                call_id=call_id,
                customer_id=NIL,
                activeflow_id=NIL,
                direction="incoming",
                source={"type": "tel", "target": signal.caller_number},
                destination={"type": "tel", "target": signal.exten},
                actions=[],
                variables={},
                timeouts=self.timeouts,
                node=signal.node,
                channel_id=signal.channel_id,
                max_executed_actions=self.max_executed_actions,
                recordings_dir=self.recordings_dir,
                revision=REVISION,
            )
        ]

    async def __call__(self, signal: AriEventSignal) -> None:
        # A running workflow just gets the signal; a closed one is never started again
        # (REJECT_DUPLICATE), so a StasisStart replayed after the call ended is harmless:
        # the client raises WorkflowAlreadyStartedError, which the bridge logs and drops.
        await self._client.start_workflow(
            CallWorkflow.run,
            *self.workflow_args(signal),
            id=call_workflow_id(call_id_for_channel(signal.channel_id, signal.node)),
            task_queue=self.task_queue,
            start_signal=ARI_EVENT_SIGNAL,
            start_signal_args=[signal],
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
