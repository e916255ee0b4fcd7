"""ARI activities: the real implementations of `activities.contracts.telephony`.

Retries are safe because every id is ours: a retry that meets its own earlier work
(409 "already exists", 404 on a hangup, a bridge member already there) counts it as
done. Operations that would repeat once finished (a channel created, a dial, a
playback that has already ended, DTMF) also leave a short-lived mark in Redis, so a
retry after a lost result does nothing. Failures a retry cannot fix raise
non-retryable ApplicationErrors typed as in the contracts; an unreachable node raises
a plain (retryable) error.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, cast

from redis.asyncio import Redis
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.contracts.telephony import (
    ANSWER,
    ARI_REJECTED,
    BRIDGE_ADD,
    BRIDGE_CREATE,
    BRIDGE_DELETE,
    BRIDGE_REMOVE,
    CHANNEL_GONE,
    CONTINUE_IN_DIALPLAN,
    CREATE_CHANNEL,
    DIAL,
    DOWNLOAD_RECORDING,
    EXTERNAL_MEDIA,
    GET_VARIABLE,
    HANGUP,
    HOLD,
    MOH,
    MUTE,
    NO_HEALTHY_NODE,
    ORIGINATE,
    PICK_NODE,
    PLAY,
    RECORD,
    RING,
    SEND_DTMF,
    SET_VARIABLE,
    SNOOP,
    STOP_PLAYBACK,
    STOP_RECORDING,
    UNHOLD,
    UNKNOWN_NODE,
    UNMUTE,
    BridgeCreateInput,
    BridgeMembersInput,
    BridgeRef,
    BridgeResult,
    ChannelRef,
    ChannelResult,
    ContinueInput,
    DialInput,
    Done,
    DownloadRecordingInput,
    DownloadRecordingResult,
    ExternalMediaInput,
    GetVariableInput,
    HangupInput,
    MohInput,
    MuteInput,
    OriginateInput,
    PickNodeInput,
    PickNodeResult,
    PlaybackRef,
    PlayInput,
    RecordingRef,
    RecordInput,
    SendDtmfInput,
    SetVariableInput,
    SnoopInput,
    VariableResult,
)
from telephony.ari.client import AriClient, Direction, SpyDirection, TerminateOn
from telephony.ari.errors import (
    AriBadRequest,
    AriConflict,
    AriError,
    AriNotFound,
)
from telephony.ari.models import Channel
from voipbin.keys import ari_done_key
from voipbin.telephony_nodes import AriPool, NoHealthyNode
from workflows.telephony_signals import OUTBOUND_APP_ARG

# How long a done dial/playback/DTMF is remembered against retries (longer than any
# activity's retry window).
DONE_TTL_SECONDS = 24 * 3600


def _rejected(exc: AriError) -> ApplicationError:
    return ApplicationError(exc.message or str(exc), type=ARI_REJECTED, non_retryable=True)


def _gone(exc: AriError) -> ApplicationError:
    return ApplicationError(exc.message or str(exc), type=CHANNEL_GONE, non_retryable=True)


@contextlib.contextmanager
def _ari_failures() -> Iterator[None]:
    """404 → CHANNEL_GONE, 400/409/422 → ARI_REJECTED (both final); the rest retries."""
    try:
        yield
    except AriNotFound as exc:
        raise _gone(exc) from exc
    except (AriBadRequest, AriConflict) as exc:
        raise _rejected(exc) from exc


def _app_args(args: list[str]) -> list[str]:
    # First arg marks the channel as ours, so its StasisStart never starts an inbound call.
    return args if args[:1] == [OUTBOUND_APP_ARG] else [OUTBOUND_APP_ARG, *args]


def _result(node: str, channel: Channel) -> ChannelResult:
    return ChannelResult(node, channel.id, channel.state)


class TelephonyActivities:
    def __init__(self, pool: AriPool, redis: Redis) -> None:
        self._pool = pool
        self._redis = redis
        self._app = pool.settings.app

    def _client(self, node: str) -> AriClient:
        try:
            return self._pool.client(node)
        except KeyError:
            raise ApplicationError(
                f"unknown ARI node {node!r}", type=UNKNOWN_NODE, non_retryable=True
            ) from None

    async def _existing(self, node: str, channel_id: str) -> ChannelResult:
        """After a 409 on our own channel id: the earlier attempt's channel."""
        try:
            return _result(node, await self._client(node).get_channel(channel_id))
        except AriNotFound:
            return ChannelResult(node, channel_id, "", exists=False)

    async def _done_before(self, operation: str) -> bool:
        return bool(await self._redis.exists(ari_done_key(operation)))

    async def _mark_done(self, operation: str) -> None:
        await self._redis.set(ari_done_key(operation), b"1", ex=DONE_TTL_SECONDS)

    # -- placement ---------------------------------------------------------------------------

    @activity.defn(name=PICK_NODE)
    async def pick_node(self, input: PickNodeInput) -> PickNodeResult:
        try:
            return PickNodeResult(await self._pool.dispatcher.pick(input.role, input.channel_id))
        except NoHealthyNode as exc:
            raise ApplicationError(str(exc), type=NO_HEALTHY_NODE) from exc

    # -- channels ----------------------------------------------------------------------------

    @activity.defn(name=ORIGINATE)
    async def originate(self, input: OriginateInput) -> ChannelResult:
        return await self._new_channel(
            "originate",
            input,
            lambda client: client.originate(
                input.endpoint,
                app=self._app,
                channel_id=input.channel_id,
                other_channel_id=input.other_channel_id or None,
                app_args=_app_args(input.app_args),
                caller_id=input.caller_id or None,
                dial_timeout=input.dial_timeout_seconds,
                variables=input.variables or None,
                formats=input.formats or None,
            ),
        )

    @activity.defn(name=CREATE_CHANNEL)
    async def create_channel(self, input: OriginateInput) -> ChannelResult:
        return await self._new_channel(
            "create_channel",
            input,
            lambda client: client.create_channel(
                input.endpoint,
                app=self._app,
                channel_id=input.channel_id,
                other_channel_id=input.other_channel_id or None,
                app_args=_app_args(input.app_args),
                variables=input.variables or None,
                formats=input.formats or None,
            ),
        )

    async def _new_channel(
        self,
        kind: str,
        input: OriginateInput,
        create: Callable[[AriClient], Awaitable[Channel]],
    ) -> ChannelResult:
        """Create a channel with our own id at most once, whatever the retries."""
        operation = f"{kind}:{input.node}:{input.channel_id}"
        if await self._done_before(operation):
            # Created by the attempt whose result was lost (maybe ended since: never
            # create it a second time, that would be a second call).
            return await self._existing(input.node, input.channel_id)
        try:
            channel = await create(self._client(input.node))
        except AriConflict:
            return await self._existing(input.node, input.channel_id)
        except (AriNotFound, AriBadRequest) as exc:
            raise _rejected(exc) from exc
        await self._mark_done(operation)
        await self._pool.dispatcher.claim(channel.id, input.node)
        return _result(input.node, channel)

    @activity.defn(name=DIAL)
    async def dial(self, input: DialInput) -> Done:
        operation = f"dial:{input.node}:{input.channel_id}"
        if await self._done_before(operation):
            return Done(already=True)
        client = self._client(input.node)
        try:
            await client.dial(
                input.channel_id,
                caller=input.caller or None,
                dial_timeout=input.dial_timeout_seconds,
            )
        except AriConflict as exc:
            # Dialled already (the attempt whose result was lost, before it could mark
            # itself done)? Then it rings or is up; a channel still Down was refused.
            current = await self._existing(input.node, input.channel_id)
            if current.exists and current.state != "Down":
                return Done(already=True)
            raise _rejected(exc) from exc
        except AriNotFound as exc:
            raise _gone(exc) from exc
        except AriBadRequest as exc:
            raise _rejected(exc) from exc
        await self._mark_done(operation)
        return Done()

    @activity.defn(name=ANSWER)
    async def answer(self, input: ChannelRef) -> Done:
        with _ari_failures():
            await self._client(input.node).answer(input.channel_id)
        return Done()

    @activity.defn(name=RING)
    async def ring(self, input: ChannelRef) -> Done:
        with _ari_failures():
            await self._client(input.node).ring(input.channel_id)
        return Done()

    @activity.defn(name=HANGUP)
    async def hangup(self, input: HangupInput) -> Done:
        try:
            await self._client(input.node).hangup(input.channel_id, reason_code=input.cause)
        except AriNotFound:
            return Done(already=True)  # gone already: what a hangup wants
        except AriBadRequest as exc:
            raise _rejected(exc) from exc
        await self._pool.dispatcher.release(input.channel_id, input.node)
        return Done()

    @activity.defn(name=CONTINUE_IN_DIALPLAN)
    async def continue_in_dialplan(self, input: ContinueInput) -> Done:
        operation = f"continue:{input.node}:{input.operation_id}" if input.operation_id else ""
        if operation and await self._done_before(operation):
            return Done(already=True)
        client = self._client(input.node)
        if input.keep_watching:
            try:
                await client.subscribe(self._app, [f"channel:{input.channel_id}"])
            except AriBadRequest as exc:  # 422: no such event source, the channel is gone
                raise _gone(exc) from exc
        with _ari_failures():
            await client.continue_in_dialplan(
                input.channel_id,
                context=input.context,
                extension=input.extension,
                priority=input.priority,
            )
        if operation:
            await self._mark_done(operation)
        return Done()

    # -- media -------------------------------------------------------------------------------

    @activity.defn(name=PLAY)
    async def play(self, input: PlayInput) -> Done:
        operation = f"play:{input.node}:{input.playback_id}"
        if await self._done_before(operation):
            return Done(already=True)
        client = self._client(input.node)
        try:
            if input.bridge_id:
                await client.play_on_bridge(
                    input.bridge_id,
                    input.media,
                    playback_id=input.playback_id,
                    lang=input.lang or None,
                )
            else:
                await client.play(
                    input.channel_id,
                    input.media,
                    playback_id=input.playback_id,
                    lang=input.lang or None,
                )
        except AriConflict as exc:
            if "already exists" not in exc.message:
                raise _rejected(exc) from exc
            await self._mark_done(operation)  # our playback from the earlier attempt
            return Done(already=True)
        except AriNotFound as exc:
            raise _gone(exc) from exc
        except AriBadRequest as exc:
            raise _rejected(exc) from exc
        await self._mark_done(operation)
        return Done()

    @activity.defn(name=STOP_PLAYBACK)
    async def stop_playback(self, input: PlaybackRef) -> Done:
        try:
            await self._client(input.node).stop_playback(input.playback_id)
        except AriNotFound:
            return Done(already=True)
        return Done()

    @activity.defn(name=RECORD)
    async def record(self, input: RecordInput) -> Done:
        client = self._client(input.node)
        terminate_on = cast("TerminateOn", input.terminate_on)
        try:
            if input.bridge_id:
                await client.record_bridge(
                    input.bridge_id,
                    input.name,
                    format=input.format,
                    max_duration_seconds=input.max_duration_seconds or None,
                    if_exists="fail",
                    terminate_on=terminate_on,
                )
            else:
                await client.record(
                    input.channel_id,
                    input.name,
                    format=input.format,
                    max_duration_seconds=input.max_duration_seconds or None,
                    max_silence_seconds=input.max_silence_seconds or None,
                    if_exists="fail",
                    beep=input.beep,
                    terminate_on=terminate_on,
                )
        except (AriConflict, AriBadRequest) as exc:
            # ifExists=fail: the name is ours, so "in progress" (409) or "exists" (422)
            # is the earlier attempt's recording.
            if exc.status in (409, 422) and ("already" in exc.message or "exists" in exc.message):
                return Done(already=True)
            raise _rejected(exc) from exc
        except AriNotFound as exc:
            raise _gone(exc) from exc
        return Done()

    @activity.defn(name=STOP_RECORDING)
    async def stop_recording(self, input: RecordingRef) -> Done:
        try:
            await self._client(input.node).stop_live_recording(input.name)
        except AriNotFound:
            return Done(already=True)  # stopped already (or ended by itself)
        return Done()

    @activity.defn(name=SEND_DTMF)
    async def send_dtmf(self, input: SendDtmfInput) -> Done:
        operation = f"dtmf:{input.node}:{input.operation_id}"
        if await self._done_before(operation):
            return Done(already=True)
        with _ari_failures():
            await self._client(input.node).send_dtmf(
                input.channel_id,
                input.dtmf,
                duration=input.duration_ms,
                between=input.between_ms,
            )
        await self._mark_done(operation)
        return Done()

    @activity.defn(name=SET_VARIABLE)
    async def set_variable(self, input: SetVariableInput) -> Done:
        with _ari_failures():
            await self._client(input.node).set_variable(
                input.channel_id, input.variable, input.value
            )
        return Done()

    @activity.defn(name=GET_VARIABLE)
    async def get_variable(self, input: GetVariableInput) -> VariableResult:
        client = self._client(input.node)
        try:
            return VariableResult(await client.get_variable(input.channel_id, input.variable), True)
        except AriNotFound as exc:
            # 404 means either: no such channel, or no such variable on it.
            if "variable" in exc.message.lower():
                return VariableResult("", False)
            raise _gone(exc) from exc
        except AriBadRequest as exc:
            raise _rejected(exc) from exc

    @activity.defn(name=SNOOP)
    async def snoop(self, input: SnoopInput) -> ChannelResult:
        client = self._client(input.node)
        try:
            channel = await client.snoop(
                input.channel_id,
                app=self._app,
                spy=cast("SpyDirection", input.spy),
                whisper=cast("SpyDirection", input.whisper),
                app_args=_app_args(input.app_args),
                snoop_id=input.snoop_id,
            )
        except AriConflict:
            return await self._existing(input.node, input.snoop_id)
        except AriNotFound as exc:
            raise _gone(exc) from exc
        except AriBadRequest as exc:
            raise _rejected(exc) from exc
        await self._pool.dispatcher.claim(channel.id, input.node)
        return _result(input.node, channel)

    @activity.defn(name=EXTERNAL_MEDIA)
    async def external_media(self, input: ExternalMediaInput) -> ChannelResult:
        client = self._client(input.node)
        options: dict[str, Any] = {
            "encapsulation": input.encapsulation,
            "transport": input.transport,
            "connection_type": input.connection_type,
            "direction": input.direction,
        }
        try:
            channel = await client.external_media(
                app=self._app,
                external_host=input.external_host,
                format=input.format,
                channel_id=input.channel_id,
                data=input.data or None,
                variables=input.variables or None,
                **options,
            )
        except AriConflict:
            return await self._existing(input.node, input.channel_id)
        except (AriNotFound, AriBadRequest) as exc:
            raise _rejected(exc) from exc
        await self._pool.dispatcher.claim(channel.id, input.node)
        return _result(input.node, channel)

    # -- bridges -----------------------------------------------------------------------------

    @activity.defn(name=BRIDGE_CREATE)
    async def bridge_create(self, input: BridgeCreateInput) -> BridgeResult:
        client = self._client(input.node)
        try:
            bridge = await client.create_bridge(
                bridge_id=input.bridge_id, types=input.types, name=input.name or None
            )
        except AriConflict:
            with _ari_failures():
                bridge = await client.get_bridge(input.bridge_id)
        except AriBadRequest as exc:
            raise _rejected(exc) from exc
        return BridgeResult(input.node, bridge.id, list(bridge.channels))

    @activity.defn(name=BRIDGE_ADD)
    async def bridge_add(self, input: BridgeMembersInput) -> Done:
        # Adding a channel that is already a member is a no-op for Asterisk.
        with _ari_failures():
            await self._client(input.node).add_channel(
                input.bridge_id,
                input.channel_ids,
                role=input.role or None,
                absorb_dtmf=input.absorb_dtmf or None,
                mute=input.mute or None,
            )
        return Done()

    @activity.defn(name=BRIDGE_REMOVE)
    async def bridge_remove(self, input: BridgeMembersInput) -> Done:
        client = self._client(input.node)
        try:
            await client.remove_channel(input.bridge_id, input.channel_ids)
        except AriNotFound:
            return Done(already=True)  # the bridge is gone, so nobody is in it
        except AriError as exc:
            # 422 "not in this bridge": removed by the earlier attempt (or it left).
            if exc.status == 422:
                return Done(already=True)
            if isinstance(exc, AriBadRequest | AriConflict):
                raise _rejected(exc) from exc
            raise
        return Done()

    @activity.defn(name=BRIDGE_DELETE)
    async def bridge_delete(self, input: BridgeRef) -> Done:
        try:
            await self._client(input.node).delete_bridge(input.bridge_id)
        except AriNotFound:
            return Done(already=True)
        return Done()

    # -- channel features (idempotent on their own) -----------------------------------------

    @activity.defn(name=MUTE)
    async def mute(self, input: MuteInput) -> Done:
        with _ari_failures():
            await self._client(input.node).mute(
                input.channel_id, cast("Direction", input.direction)
            )
        return Done()

    @activity.defn(name=UNMUTE)
    async def unmute(self, input: MuteInput) -> Done:
        with _ari_failures():
            await self._client(input.node).unmute(
                input.channel_id, cast("Direction", input.direction)
            )
        return Done()

    @activity.defn(name=HOLD)
    async def hold(self, input: ChannelRef) -> Done:
        with _ari_failures():
            await self._client(input.node).hold(input.channel_id)
        return Done()

    @activity.defn(name=UNHOLD)
    async def unhold(self, input: ChannelRef) -> Done:
        with _ari_failures():
            await self._client(input.node).unhold(input.channel_id)
        return Done()

    @activity.defn(name=MOH)
    async def moh(self, input: MohInput) -> Done:
        client = self._client(input.node)
        with _ari_failures():
            if input.on:
                await client.start_moh(input.channel_id, input.moh_class or None)
            else:
                await client.stop_moh(input.channel_id)
        return Done()

    # -- recordings --------------------------------------------------------------------------

    @activity.defn(name=DOWNLOAD_RECORDING)
    async def download_recording(self, input: DownloadRecordingInput) -> DownloadRecordingResult:
        with _ari_failures():
            content = await self._client(input.node).download_recording(input.name)
        path = Path(input.destination)
        await asyncio.to_thread(_write_atomically, path, content)
        return DownloadRecordingResult(str(path), len(content), hashlib.sha256(content).hexdigest())

    def all(self) -> list[Any]:
        """Every activity, for `Worker(activities=...)`."""
        return [
            self.pick_node,
            self.originate,
            self.create_channel,
            self.dial,
            self.answer,
            self.ring,
            self.hangup,
            self.continue_in_dialplan,
            self.play,
            self.stop_playback,
            self.record,
            self.stop_recording,
            self.send_dtmf,
            self.set_variable,
            self.get_variable,
            self.snoop,
            self.external_media,
            self.bridge_create,
            self.bridge_add,
            self.bridge_remove,
            self.bridge_delete,
            self.mute,
            self.unmute,
            self.hold,
            self.unhold,
            self.moh,
            self.download_recording,
        ]


def _write_atomically(path: Path, content: bytes) -> None:
    # A retry rewrites the same bytes; a reader never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    partial.replace(path)
