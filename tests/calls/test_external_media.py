"""external_media_start/stop: the call's audio streams as RTP to the customer's host."""

from __future__ import annotations

import asyncio

import numpy as np

from telephony.simulator.rtp import ulaw_decode
from tests.calls.conftest import META, CallHarness
from voipbin.calls.service import CreateCall


class Collector(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.packets: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        self.packets.append(data)


async def test_external_media_streams_the_callers_voice(call_harness: CallHarness) -> None:
    h = call_harness
    loop = asyncio.get_running_loop()
    transport, collector = await loop.create_datagram_endpoint(
        Collector, local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    try:
        await h.script(
            "+15550005000",
            [
                {"answer": True},
                *[
                    step
                    for _ in range(30)
                    for step in ({"say": "streaming to the robot"}, {"wait": 2})
                ],
            ],
        )
        [call] = await h.calls.create(
            h.principal,
            META,
            CreateCall(
                {"type": "tel", "target": "+15550000001"},
                [{"type": "tel", "target": "+15550005000"}],
                actions=[
                    {
                        "type": "external_media_start",
                        "option": {"external_host": f"127.0.0.1:{port}"},
                    },
                    {"type": "sleep", "option": {"duration": 2000}},
                    {"type": "external_media_stop"},
                    {"type": "hangup"},
                ],
            ),
        )
        result = await h.result(call.id)
        assert (result.hangup_reason, result.errors) == ("normal", [])
        assert len(collector.packets) > 20
        audio = np.concatenate([ulaw_decode(p[12:]) for p in collector.packets])
        assert float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) > 100
        live = (await h.sim.get("/sim/calls")).json()
        assert not [c for c in live if c["id"].startswith(str(call.id))]  # all torn down
    finally:
        transport.close()
