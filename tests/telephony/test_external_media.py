"""externalMedia over RTP/UDP: bridged audio flows out, injected audio flows in."""

from __future__ import annotations

import asyncio
import io
import struct
import wave

import numpy as np

from telephony.simulator.audio import sine
from telephony.simulator.rtp import decode, encode, ulaw_decode, ulaw_encode
from tests.telephony.conftest import Harness


class Collector(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.packets: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        self.packets.append(data)


def peak_hz(samples: np.ndarray, rate: int = 8000) -> int:  # type: ignore[type-arg]
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return int(np.argmax(spectrum) * rate / len(samples))


def test_ulaw_round_trip_is_close() -> None:
    tone = sine((440.0,), 0.1)
    decoded = ulaw_decode(ulaw_encode(tone))
    assert np.max(np.abs(decoded.astype(int) - tone.astype(int))) < 0.04 * 8000
    assert np.array_equal(decode(encode(tone, "slin"), "slin"), tone)
    assert np.array_equal(decode(encode(tone, "slin16"), "slin16"), tone)


async def test_rtp_out_carries_the_bridge_and_rtp_in_reaches_recordings(harness: Harness) -> None:
    loop = asyncio.get_running_loop()
    transport, collector = await loop.create_datagram_endpoint(
        Collector, local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    try:
        await harness.client.originate("Local/tone@far", app="voipbin", channel_id="caller")
        await harness.events.wait_type("StasisStart", "caller")
        media = await harness.client.external_media(
            app="voipbin", external_host=f"127.0.0.1:{port}", format="ulaw", channel_id="ai"
        )
        assert media.channelvars is not None
        local_port = int(media.channelvars["UNICASTRTP_LOCAL_PORT"])
        await harness.client.create_bridge(bridge_id="with-ai")
        await harness.client.add_channel("with-ai", ["caller", "ai"])
        await harness.sleep(1.5)
        packets = list(collector.packets)
        assert len(packets) > 40
        version, payload_type, first_seq = (
            packets[0][0] >> 6,
            packets[0][1],
            struct.unpack("!H", packets[0][2:4])[0],
        )
        assert (version, payload_type) == (2, 0)
        assert struct.unpack("!H", packets[1][2:4])[0] == first_seq + 1
        heard = ulaw_decode(b"".join(p[12:] for p in packets[-25:]))
        assert abs(peak_hz(heard) - 440) <= 10  # the tone party, heard through the bridge

        # Now speak into the channel: a 1 kHz tone sent as RTP shows up in the bridge.
        await harness.client.record_bridge("with-ai", "ai-mix", max_duration_seconds=1)
        tone = sine((1000.0,), 1.2, amplitude=12000)
        for index in range(0, len(tone), 160):
            header = struct.pack("!BBHII", 0x80, 0, index // 160, index, 1234)
            transport.sendto(
                header + ulaw_encode(tone[index : index + 160]), ("127.0.0.1", local_port)
            )
            await asyncio.sleep(0.002)
        await harness.events.wait_type("RecordingFinished")
        with wave.open(io.BytesIO(await harness.client.download_recording("ai-mix"))) as reader:
            mixed = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
        spectrum = np.abs(np.fft.rfft(mixed.astype(np.float64)))
        bins = {hz: spectrum[int(hz * len(mixed) / 8000)] for hz in (440, 1000, 2500)}
        assert bins[1000] > 20 * bins[2500]
        assert bins[440] > 20 * bins[2500]
        await harness.client.hangup("ai")
    finally:
        transport.close()
