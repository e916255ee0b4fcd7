"""A stand-in registered as `CallWorkflow`: it records the ARI signals it receives.

Started by the bridge's signal-with-start with whatever input `InboundStarter` builds
(kept as plain JSON: only the signals matter here); ends when its channel is destroyed
and returns what it heard, in order.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.telephony_signals import ARI_EVENT_SIGNAL, AriEventSignal


@workflow.defn(name="CallWorkflow")
class RecordingCallWorkflow:
    def __init__(self) -> None:
        self.heard: list[AriEventSignal] = []

    @workflow.run
    async def run(self, input: dict[str, Any] | None = None) -> list[AriEventSignal]:
        await workflow.wait_condition(
            lambda: any(s.event_type == "ChannelDestroyed" for s in self.heard)
        )
        return self.heard

    @workflow.signal(name=ARI_EVENT_SIGNAL)
    def ari_event(self, signal: AriEventSignal) -> None:
        self.heard.append(signal)

    @workflow.query
    def events(self) -> list[AriEventSignal]:
        return self.heard
