"""Text to speech behind one interface; espeak-ng is the offline default (DESIGN §13)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class TextToSpeech(Protocol):
    async def synthesize(self, text: str, language: str, voice_id: str = "") -> Path:
        """A WAV file (mono, 16-bit) the media node can play; raises TtsError on failure."""
        ...


class TtsError(RuntimeError):
    pass
