"""Typed async REST client for one Asterisk node's ARI.

Parameter names, methods and paths are Asterisk's (shared/ari-api-docs); the
conformance tests check every request this client sends against those files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from telephony.ari.errors import AriUnavailable, error_for
from telephony.ari.models import (
    Application,
    AsteriskInfo,
    AsteriskPing,
    Bridge,
    Channel,
    LiveRecording,
    Playback,
    StoredRecording,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
ParamValue = str | int | bool | None
HangupReason = Literal[
    "normal",
    "busy",
    "congestion",
    "no_answer",
    "timeout",
    "rejected",
    "unallocated",
    "normal_unspecified",
    "number_incomplete",
    "codec_mismatch",
    "interworking",
    "failure",
    "answered_elsewhere",
]
PlaybackOperation = Literal["restart", "pause", "unpause", "reverse", "forward"]
Direction = Literal["both", "in", "out"]
SpyDirection = Literal["none", "both", "out", "in"]
IfExists = Literal["fail", "overwrite", "append"]
TerminateOn = Literal["none", "any", "*", "#"]


def _segment(value: str) -> str:
    return quote(value, safe="")


def _query(params: Mapping[str, ParamValue]) -> dict[str, str]:
    query: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        query[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return query


class AriClient:
    """REST calls against one node; raise `telephony.ari.errors` subclasses on failure."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        request_timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=f"{self.base_url}/ari",
            auth=(username, password),
            timeout=request_timeout,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AriClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- transport ---------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, ParamValue] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method, path, params=_query(params or {}), json=body
            )
        except httpx.HTTPError as exc:
            raise AriUnavailable(
                None, str(exc) or type(exc).__name__, method=method, path=path
            ) from exc
        if response.status_code >= 400:
            raise error_for(
                response.status_code, _error_message(response), method=method, path=path
            )
        return response

    async def _model(
        self,
        model: type[ModelT],
        method: str,
        path: str,
        params: Mapping[str, ParamValue] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> ModelT:
        response = await self._request(method, path, params, body)
        return model.model_validate(response.json())

    async def _models(self, model: type[ModelT], path: str) -> list[ModelT]:
        response = await self._request("GET", path)
        return [model.model_validate(item) for item in response.json()]

    # -- channels ----------------------------------------------------------------------------

    async def list_channels(self) -> list[Channel]:
        return await self._models(Channel, "/channels")

    async def get_channel(self, channel_id: str) -> Channel:
        return await self._model(Channel, "GET", f"/channels/{_segment(channel_id)}")

    async def originate(
        self,
        endpoint: str,
        *,
        app: str,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        app_args: Sequence[str] = (),
        caller_id: str | None = None,
        dial_timeout: int | None = None,
        variables: Mapping[str, str] | None = None,
        originator: str | None = None,
        formats: str | None = None,
    ) -> Channel:
        """`POST /channels`: the channel enters Stasis once the far end answers."""
        params: dict[str, ParamValue] = {
            "endpoint": endpoint,
            "app": app,
            "appArgs": ",".join(app_args) or None,
            "channelId": channel_id,
            "otherChannelId": other_channel_id,
            "callerId": caller_id,
            "timeout": dial_timeout,
            "originator": originator,
            "formats": formats,
        }
        body = {"variables": dict(variables)} if variables else None
        return await self._model(Channel, "POST", "/channels", params, body)

    async def create_channel(
        self,
        endpoint: str,
        *,
        app: str,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        app_args: Sequence[str] = (),
        variables: Mapping[str, str] | None = None,
        originator: str | None = None,
        formats: str | None = None,
    ) -> Channel:
        """`POST /channels/create`: in Stasis at once, not dialled until `dial()`."""
        params: dict[str, ParamValue] = {
            "endpoint": endpoint,
            "app": app,
            "appArgs": ",".join(app_args) or None,
            "channelId": channel_id,
            "otherChannelId": other_channel_id,
            "originator": originator,
            "formats": formats,
        }
        body = {"variables": dict(variables)} if variables else None
        return await self._model(Channel, "POST", "/channels/create", params, body)

    async def dial(
        self, channel_id: str, *, caller: str | None = None, dial_timeout: int | None = None
    ) -> None:
        """`dial_timeout` is ARI's `timeout`: seconds to ring before giving up."""
        params = {"caller": caller, "timeout": dial_timeout}
        await self._request("POST", f"/channels/{_segment(channel_id)}/dial", params)

    async def answer(self, channel_id: str) -> None:
        await self._request("POST", f"/channels/{_segment(channel_id)}/answer")

    async def ring(self, channel_id: str) -> None:
        await self._request("POST", f"/channels/{_segment(channel_id)}/ring")

    async def ring_stop(self, channel_id: str) -> None:
        await self._request("DELETE", f"/channels/{_segment(channel_id)}/ring")

    async def hangup(
        self,
        channel_id: str,
        *,
        reason_code: int | None = None,
        reason: HangupReason | None = None,
    ) -> None:
        """Give a Q.850 `reason_code` or a `reason` name, not both (Asterisk answers 400)."""
        params = {"reason_code": reason_code, "reason": reason}
        await self._request("DELETE", f"/channels/{_segment(channel_id)}", params)

    async def play(
        self,
        channel_id: str,
        media: Sequence[str],
        *,
        playback_id: str | None = None,
        lang: str | None = None,
        offsetms: int | None = None,
        skipms: int | None = None,
    ) -> Playback:
        """Media URIs: `sound:`, `recording:`, `tone:`, `digits:`. A list plays in order."""
        return await self._play(
            f"/channels/{_segment(channel_id)}", media, playback_id, lang, offsetms, skipms
        )

    async def _play(
        self,
        target: str,
        media: Sequence[str],
        playback_id: str | None,
        lang: str | None,
        offsetms: int | None,
        skipms: int | None,
    ) -> Playback:
        # One comma-separated value: a repeated `media` plays only its first item.
        params = {"media": ",".join(media), "lang": lang, "offsetms": offsetms, "skipms": skipms}
        path = f"{target}/play/{_segment(playback_id)}" if playback_id else f"{target}/play"
        return await self._model(Playback, "POST", path, params)

    async def record(
        self,
        channel_id: str,
        name: str,
        *,
        format: str = "wav",
        max_duration_seconds: int | None = None,
        max_silence_seconds: int | None = None,
        if_exists: IfExists | None = None,
        beep: bool | None = None,
        terminate_on: TerminateOn | None = None,
    ) -> LiveRecording:
        return await self._record(
            f"/channels/{_segment(channel_id)}",
            name,
            format,
            max_duration_seconds,
            max_silence_seconds,
            if_exists,
            beep,
            terminate_on,
        )

    async def _record(
        self,
        target: str,
        name: str,
        format: str,
        max_duration_seconds: int | None,
        max_silence_seconds: int | None,
        if_exists: IfExists | None,
        beep: bool | None,
        terminate_on: TerminateOn | None,
    ) -> LiveRecording:
        params: dict[str, ParamValue] = {
            "name": name,
            "format": format,
            "maxDurationSeconds": max_duration_seconds,
            "maxSilenceSeconds": max_silence_seconds,
            "ifExists": if_exists,
            "beep": beep,
            "terminateOn": terminate_on,
        }
        return await self._model(LiveRecording, "POST", f"{target}/record", params)

    async def send_dtmf(
        self,
        channel_id: str,
        dtmf: str,
        *,
        before: int | None = None,
        between: int | None = None,
        duration: int | None = None,
        after: int | None = None,
    ) -> None:
        params = {
            "dtmf": dtmf,
            "before": before,
            "between": between,
            "duration": duration,
            "after": after,
        }
        await self._request("POST", f"/channels/{_segment(channel_id)}/dtmf", params)

    async def get_variable(self, channel_id: str, variable: str) -> str:
        response = await self._request(
            "GET", f"/channels/{_segment(channel_id)}/variable", {"variable": variable}
        )
        return str(response.json()["value"])

    async def set_variable(self, channel_id: str, variable: str, value: str | None) -> None:
        """An empty or missing value unsets the variable."""
        params = {"variable": variable, "value": value}
        await self._request("POST", f"/channels/{_segment(channel_id)}/variable", params)

    async def snoop(
        self,
        channel_id: str,
        *,
        app: str,
        spy: SpyDirection = "none",
        whisper: SpyDirection = "none",
        app_args: Sequence[str] = (),
        snoop_id: str | None = None,
    ) -> Channel:
        params = {"app": app, "spy": spy, "whisper": whisper, "appArgs": ",".join(app_args) or None}
        base = f"/channels/{_segment(channel_id)}/snoop"
        path = f"{base}/{_segment(snoop_id)}" if snoop_id else base
        return await self._model(Channel, "POST", path, params)

    async def external_media(
        self,
        *,
        app: str,
        external_host: str,
        format: str,
        channel_id: str | None = None,
        encapsulation: Literal["rtp", "audiosocket", "none"] | None = None,
        transport: Literal["udp", "tcp", "websocket"] | None = None,
        connection_type: Literal["client", "server"] | None = None,
        direction: Literal["both"] | None = None,
        data: str | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        # The original sends `channel_id`; ARI's parameter is `channelId` (spec §2).
        params: dict[str, ParamValue] = {
            "app": app,
            "external_host": external_host,
            "format": format,
            "channelId": channel_id,
            "encapsulation": encapsulation,
            "transport": transport,
            "connection_type": connection_type,
            "direction": direction,
            "data": data,
        }
        body = {"variables": dict(variables)} if variables else None
        return await self._model(Channel, "POST", "/channels/externalMedia", params, body)

    async def continue_in_dialplan(
        self,
        channel_id: str,
        *,
        context: str | None = None,
        extension: str | None = None,
        priority: int | None = None,
        label: str | None = None,
    ) -> None:
        params = {"context": context, "extension": extension, "priority": priority, "label": label}
        await self._request("POST", f"/channels/{_segment(channel_id)}/continue", params)

    async def redirect(self, channel_id: str, endpoint: str) -> None:
        await self._request(
            "POST", f"/channels/{_segment(channel_id)}/redirect", {"endpoint": endpoint}
        )

    async def hold(self, channel_id: str) -> None:
        await self._request("POST", f"/channels/{_segment(channel_id)}/hold")

    async def unhold(self, channel_id: str) -> None:
        await self._request("DELETE", f"/channels/{_segment(channel_id)}/hold")

    async def mute(self, channel_id: str, direction: Direction = "both") -> None:
        await self._request(
            "POST", f"/channels/{_segment(channel_id)}/mute", {"direction": direction}
        )

    async def unmute(self, channel_id: str, direction: Direction = "both") -> None:
        await self._request(
            "DELETE", f"/channels/{_segment(channel_id)}/mute", {"direction": direction}
        )

    async def start_moh(self, channel_id: str, moh_class: str | None = None) -> None:
        await self._request(
            "POST", f"/channels/{_segment(channel_id)}/moh", {"mohClass": moh_class}
        )

    async def stop_moh(self, channel_id: str) -> None:
        await self._request("DELETE", f"/channels/{_segment(channel_id)}/moh")

    # -- bridges -----------------------------------------------------------------------------

    async def list_bridges(self) -> list[Bridge]:
        return await self._models(Bridge, "/bridges")

    async def create_bridge(
        self,
        *,
        bridge_id: str | None = None,
        types: Sequence[str] = ("mixing",),
        name: str | None = None,
    ) -> Bridge:
        """`types` such as `("mixing", "proxy_media")`; answers 200 with the bridge."""
        params = {"type": ",".join(types), "bridgeId": bridge_id, "name": name}
        return await self._model(Bridge, "POST", "/bridges", params)

    async def get_bridge(self, bridge_id: str) -> Bridge:
        return await self._model(Bridge, "GET", f"/bridges/{_segment(bridge_id)}")

    async def delete_bridge(self, bridge_id: str) -> None:
        await self._request("DELETE", f"/bridges/{_segment(bridge_id)}")

    async def add_channel(
        self,
        bridge_id: str,
        channel_ids: Sequence[str],
        *,
        role: str | None = None,
        absorb_dtmf: bool | None = None,
        mute: bool | None = None,
    ) -> None:
        params = {
            "channel": ",".join(channel_ids),
            "role": role,
            "absorbDTMF": absorb_dtmf,
            "mute": mute,
        }
        await self._request("POST", f"/bridges/{_segment(bridge_id)}/addChannel", params)

    async def remove_channel(self, bridge_id: str, channel_ids: Sequence[str]) -> None:
        params = {"channel": ",".join(channel_ids)}
        await self._request("POST", f"/bridges/{_segment(bridge_id)}/removeChannel", params)

    async def play_on_bridge(
        self,
        bridge_id: str,
        media: Sequence[str],
        *,
        playback_id: str | None = None,
        lang: str | None = None,
    ) -> Playback:
        return await self._play(
            f"/bridges/{_segment(bridge_id)}", media, playback_id, lang, None, None
        )

    async def record_bridge(
        self,
        bridge_id: str,
        name: str,
        *,
        format: str = "wav",
        max_duration_seconds: int | None = None,
        if_exists: IfExists | None = None,
        terminate_on: TerminateOn | None = None,
    ) -> LiveRecording:
        return await self._record(
            f"/bridges/{_segment(bridge_id)}",
            name,
            format,
            max_duration_seconds,
            None,
            if_exists,
            None,
            terminate_on,
        )

    async def start_bridge_moh(self, bridge_id: str, moh_class: str | None = None) -> None:
        await self._request("POST", f"/bridges/{_segment(bridge_id)}/moh", {"mohClass": moh_class})

    async def stop_bridge_moh(self, bridge_id: str) -> None:
        await self._request("DELETE", f"/bridges/{_segment(bridge_id)}/moh")

    # -- playbacks ---------------------------------------------------------------------------

    async def get_playback(self, playback_id: str) -> Playback:
        return await self._model(Playback, "GET", f"/playbacks/{_segment(playback_id)}")

    async def stop_playback(self, playback_id: str) -> None:
        await self._request("DELETE", f"/playbacks/{_segment(playback_id)}")

    async def control_playback(self, playback_id: str, operation: PlaybackOperation) -> None:
        await self._request(
            "POST", f"/playbacks/{_segment(playback_id)}/control", {"operation": operation}
        )

    # -- recordings --------------------------------------------------------------------------

    async def get_live_recording(self, name: str) -> LiveRecording:
        return await self._model(LiveRecording, "GET", f"/recordings/live/{_segment(name)}")

    async def stop_live_recording(self, name: str) -> None:
        """Stop and keep the file."""
        await self._request("POST", f"/recordings/live/{_segment(name)}/stop")

    async def cancel_live_recording(self, name: str) -> None:
        """Stop and discard."""
        await self._request("DELETE", f"/recordings/live/{_segment(name)}")

    async def pause_live_recording(self, name: str) -> None:
        await self._request("POST", f"/recordings/live/{_segment(name)}/pause")

    async def unpause_live_recording(self, name: str) -> None:
        await self._request("DELETE", f"/recordings/live/{_segment(name)}/pause")

    async def mute_live_recording(self, name: str) -> None:
        await self._request("POST", f"/recordings/live/{_segment(name)}/mute")

    async def unmute_live_recording(self, name: str) -> None:
        await self._request("DELETE", f"/recordings/live/{_segment(name)}/mute")

    async def list_stored_recordings(self) -> list[StoredRecording]:
        return await self._models(StoredRecording, "/recordings/stored")

    async def get_stored_recording(self, name: str) -> StoredRecording:
        return await self._model(StoredRecording, "GET", f"/recordings/stored/{_segment(name)}")

    async def download_recording(self, name: str) -> bytes:
        response = await self._request("GET", f"/recordings/stored/{_segment(name)}/file")
        return response.content

    async def delete_stored_recording(self, name: str) -> None:
        await self._request("DELETE", f"/recordings/stored/{_segment(name)}")

    # -- applications and the node itself ----------------------------------------------------

    async def list_applications(self) -> list[Application]:
        return await self._models(Application, "/applications")

    async def get_application(self, app: str) -> Application:
        return await self._model(Application, "GET", f"/applications/{_segment(app)}")

    async def subscribe(self, app: str, event_sources: Sequence[str]) -> Application:
        """Event sources such as `bridge:<id>` or `channel:<id>`."""
        params = {"eventSource": ",".join(event_sources)}
        return await self._model(
            Application, "POST", f"/applications/{_segment(app)}/subscription", params
        )

    async def unsubscribe(self, app: str, event_sources: Sequence[str]) -> Application:
        params = {"eventSource": ",".join(event_sources)}
        return await self._model(
            Application, "DELETE", f"/applications/{_segment(app)}/subscription", params
        )

    async def asterisk_info(self) -> AsteriskInfo:
        return await self._model(AsteriskInfo, "GET", "/asterisk/info")

    async def ping(self) -> AsteriskPing:
        return await self._model(AsteriskPing, "GET", "/asterisk/ping")


def _error_message(response: httpx.Response) -> str:
    """Asterisk says `{"message": ...}`, except `{"error": ...}` for allocation failures."""
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)
    return str(body)
