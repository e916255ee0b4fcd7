"""How a party's script steps change a call (the `PartyActor` the scripts drive)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telephony.simulator.audio import FiniteSource, LoopingSource, tone_cycle

if TYPE_CHECKING:
    from telephony.simulator.core import Call, SimAsterisk


class CallParty:
    """`PartyActor` for one call: what a script step does to the node's state."""

    def __init__(self, node: SimAsterisk, call: Call) -> None:
        self.node = node
        self.call = call

    def _live(self) -> bool:
        return not self.call.ended and self.call.ours.id in self.node.channels

    async def dialplan(self, app: str, data: str) -> None:
        far = self.call.far
        if far is None or not self._live():
            return
        far.dialplan.priority += 0 if far.dialplan.app_name == "" else 1
        far.dialplan.app_name, far.dialplan.app_data = app, data
        self.node.bus.channel_event(
            "ChannelDialplan", far, dialplan_app=app, dialplan_app_data=data
        )

    async def ring(self) -> None:
        call = self.call
        if call.answered or call.mode == "inbound" or not self._live():
            return
        self.node.set_state(call.ours, "Ringing")
        self.node.dial_event(call, "RINGING")

    async def answer(self) -> None:
        call, node = self.call, self.node
        if call.answered or call.mode == "inbound" or not self._live():
            return
        call.answered = True
        if call.timeout_handle is not None:
            call.timeout_handle.cancel()
        if call.far is not None:
            node.set_state(call.far, "Up")
        node.set_state(call.ours, "Up")
        node.device_state(call, "INUSE")
        node.dial_event(call, "ANSWER")
        if call.mode == "originate" and call.app:
            # An originated channel enters Stasis only once answered (trace 01).
            node.enter_stasis(call.ours, call.app, call.ours.stasis_args, dialplan_event=False)

    async def busy(self) -> None:
        await self._indicate("BUSY", our_cause=17, far_cause=17, linger=10.0)

    async def congestion(self) -> None:
        # Trace 02c: our channel dies with cause 0, its far half with 34.
        await self._indicate("CONGESTION", our_cause=0, far_cause=34, linger=5.0)

    async def _indicate(self, status: str, our_cause: int, far_cause: int, linger: float) -> None:
        call, node = self.call, self.node
        if call.answered or not self._live():
            return
        if call.far is not None:
            node.set_state(call.far, "Busy")
        if call.mode == "originate":
            node.originate_failed(call, status, our_cause, far_cause)
            return
        if call.mode == "dial":
            # The channel stays in Stasis until the far end gives up (trace 02b).
            node.dial_event(call, status)
        await node.sleep(linger)
        await self.hangup(far_cause)

    async def hangup(self, cause: int) -> None:
        if self._live():
            self.node.hangup_from_party(self.call, cause)

    async def send_dtmf(self, digits: str) -> None:
        # SendDTMF defaults: 100 ms digits about 350 ms apart (trace 04).
        await self.node.sleep(0.1)
        for index, digit in enumerate(digits):
            if index:
                await self.node.sleep(0.25)
            await self.node.sleep(0.1)
            if not self._live():
                return
            self.node.party_dtmf(self.call, digit, 100)
        # SendDTMF pauses once more after the last digit before the dialplan goes on.
        await self.node.sleep(0.25)

    async def say(self, text: str) -> None:
        samples = await self.node.library.speech(text)
        if not self._live():
            return
        self.call.speech_done = asyncio.Event()
        self.node.sources.party_audio[self.call.ours.id] = FiniteSource(samples)
        await self.call.speech_done.wait()
        self.call.speech_done = None

    async def tone(self, name: str) -> None:
        cycle = tone_cycle(name)
        if cycle is not None and self._live():
            self.node.sources.party_audio[self.call.ours.id] = LoopingSource(cycle)
