"""RTP over UDP for externalMedia channels: what the channel hears goes out every 20 ms,
and what comes in becomes the channel's own audio (e.g. an AI voice joining a bridge)."""

from __future__ import annotations

import asyncio
import struct
from collections import deque
from typing import cast

import numpy as np

from telephony.simulator.audio import FRAME_SAMPLES, Pcm

PAYLOAD_TYPES = {"ulaw": 0, "slin": 96, "slin16": 96}
SUPPORTED_FORMATS = frozenset(PAYLOAD_TYPES)

_BIAS = 0x84
_CLIP = 32635


def ulaw_encode(samples: Pcm) -> bytes:
    """G.711 µ-law, the textbook segment/mantissa encoding."""
    pcm = samples.astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(pcm), _CLIP) + _BIAS
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    encoded = ~(sign | (exponent << 4) | mantissa) & 0xFF
    return bytes(encoded.astype(np.uint8))


def ulaw_decode(data: bytes) -> Pcm:
    codes = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


def encode(samples: Pcm, media_format: str) -> bytes:
    if media_format == "ulaw":
        return ulaw_encode(samples)
    if media_format == "slin16":
        samples = np.repeat(samples, 2)  # 8 kHz → 16 kHz; the internal clock is 8 kHz
    return samples.astype(">i2").tobytes()  # RTP L16 is network byte order


def decode(payload: bytes, media_format: str) -> Pcm:
    if media_format == "ulaw":
        return ulaw_decode(payload)
    samples = np.frombuffer(payload[: len(payload) // 2 * 2], dtype=">i2").astype(np.int16)
    return samples[::2].copy() if media_format == "slin16" else samples


class StreamSource:
    """Audio arriving from the network, played out at the media clock's pace."""

    def __init__(self) -> None:
        self._chunks: deque[Pcm] = deque()
        self._buffered = 0

    def push(self, samples: Pcm) -> None:
        self._chunks.append(samples)
        self._buffered += len(samples)

    def read(self, count: int) -> Pcm | None:
        if self._buffered == 0:
            return None
        parts: list[Pcm] = []
        needed = count
        while needed and self._chunks:
            chunk = self._chunks.popleft()
            take, rest = chunk[:needed], chunk[needed:]
            if len(rest):
                self._chunks.appendleft(rest)
            parts.append(take)
            needed -= len(take)
        self._buffered -= count - needed
        frame = np.concatenate(parts)
        if needed:
            frame = np.concatenate([frame, np.zeros(needed, dtype=np.int16)])
        return frame


class RtpEndpoint(asyncio.DatagramProtocol):
    def __init__(self, remote: tuple[str, int], media_format: str, on_audio: StreamSource) -> None:
        self.remote = remote
        self.media_format = media_format
        self.inbound = on_audio
        self.transport: asyncio.DatagramTransport | None = None
        self._sequence = 0
        self._timestamp = 0
        self._ssrc = 0x5EB1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.DatagramTransport", transport)

    @property
    def local_port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def send(self, frame: Pcm) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        header = struct.pack(
            "!BBHII",
            0x80,
            PAYLOAD_TYPES[self.media_format],
            self._sequence & 0xFFFF,
            self._timestamp & 0xFFFFFFFF,
            self._ssrc,
        )
        self._sequence += 1
        self._timestamp += FRAME_SAMPLES * (2 if self.media_format == "slin16" else 1)
        self.transport.sendto(header + encode(frame, self.media_format), self.remote)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if len(data) > 12 and data[0] >> 6 == 2:
            self.inbound.push(decode(data[12:], self.media_format))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def open_endpoint(external_host: str, media_format: str, source: StreamSource) -> RtpEndpoint:
    host, _, port = external_host.rpartition(":")
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_datagram_endpoint(
        lambda: RtpEndpoint((host or "127.0.0.1", int(port)), media_format, source),
        local_addr=("127.0.0.1", 0),
    )
    return protocol
