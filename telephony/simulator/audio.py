"""Audio the simulator plays and hears: 8 kHz 16-bit mono PCM held in numpy arrays.

Speech comes from the real espeak-ng binary so recordings (and any transcription run on
them) carry actual words; tones are synthesised from the US indication cadences.
"""

from __future__ import annotations

import asyncio
import io
import wave
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

RATE = 8000
FRAME_SAMPLES = 160  # 20 ms at 8 kHz: the media clock's tick
Pcm = npt.NDArray[np.int16]

# (frequencies, on seconds, off seconds); off 0 means continuous.
TONES: dict[str, tuple[tuple[float, ...], float, float]] = {
    "ring": ((440.0, 480.0), 2.0, 4.0),
    "busy": ((480.0, 620.0), 0.5, 0.5),
    "congestion": ((480.0, 620.0), 0.25, 0.25),
    "dial": ((350.0, 440.0), 1.0, 0.0),
    "info": ((950.0,), 0.33, 0.0),
}

DTMF_FREQUENCIES: dict[str, tuple[float, float]] = {
    "1": (697, 1209),
    "2": (697, 1336),
    "3": (697, 1477),
    "A": (697, 1633),
    "4": (770, 1209),
    "5": (770, 1336),
    "6": (770, 1477),
    "B": (770, 1633),
    "7": (852, 1209),
    "8": (852, 1336),
    "9": (852, 1477),
    "C": (852, 1633),
    "*": (941, 1209),
    "0": (941, 1336),
    "#": (941, 1477),
    "D": (941, 1633),
}


class AudioSource(Protocol):
    def read(self, count: int) -> Pcm | None:
        """Next `count` samples (zero-padded at the end), or None once exhausted."""


class FiniteSource:
    def __init__(self, samples: Pcm) -> None:
        self._samples = samples
        self._position = 0

    def read(self, count: int) -> Pcm | None:
        if self._position >= len(self._samples):
            return None
        chunk = self._samples[self._position : self._position + count]
        self._position += count
        if len(chunk) < count:
            chunk = np.concatenate([chunk, np.zeros(count - len(chunk), dtype=np.int16)])
        return chunk

    def seek(self, position: int) -> None:
        self._position = max(0, min(position, len(self._samples)))

    def skip(self, samples: int) -> None:
        self.seek(self._position + samples)


class LoopingSource:
    """A tone that runs until stopped, like Asterisk's `tone:` playbacks."""

    def __init__(self, cycle: Pcm) -> None:
        self._cycle = cycle
        self._position = 0

    def read(self, count: int) -> Pcm | None:
        indices = (np.arange(count) + self._position) % len(self._cycle)
        self._position = (self._position + count) % len(self._cycle)
        return self._cycle[indices]


def sine(frequencies: tuple[float, ...], seconds: float, amplitude: float = 8000.0) -> Pcm:
    t = np.arange(int(RATE * seconds)) / RATE
    wave_sum = sum(np.sin(2 * np.pi * f * t) for f in frequencies)
    scaled = amplitude / len(frequencies) * np.asarray(wave_sum)
    return scaled.astype(np.int16)


def silence(seconds: float) -> Pcm:
    return np.zeros(int(RATE * seconds), dtype=np.int16)


def tone_cycle(name: str) -> Pcm | None:
    """One cadence cycle for `tone:<name>` (a named indication or a bare frequency)."""
    if name in TONES:
        frequencies, on, off = TONES[name]
        return np.concatenate([sine(frequencies, on), silence(off)])
    try:
        frequency = float(name)
    except ValueError:
        return None
    return sine((frequency,), 1.0)


def dtmf_digits(digits: str, duration: float = 0.1, gap: float = 0.1) -> Pcm:
    parts: list[Pcm] = []
    for digit in digits.upper():
        if digit in DTMF_FREQUENCIES:
            parts += [sine(DTMF_FREQUENCIES[digit], duration), silence(gap)]
    return np.concatenate(parts) if parts else silence(0)


# The built-in "sound:" prompts; no stock sound packs exist on this machine.
BUILTIN_SOUNDS: dict[str, Pcm] = {
    "beep": sine((1000.0,), 0.5),
    "long-tone": sine((1000.0,), 10.0),
    "silence/1": silence(1),
    "silence/5": silence(5),
    "silence_slin16_8000_1m": silence(60),
}


def pcm_to_wav(samples: Pcm) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def wav_to_pcm(data: bytes) -> Pcm:
    """Mono 16-bit WAV at any rate → 8 kHz PCM (linear resampling is enough for speech)."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        rate = reader.getframerate()
        raw = reader.readframes(reader.getnframes())
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    if rate != RATE and len(samples):
        positions = np.arange(0, len(samples), rate / RATE)
        samples = np.interp(positions, np.arange(len(samples)), samples)
    return samples.astype(np.int16)


async def espeak(text: str, voice: str = "en-us") -> Pcm:
    """Synthesise `text` with espeak-ng; raise RuntimeError if the binary fails."""
    process = await asyncio.create_subprocess_exec(
        "espeak-ng",
        "-v",
        voice,
        "--stdout",
        text,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"espeak-ng failed: {stderr.decode(errors='replace')}")
    # espeak-ng writes a streaming WAV whose size fields are 0xFFFFFFFF; fix them so
    # the wave module reads every frame.
    fixed = bytearray(stdout)
    fixed[4:8] = (len(fixed) - 8).to_bytes(4, "little")
    data_at = fixed.find(b"data")
    if data_at >= 0:
        fixed[data_at + 4 : data_at + 8] = (len(fixed) - data_at - 8).to_bytes(4, "little")
    return wav_to_pcm(bytes(fixed))


def _read_if_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


class MediaLibrary:
    """Resolves ARI media URIs to audio sources; caches speech so repeats cost nothing."""

    def __init__(self, recordings_dir: Path) -> None:
        self.recordings_dir = recordings_dir
        self._speech: dict[str, Pcm] = {}

    async def speech(self, text: str) -> Pcm:
        if text not in self._speech:
            self._speech[text] = await espeak(text)
        return self._speech[text]

    async def prefetch(self, texts: list[str]) -> None:
        """Synthesise ahead of time, so a `say` step starts speaking at once instead of
        stretching the call by espeak-ng's run time (much longer in scaled-down time)."""
        for text in texts:
            await self.speech(text)

    async def resolve(self, media_uri: str) -> AudioSource | None:
        """None means "cannot be played" (missing file or unknown scheme)."""
        scheme, _, rest = media_uri.partition(":")
        target = rest.split(";", 1)[0]
        if scheme == "sound":
            if target.startswith("/") and target.endswith(".wav"):
                # A prompt rendered by voipbin (TTS) on this machine: an absolute WAV path.
                data = await asyncio.to_thread(_read_if_file, Path(target))
                return FiniteSource(wav_to_pcm(data)) if data is not None else None
            samples = BUILTIN_SOUNDS.get(target)
            return FiniteSource(samples) if samples is not None else None
        if scheme == "tone":
            cycle = tone_cycle(target)
            return LoopingSource(cycle) if cycle is not None else None
        if scheme == "digits":
            return FiniteSource(await self.speech(" ".join(target)))
        if scheme == "recording":
            data = await asyncio.to_thread(_read_if_file, self.recordings_dir / f"{target}.wav")
            return FiniteSource(wav_to_pcm(data)) if data is not None else None
        return None
