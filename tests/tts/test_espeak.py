"""espeak-ng TTS (the offline default): real speech files, cached, safe to ask twice."""

from __future__ import annotations

import asyncio
import uuid
import wave
from pathlib import Path

from voipbin.tts.espeak import EspeakTts


async def test_the_same_new_text_asked_at_once_is_spoken_once_for_both(tmp_path: Path) -> None:
    # given two calls that say the same text nobody said before, at the same moment
    tts = EspeakTts(tmp_path)
    text = f"Can you hear me? {uuid.uuid4().hex[:6]}"
    # when both ask for it concurrently in one process
    first, second = await asyncio.gather(
        tts.synthesize(text, "en-US"), tts.synthesize(text, "en-US")
    )
    # then both get the same complete file, and no partial file is left behind
    assert first == second and first.is_file()
    with wave.open(str(first)) as audio:
        assert audio.getnframes() > audio.getframerate() // 2  # over half a second of speech
    assert not list(tmp_path.glob("*.part"))
