"""Playbacks (queued per channel or bridge) and recordings (live and stored) on one node."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from telephony.simulator.audio import FiniteSource, pcm_to_wav, wav_to_pcm
from telephony.simulator.errors import ApiError, not_found
from telephony.simulator.media import PlaybackStream, RecordingStream
from telephony.simulator.model import JsonDict, LiveRecording, Playback

if TYPE_CHECKING:
    from telephony.simulator.core import SimAsterisk

PLAYABLE_SCHEMES = ("sound", "tone", "digits", "recording")
RECORDING_FORMATS = ("wav", "sln")
SKIP_SAMPLES_DEFAULT = 3 * 8000


class Playing:
    def __init__(self, node: SimAsterisk) -> None:
        self.node = node
        self.playbacks: dict[str, Playback] = {}
        self.owner: dict[str, str] = {}  # playback id -> app
        self.queues: dict[str, list[str]] = {}  # target uri -> ids, current first
        self.live: dict[str, tuple[LiveRecording, RecordingStream, str]] = {}

    # -- playbacks ---------------------------------------------------------------------------

    def play(
        self,
        target_uri: str,
        app: str,
        media: list[str],
        playback_id: str | None,
        language: str | None,
    ) -> JsonDict:
        media = [m for m in media if m]
        if not media:
            raise ApiError(500, "Failed to queue media for playback")
        playback_id = playback_id or str(uuid.uuid4())
        if playback_id in self.playbacks:
            raise ApiError(409, "Playback with the given id already exists")
        playback = Playback(playback_id, media, target_uri, language or "en")
        self.playbacks[playback_id] = playback
        self.owner[playback_id] = app
        queue = self.queues.setdefault(target_uri, [])
        queue.append(playback_id)
        snapshot = playback.to_json()  # the 201 says "queued" even when it starts at once
        if len(queue) == 1:
            self.node.spawn(self._start_item(playback))
        return snapshot

    def get(self, playback_id: str) -> Playback:
        playback = self.playbacks.get(playback_id)
        if playback is None:
            raise not_found("Playback")
        return playback

    def _event(self, event_type: str, playback: Playback) -> None:
        app = self.owner.get(playback.id)
        if app is not None:
            self.node.bus.app_event(app, event_type, playback=playback.to_json())

    async def _start_item(self, playback: Playback) -> None:
        playback.state = "playing"
        self._event("PlaybackStarted", playback)
        if playback.index == 0:
            self.node.bridging.announcer_joins(playback.target_uri)
        scheme = playback.media_uri.partition(":")[0]
        source = await self.node.library.resolve(playback.media_uri)
        if playback.id not in self.playbacks:  # stopped or failed while resolving
            return
        if scheme not in PLAYABLE_SCHEMES:
            # Asterisk never finishes an unknown scheme; the playback just vanishes (trace 08).
            self._forget(playback)
            return
        if source is None:
            self._finish(playback, "failed")
            return
        self.node.sources.playbacks[playback.target_uri] = PlaybackStream(
            playback.id, playback.target_uri, source
        )

    def item_done(self, stream: PlaybackStream) -> None:
        """The current item ran out (or was stopped): continue the list or finish."""
        if self.node.sources.playbacks.get(stream.target_uri) is stream:
            del self.node.sources.playbacks[stream.target_uri]
        playback = self.playbacks.get(stream.playback_id)
        if playback is None:
            return
        if playback.next_media_uri is not None:
            playback.state = "continuing"
            self._event("PlaybackContinuing", playback)
            playback.index += 1
            self.node.spawn(self._start_item(playback))
        else:
            self._finish(playback, "done")

    def _finish(self, playback: Playback, state: str) -> None:
        playback.state = "done" if state == "done" else "failed"
        self._event("PlaybackFinished", playback)
        self._forget(playback)

    def _forget(self, playback: Playback) -> None:
        self.playbacks.pop(playback.id, None)
        self.owner.pop(playback.id, None)
        stream = self.node.sources.playbacks.get(playback.target_uri)
        if stream is not None and stream.playback_id == playback.id:
            del self.node.sources.playbacks[playback.target_uri]
        queue = self.queues.get(playback.target_uri, [])
        was_current = bool(queue) and queue[0] == playback.id
        if playback.id in queue:
            queue.remove(playback.id)
        if was_current:
            self.node.bridging.announcer_leaves(playback.target_uri)
            if queue:
                self.node.spawn(self._start_item(self.playbacks[queue[0]]))
        if not queue:
            self.queues.pop(playback.target_uri, None)

    def stop(self, playback_id: str) -> None:
        playback = self.get(playback_id)
        stream = self.node.sources.playbacks.get(playback.target_uri)
        if stream is not None and stream.playback_id == playback_id:
            # DELETE stops only the current item of a list (trace 05).
            self.item_done(stream)
        else:
            self._finish(playback, "done")

    def control(self, playback_id: str, operation: str | None) -> None:
        playback = self.get(playback_id)
        if operation not in ("restart", "pause", "unpause", "reverse", "forward"):
            raise ApiError(400, "Invalid operation parameter")
        stream = self.node.sources.playbacks.get(playback.target_uri)
        if stream is None or stream.playback_id != playback_id:
            raise ApiError(409, "Playback not in a state to be controlled")
        if operation == "pause":
            stream.paused, playback.state = True, "paused"
        elif operation == "unpause":
            stream.paused, playback.state = False, "playing"
            self._event("PlaybackStarted", playback)
        elif isinstance(stream.source, FiniteSource):
            # Tones loop forever, so skipping has no effect on them (trace 05).
            if operation == "restart":
                stream.source.seek(0)
            else:
                sign = 1 if operation == "forward" else -1
                stream.source.skip(sign * SKIP_SAMPLES_DEFAULT)

    def fail_playbacks(self, target_uri: str) -> None:
        for playback_id in list(self.queues.get(target_uri, [])):
            playback = self.playbacks.get(playback_id)
            if playback is not None:
                self._finish(playback, "failed")

    # -- live recordings ---------------------------------------------------------------------

    def path_for(self, name: str, fmt: str) -> Path:
        path = (self.node.recordings_dir / f"{name}.{fmt}").resolve()
        if self.node.recordings_dir.resolve() not in path.parents:
            raise ApiError(400, "Invalid recording name")
        return path

    def record(
        self,
        target_uri: str,
        app: str,
        *,
        name: str | None,
        fmt: str | None,
        max_duration: int,
        if_exists: str,
        terminate_on: str,
    ) -> JsonDict:
        if not fmt or fmt not in RECORDING_FORMATS:
            raise ApiError(422, "specified format is unknown on this system")
        if not name:
            raise ApiError(400, "Recording name is required")
        if if_exists not in ("fail", "overwrite", "append"):
            raise ApiError(400, "ifExists invalid")
        if terminate_on not in ("none", "any", "*", "#"):
            raise ApiError(400, "terminateOn invalid")
        if name in self.live:
            raise ApiError(409, "Recording with same name already in progress")
        if if_exists == "fail" and self.path_for(name, fmt).exists():
            raise ApiError(422, "Recording with same name already exists on the system")
        recording = LiveRecording(
            name, fmt, target_uri, max_duration_seconds=max_duration, terminate_on=terminate_on
        )
        stream = RecordingStream(name, target_uri, max_samples=max_duration * 8000)
        if if_exists == "append" and self.path_for(name, fmt).exists():
            stream.frames.append(self._read_pcm(self.path_for(name, fmt)).tobytes())
        self.live[name] = (recording, stream, app)
        self.node.sources.recordings[name] = stream
        snapshot = {**recording.to_json(), "state": "queued"}
        self.node.bus.app_event(app, "RecordingStarted", recording=recording.to_json())
        return snapshot

    def live_recording(self, name: str) -> tuple[LiveRecording, RecordingStream, str]:
        entry = self.live.get(name)
        if entry is None:
            raise not_found("Recording")
        return entry

    def live_json(self, name: str) -> JsonDict:
        recording, stream, _ = self.live_recording(name)
        recording.sample_count = stream.sample_count
        return recording.to_json()

    def stop_recording(self, name: str, *, keep: bool = True) -> None:
        recording, stream, app = self.live_recording(name)
        del self.live[name]
        self.node.sources.recordings.pop(name, None)
        pcm = np.frombuffer(b"".join(stream.frames), dtype="<i2")
        recording.sample_count = len(pcm)
        if keep:
            path = self.path_for(name, recording.format)
            path.parent.mkdir(parents=True, exist_ok=True)
            data = pcm_to_wav(pcm.astype(np.int16)) if recording.format == "wav" else pcm.tobytes()
            path.write_bytes(data)
            recording.state = "done"
        else:
            recording.state = "canceled"
        self.node.bus.app_event(app, "RecordingFinished", recording=recording.to_json())

    def set_paused(self, name: str, paused: bool) -> None:
        recording, stream, _ = self.live_recording(name)
        stream.paused = paused
        recording.state = "paused" if paused else "recording"

    def set_muted(self, name: str, muted: bool) -> None:
        _, stream, _ = self.live_recording(name)
        stream.muted = muted

    def finish_recordings(self, target_uri: str) -> None:
        for name, (_, stream, _) in list(self.live.items()):
            if stream.target_uri == target_uri:
                self.stop_recording(name)

    def dtmf_received(self, channel_id: str, digit: str) -> None:
        for name, (recording, stream, _) in list(self.live.items()):
            if stream.target_uri != f"channel:{channel_id}":
                continue
            if recording.terminate_on == "any" or recording.terminate_on == digit:
                self.stop_recording(name)

    # -- stored recordings -------------------------------------------------------------------

    def stored(self) -> list[JsonDict]:
        directory = self.node.recordings_dir
        found = []
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.suffix.lstrip(".") in RECORDING_FORMATS:
                name = str(path.relative_to(directory).with_suffix(""))
                found.append({"name": name, "format": path.suffix.lstrip(".")})
        return found

    def stored_path(self, name: str) -> Path:
        for fmt in RECORDING_FORMATS:
            path = self.path_for(name, fmt)
            if path.is_file():
                return path
        raise not_found("Recording")

    def stored_json(self, name: str) -> JsonDict:
        path = self.stored_path(name)
        return {"name": name, "format": path.suffix.lstrip(".")}

    @staticmethod
    def _read_pcm(path: Path) -> np.ndarray:  # type: ignore[type-arg]
        data = path.read_bytes()
        return wav_to_pcm(data) if path.suffix == ".wav" else np.frombuffer(data, dtype="<i2")
