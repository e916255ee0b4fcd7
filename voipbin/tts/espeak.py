"""espeak-ng: offline speech, cached on disk by (text, language, voice)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path

from voipbin.tts import TtsError


def _voice(language: str, voice_id: str) -> str:
    if voice_id:
        return voice_id
    return (language or "en-US").lower()  # espeak-ng knows "en-us", "de", "fr-fr"...


class EspeakTts:
    def __init__(self, folder: Path, binary: str = "espeak-ng") -> None:
        self.folder = folder
        self.binary = binary

    async def synthesize(self, text: str, language: str, voice_id: str = "") -> Path:
        voice = _voice(language, voice_id)
        digest = hashlib.sha256(f"{voice}\0{text}".encode()).hexdigest()[:32]
        path = self.folder / f"tts-{digest}.wav"
        if path.is_file():
            return path
        self.folder.mkdir(parents=True, exist_ok=True)
        # Unique per request: two calls saying the same new text at once (same process)
        # shared a per-process name, and the second found its file renamed away.
        partial = path.with_suffix(f".{uuid.uuid4().hex}.part")
        process = await asyncio.create_subprocess_exec(
            self.binary,
            "-v",
            voice,
            "-w",
            str(partial),
            "--",
            text,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await process.communicate()
        if process.returncode != 0 or not partial.is_file():
            partial.unlink(missing_ok=True)
            raise TtsError(f"espeak-ng failed: {stderr.decode(errors='replace').strip()}")
        partial.replace(path)  # atomic: a concurrent reader never sees half a file
        return path
