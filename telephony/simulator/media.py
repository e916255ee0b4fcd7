"""The media clock: one task per node moves 20 ms of audio for every active stream.

Only streams that carry audio are touched on a tick (party speech, playbacks, live
recordings), so thousands of idle channels cost nothing here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from telephony.simulator.audio import FRAME_SAMPLES, AudioSource, Pcm


@dataclass(eq=False)
class PlaybackStream:
    """The item of a playback currently sounding on a channel or bridge."""

    playback_id: str
    target_uri: str
    source: AudioSource
    paused: bool = False


@dataclass(eq=False)
class RecordingStream:
    name: str
    target_uri: str
    frames: list[bytes] = field(default_factory=list)
    paused: bool = False
    muted: bool = False
    max_samples: int = 0

    @property
    def sample_count(self) -> int:
        return sum(len(f) for f in self.frames) // 2


@dataclass
class MixSources:
    """Who sounds where: filled by the node core, read by the clock."""

    # channel id -> audio the remote party sends into that channel
    party_audio: dict[str, AudioSource] = field(default_factory=dict)
    # target uri ("channel:<id>" / "bridge:<id>") -> current playback
    playbacks: dict[str, PlaybackStream] = field(default_factory=dict)
    recordings: dict[str, RecordingStream] = field(default_factory=dict)
    # bridge id -> member channel ids; snoop channel id -> (spied channel, spy direction)
    bridges: dict[str, list[str]] = field(default_factory=dict)
    snoops: dict[str, tuple[str, str]] = field(default_factory=dict)
    muted: set[str] = field(default_factory=set)  # channels whose party's audio is dropped
    muted_out: set[str] = field(default_factory=set)  # channels whose party hears nothing
    # target uri -> music on hold, mixed in like a playback but with no Playback object
    music: dict[str, AudioSource] = field(default_factory=dict)
    # channel id -> network audio (externalMedia) that stays registered while it idles
    streams: dict[str, AudioSource] = field(default_factory=dict)
    # channel id -> who wants, every tick, what that channel hears (externalMedia RTP out)
    listeners: dict[str, Callable[[Pcm], None]] = field(default_factory=dict)
    # channel ids in a dialplan echo: their party hears its own audio back
    echoes: set[str] = field(default_factory=set)
    # channel id -> who wants, every tick, what that channel reads (the dialplan's AMD())
    taps: dict[str, Callable[[Pcm], None]] = field(default_factory=dict)


SILENCE = np.zeros(FRAME_SAMPLES, dtype=np.int16)


def _mix(frames: list[Pcm]) -> Pcm:
    if not frames:
        return SILENCE
    if len(frames) == 1:
        only: Pcm = frames[0]
        return only
    total = np.sum(np.stack(frames).astype(np.int32), axis=0)
    mixed: Pcm = np.clip(total, -32768, 32767).astype(np.int16)
    return mixed


class MediaClock:
    def __init__(
        self,
        sources: MixSources,
        frame_seconds: float,
        on_playback_item_done: Callable[[PlaybackStream], None],
        on_recording_full: Callable[[RecordingStream], None],
        on_party_audio_done: Callable[[str], None],
    ) -> None:
        self.sources = sources
        self.frame_seconds = frame_seconds
        self._on_playback_item_done = on_playback_item_done
        self._on_recording_full = on_recording_full
        self._on_party_audio_done = on_party_audio_done
        self.ticks = 0

    async def run(self) -> None:
        deadline = time.monotonic()
        while True:
            deadline += self.frame_seconds
            self.tick()
            delay = deadline - time.monotonic()
            if delay < -1.0:  # fell far behind (e.g. a paused process): do not burst
                deadline = time.monotonic()
            await asyncio.sleep(max(0.0, delay))

    def tick(self) -> None:
        self.ticks += 1
        s = self.sources
        if not (s.party_audio or s.playbacks or s.recordings or s.listeners or s.music or s.taps):
            return
        heard: dict[str, Pcm] = {}  # channel id -> what the channel receives from its party
        for channel_id, source in list(s.party_audio.items()):
            frame = source.read(FRAME_SAMPLES)
            if frame is None:
                del s.party_audio[channel_id]
                self._on_party_audio_done(channel_id)
            elif channel_id not in s.muted:
                heard[channel_id] = frame
        for channel_id, network in s.streams.items():
            frame = network.read(FRAME_SAMPLES)
            if frame is not None and channel_id not in s.muted:
                heard[channel_id] = frame
        played: dict[str, Pcm] = {}  # target uri -> playback audio sent to it
        for target, stream in list(s.playbacks.items()):
            if stream.paused:
                continue
            frame = stream.source.read(FRAME_SAMPLES)
            if frame is None:
                self._on_playback_item_done(stream)
            else:
                played[target] = frame
        for target, music in s.music.items():
            frame = music.read(FRAME_SAMPLES)
            if frame is not None:
                played[target] = _mix([frame, *_maybe(played.get(target))])
        for snoop_id in list(s.snoops):
            # A snoop channel bridged elsewhere (call external media) carries what it spies.
            heard.setdefault(snoop_id, self._recorded(f"channel:{snoop_id}", heard, played))
        for channel_id, listener in list(s.listeners.items()):
            listener(self._hears(channel_id, heard, played))
        for channel_id, tap in list(s.taps.items()):
            tap(heard.get(channel_id, SILENCE))
        for recording in list(s.recordings.values()):
            if recording.paused:
                continue
            frame = (
                SILENCE if recording.muted else self._recorded(recording.target_uri, heard, played)
            )
            recording.frames.append(frame.astype("<i2").tobytes())
            if recording.max_samples and recording.sample_count >= recording.max_samples:
                self._on_recording_full(recording)

    def _hears(self, channel_id: str, heard: dict[str, Pcm], played: dict[str, Pcm]) -> Pcm:
        """What a channel's far side hears: its own playbacks, its own audio while in a
        dialplan echo, plus, in a bridge, the other members and the bridge's playbacks;
        nothing when the channel is muted `out`."""
        if channel_id in self.sources.muted_out:
            return SILENCE
        frames = _maybe(played.get(f"channel:{channel_id}"))
        if channel_id in self.sources.echoes:
            frames += _maybe(heard.get(channel_id))  # Echo(): the party's own audio, back
        for bridge_id, members in self.sources.bridges.items():
            if channel_id in members:
                frames += [heard[m] for m in members if m != channel_id and m in heard]
                frames += _maybe(played.get(f"bridge:{bridge_id}"))
        return _mix(frames)

    def _recorded(self, target: str, heard: dict[str, Pcm], played: dict[str, Pcm]) -> Pcm:
        kind, _, target_id = target.partition(":")
        if kind == "bridge":
            members = self.sources.bridges.get(target_id, [])
            return _mix([heard[m] for m in members if m in heard] + _maybe(played.get(target)))
        snoop = self.sources.snoops.get(target_id)
        if snoop is not None:
            spied, direction = snoop
            inbound = _maybe(heard.get(spied))
            outbound = [self._hears(spied, heard, played)]
            if direction == "in":
                return _mix(inbound)
            if direction == "out":
                return _mix(outbound)
            return _mix(inbound + outbound)
        # A channel recording keeps what the channel hears from its party, as Record() does.
        return _mix(_maybe(heard.get(target_id)))


def _maybe(frame: Pcm | None) -> list[Pcm]:
    return [] if frame is None else [frame]
