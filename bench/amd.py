"""Cost of the simulator's answering-machine detection, per channel and 20 ms frame.

Every AMD in progress is fed one frame per media-clock tick, so this bounds how many
concurrent AMDs one simulator node carries before its 20 ms tick overruns. Speech is the
real espeak greeting a scripted machine says; nothing is asserted.

    python bench/amd.py
"""

from __future__ import annotations

import asyncio
import time

import numpy as np

from telephony.simulator.amd import AmdDetector
from telephony.simulator.audio import FRAME_SAMPLES, espeak

GREETING = "Hi, you have reached the voicemail of John Smith. Please leave a message."


async def main() -> None:
    speech = await espeak(GREETING)
    frames = [
        speech[i : i + FRAME_SAMPLES] for i in range(0, len(speech) - FRAME_SAMPLES, FRAME_SAMPLES)
    ]
    runs, fed = 2000, 0
    started = time.perf_counter()
    for _ in range(runs):
        detector = AmdDetector()
        for frame in frames:
            detector.feed(frame)
            fed += 1
            if detector.status:
                break
    elapsed = time.perf_counter() - started
    per_frame_us = elapsed / fed * 1e6
    probe = AmdDetector()
    for frame in frames:
        probe.feed(frame)
        if probe.status:
            break
    print(f"greeting {len(speech) / 8000:.1f} s -> {probe.status} {probe.cause}")
    print(f"{fed} frames in {elapsed:.3f} s: {per_frame_us:.1f} us per frame")
    print(f"concurrent AMDs within one 20 ms tick: ~{int(20_000 / per_frame_us)}")
    silence = np.zeros(FRAME_SAMPLES, dtype=np.int16)
    quiet = AmdDetector()
    while not quiet.status:
        quiet.feed(silence)
    print(f"silence -> {quiet.status} {quiet.cause}")


if __name__ == "__main__":
    asyncio.run(main())
