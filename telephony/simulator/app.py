"""ARI routes of one simulated node: Asterisk's paths, parameters, codes and messages.

A small table-driven router is used instead of Starlette's so that an unknown path
answers 404 `Resource not found` and a known path with the wrong method 405 `Invalid
method`, both as Asterisk words them (trace 08).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from telephony.simulator.core import SimAsterisk
from telephony.simulator.errors import ApiError, not_found
from telephony.simulator.model import JsonDict, ari_timestamp
from telephony.simulator.params import Params

logger = logging.getLogger(__name__)
Handler = Callable[[SimAsterisk, Params], Awaitable[Response]]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def no_content() -> Response:
    # Asterisk's 204s carry neither a body nor a content type.
    return Response(status_code=204)


def error_response(error: ApiError) -> Response:
    return json_response({error.key: error.message}, error.status)


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]


ROUTES: list[Route] = []


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, template, handler, re.compile(f"^{regex}$")))
        return handler

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | int:
    """The route and its path parameters, or 404/405."""
    path_matched = False
    for candidate in ROUTES:
        found = candidate.pattern.match(path)
        if found is None:
            continue
        path_matched = True
        if candidate.method == method:
            return candidate, found.groupdict()
    return 405 if path_matched else 404


def app_for(node: SimAsterisk, target_uri: str) -> str:
    """Playbacks and recordings report to the app their target (or its members) is in."""
    kind, _, target_id = target_uri.partition(":")
    members = [target_id] if kind == "channel" else node.bridging.get(target_id).channels
    for member in members:
        app = node.channels[member].stasis_app if member in node.channels else None
        if app is not None:
            return app
    return next(iter(node.bus.apps), "voipbin")


# -- channels -----------------------------------------------------------------------------


@route("GET", "/ari/channels")
async def list_channels(node: SimAsterisk, p: Params) -> Response:
    return json_response([c.to_json() for c in node.channels.values()])


async def _originate(node: SimAsterisk, p: Params, channel_id: str | None) -> Response:
    channel = node.originate(
        endpoint=p.text("endpoint"),
        app=p.text("app"),
        app_args=p.text("appArgs"),
        channel_id=channel_id,
        other_channel_id=p.text("otherChannelId"),
        caller_id=p.text("callerId"),
        timeout=float(p.integer("timeout", 30)),
        variables=p.variables(),
        extension=p.text("extension"),
    )
    return json_response(channel.to_json())


@route("POST", "/ari/channels")
async def originate(node: SimAsterisk, p: Params) -> Response:
    return await _originate(node, p, p.text("channelId"))


@route("POST", "/ari/channels/create")
async def create(node: SimAsterisk, p: Params) -> Response:
    created = node.create(
        endpoint=p.text("endpoint"),
        app=p.text("app"),
        app_args=p.text("appArgs"),
        channel_id=p.text("channelId"),
        other_channel_id=p.text("otherChannelId"),
        variables=p.variables(),
    )
    return json_response(created)


@route("POST", "/ari/channels/externalMedia")
async def external_media(node: SimAsterisk, p: Params) -> Response:
    channel = await node.external_media(
        app=p.text("app"),
        external_host=p.text("external_host"),
        channel_id=p.text("channelId"),
        media_format=p.text("format"),
        encapsulation=p.text_or("encapsulation", "rtp"),
        transport=p.text_or("transport", "udp"),
        variables=p.variables(),
    )
    body = channel.to_json()
    body["channelvars"] = {
        k: v for k, v in channel.variables.items() if k.startswith("UNICASTRTP_")
    }
    return json_response(body)


@route("GET", "/ari/channels/{channelId}")
async def get_channel(node: SimAsterisk, p: Params) -> Response:
    return json_response(node.channel(p.path("channelId")).to_json())


@route("POST", "/ari/channels/{channelId}")
async def originate_with_id(node: SimAsterisk, p: Params) -> Response:
    return await _originate(node, p, p.path("channelId"))


@route("DELETE", "/ari/channels/{channelId}")
async def hangup(node: SimAsterisk, p: Params) -> Response:
    node.hangup(p.path("channelId"), p.text("reason_code"), p.text("reason"))
    return no_content()


@route("POST", "/ari/channels/{channelId}/continue")
async def continue_in_dialplan(node: SimAsterisk, p: Params) -> Response:
    node.continue_in_dialplan(p.path("channelId"), p.text("context"), p.text("extension"))
    return no_content()


@route("POST", "/ari/channels/{channelId}/redirect")
async def redirect(node: SimAsterisk, p: Params) -> Response:
    node.redirect(p.path("channelId"), p.text("endpoint"))
    return no_content()


@route("POST", "/ari/channels/{channelId}/answer")
async def answer(node: SimAsterisk, p: Params) -> Response:
    node.answer(p.path("channelId"))
    return no_content()


@route("POST", "/ari/channels/{channelId}/ring")
async def ring(node: SimAsterisk, p: Params) -> Response:
    node.ring(p.path("channelId"))
    return no_content()


@route("DELETE", "/ari/channels/{channelId}/ring")
async def ring_stop(node: SimAsterisk, p: Params) -> Response:
    node.stasis_channel(p.path("channelId"))
    return no_content()


@route("POST", "/ari/channels/{channelId}/dtmf")
async def send_dtmf(node: SimAsterisk, p: Params) -> Response:
    node.send_dtmf(
        p.path("channelId"),
        p.text("dtmf"),
        before=p.integer("before", 0),
        between=p.integer("between", 100),
        duration=p.integer("duration", 100),
        after=p.integer("after", 0),
    )
    return no_content()


def _toggle(action: Callable[[SimAsterisk, str, bool], None], suffix: str) -> None:
    async def start(node: SimAsterisk, p: Params) -> Response:
        action(node, p.path("channelId"), True)
        return no_content()

    async def stop(node: SimAsterisk, p: Params) -> Response:
        action(node, p.path("channelId"), False)
        return no_content()

    route("POST", f"/ari/channels/{{channelId}}/{suffix}")(start)
    route("DELETE", f"/ari/channels/{{channelId}}/{suffix}")(stop)


def _only_in_stasis(node: SimAsterisk, channel_id: str, on: bool) -> None:
    # Silence is what a simulated channel plays anyway; only the checks remain.
    node.stasis_channel(channel_id)


def _moh(node: SimAsterisk, channel_id: str, on: bool) -> None:
    channel = node.stasis_channel(channel_id)
    node.music_on_hold(f"channel:{channel.id}", on)


@route("POST", "/ari/channels/{channelId}/mute")
async def mute(node: SimAsterisk, p: Params) -> Response:
    node.mute(p.path("channelId"), True, p.text_or("direction", "both"))
    return no_content()


@route("DELETE", "/ari/channels/{channelId}/mute")
async def unmute(node: SimAsterisk, p: Params) -> Response:
    node.mute(p.path("channelId"), False, p.text_or("direction", "both"))
    return no_content()


_toggle(SimAsterisk.hold, "hold")
_toggle(_moh, "moh")
_toggle(_only_in_stasis, "silence")


async def _play(node: SimAsterisk, p: Params, target_uri: str, playback_id: str | None) -> Response:
    body = node.playing.play(
        target_uri, app_for(node, target_uri), p.first_media(), playback_id, p.text("lang")
    )
    return json_response(body, 201, {"Location": f"/ari/playbacks/{body['id']}"})


@route("POST", "/ari/channels/{channelId}/play")
async def play(node: SimAsterisk, p: Params) -> Response:
    channel = node.stasis_channel(p.path("channelId"))
    return await _play(node, p, f"channel:{channel.id}", p.text("playbackId"))


@route("POST", "/ari/channels/{channelId}/play/{playbackId}")
async def play_with_id(node: SimAsterisk, p: Params) -> Response:
    channel = node.stasis_channel(p.path("channelId"))
    return await _play(node, p, f"channel:{channel.id}", p.path("playbackId"))


async def _record(node: SimAsterisk, p: Params, target_uri: str) -> Response:
    body = node.playing.record(
        target_uri,
        app_for(node, target_uri),
        name=p.text("name"),
        fmt=p.text("format"),
        max_duration=p.integer("maxDurationSeconds", 0),
        if_exists=p.text_or("ifExists", "fail"),
        terminate_on=p.text_or("terminateOn", "none"),
    )
    return json_response(body, 201, {"Location": f"/ari/recordings/live/{body['name']}"})


@route("POST", "/ari/channels/{channelId}/record")
async def record(node: SimAsterisk, p: Params) -> Response:
    channel = node.stasis_channel(p.path("channelId"))
    return await _record(node, p, f"channel:{channel.id}")


@route("GET", "/ari/channels/{channelId}/variable")
async def get_variable(node: SimAsterisk, p: Params) -> Response:
    return json_response({"value": node.get_variable(p.path("channelId"), p.text("variable"))})


@route("POST", "/ari/channels/{channelId}/variable")
async def set_variable(node: SimAsterisk, p: Params) -> Response:
    node.set_variable(p.path("channelId"), p.text("variable"), p.text("value"))
    return no_content()


async def _snoop(node: SimAsterisk, p: Params, snoop_id: str | None) -> Response:
    channel = node.snoop(
        p.path("channelId"),
        p.text_or("spy", "none"),
        p.text_or("whisper", "none"),
        p.text("app"),
        p.text("appArgs"),
        snoop_id,
    )
    return json_response(channel.to_json())


@route("POST", "/ari/channels/{channelId}/snoop")
async def snoop(node: SimAsterisk, p: Params) -> Response:
    return await _snoop(node, p, p.text("snoopId"))


@route("POST", "/ari/channels/{channelId}/snoop/{snoopId}")
async def snoop_with_id(node: SimAsterisk, p: Params) -> Response:
    return await _snoop(node, p, p.path("snoopId"))


@route("POST", "/ari/channels/{channelId}/dial")
async def dial(node: SimAsterisk, p: Params) -> Response:
    node.dial(p.path("channelId"), float(p.integer("timeout", 0)))
    return no_content()


# -- bridges ------------------------------------------------------------------------------


@route("GET", "/ari/bridges")
async def list_bridges(node: SimAsterisk, p: Params) -> Response:
    return json_response([b.to_json() for b in node.bridging.bridges.values()])


@route("POST", "/ari/bridges")
async def create_bridge(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.create(p.text("type"), p.text("bridgeId"), p.text("name"))
    return json_response(bridge.to_json())  # 200, not 201 (README)


@route("POST", "/ari/bridges/{bridgeId}")
async def create_bridge_with_id(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.create(p.text("type"), p.path("bridgeId"), p.text("name"))
    return json_response(bridge.to_json())


@route("GET", "/ari/bridges/{bridgeId}")
async def get_bridge(node: SimAsterisk, p: Params) -> Response:
    return json_response(node.bridging.get(p.path("bridgeId")).to_json())


@route("DELETE", "/ari/bridges/{bridgeId}")
async def delete_bridge(node: SimAsterisk, p: Params) -> Response:
    node.bridging.delete(p.path("bridgeId"))
    return no_content()


@route("POST", "/ari/bridges/{bridgeId}/addChannel")
async def add_channel(node: SimAsterisk, p: Params) -> Response:
    node.bridging.add(p.path("bridgeId"), p.text("channel"))
    return no_content()


@route("POST", "/ari/bridges/{bridgeId}/removeChannel")
async def remove_channel(node: SimAsterisk, p: Params) -> Response:
    node.bridging.remove(p.path("bridgeId"), p.text("channel"))
    return no_content()


@route("POST", "/ari/bridges/{bridgeId}/moh")
async def bridge_moh_start(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.get(p.path("bridgeId"))
    node.music_on_hold(f"bridge:{bridge.id}", True)
    return no_content()


@route("DELETE", "/ari/bridges/{bridgeId}/moh")
async def bridge_moh_stop(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.get(p.path("bridgeId"))
    node.music_on_hold(f"bridge:{bridge.id}", False)
    return no_content()


@route("POST", "/ari/bridges/{bridgeId}/play")
async def bridge_play(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.get(p.path("bridgeId"))
    return await _play(node, p, f"bridge:{bridge.id}", p.text("playbackId"))


@route("POST", "/ari/bridges/{bridgeId}/play/{playbackId}")
async def bridge_play_with_id(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.get(p.path("bridgeId"))
    return await _play(node, p, f"bridge:{bridge.id}", p.path("playbackId"))


@route("POST", "/ari/bridges/{bridgeId}/record")
async def bridge_record(node: SimAsterisk, p: Params) -> Response:
    bridge = node.bridging.get(p.path("bridgeId"))
    return await _record(node, p, f"bridge:{bridge.id}")


# -- playbacks and recordings ---------------------------------------------------------------


@route("GET", "/ari/playbacks/{playbackId}")
async def get_playback(node: SimAsterisk, p: Params) -> Response:
    return json_response(node.playing.get(p.path("playbackId")).to_json())


@route("DELETE", "/ari/playbacks/{playbackId}")
async def stop_playback(node: SimAsterisk, p: Params) -> Response:
    node.playing.stop(p.path("playbackId"))
    return no_content()


@route("POST", "/ari/playbacks/{playbackId}/control")
async def control_playback(node: SimAsterisk, p: Params) -> Response:
    node.playing.control(p.path("playbackId"), p.text("operation"))
    return no_content()


@route("GET", "/ari/recordings/stored")
async def list_stored(node: SimAsterisk, p: Params) -> Response:
    return json_response(await asyncio.to_thread(node.playing.stored))


@route("GET", "/ari/recordings/stored/{recordingName}")
async def get_stored(node: SimAsterisk, p: Params) -> Response:
    return json_response(node.playing.stored_json(p.path("recordingName")))


@route("DELETE", "/ari/recordings/stored/{recordingName}")
async def delete_stored(node: SimAsterisk, p: Params) -> Response:
    path = node.playing.stored_path(p.path("recordingName"))
    await asyncio.to_thread(path.unlink)
    return no_content()


@route("GET", "/ari/recordings/stored/{recordingName}/file")
async def stored_file(node: SimAsterisk, p: Params) -> Response:
    path = node.playing.stored_path(p.path("recordingName"))
    data = await asyncio.to_thread(path.read_bytes)
    media_type = "audio/wav" if path.suffix == ".wav" else "application/octet-stream"
    return Response(data, 200, media_type=media_type)


@route("GET", "/ari/recordings/live/{recordingName}")
async def get_live(node: SimAsterisk, p: Params) -> Response:
    return json_response(node.playing.live_json(p.path("recordingName")))


@route("DELETE", "/ari/recordings/live/{recordingName}")
async def cancel_live(node: SimAsterisk, p: Params) -> Response:
    node.playing.stop_recording(p.path("recordingName"), keep=False)
    return no_content()


@route("POST", "/ari/recordings/live/{recordingName}/stop")
async def stop_live(node: SimAsterisk, p: Params) -> Response:
    node.playing.stop_recording(p.path("recordingName"))
    return no_content()


def _recording_toggle(suffix: str, action: Callable[[SimAsterisk, str, bool], None]) -> None:
    async def on(node: SimAsterisk, p: Params) -> Response:
        action(node, p.path("recordingName"), True)
        return no_content()

    async def off(node: SimAsterisk, p: Params) -> Response:
        action(node, p.path("recordingName"), False)
        return no_content()

    route("POST", f"/ari/recordings/live/{{recordingName}}/{suffix}")(on)
    route("DELETE", f"/ari/recordings/live/{{recordingName}}/{suffix}")(off)


_recording_toggle("pause", lambda node, name, on: node.playing.set_paused(name, on))
_recording_toggle("mute", lambda node, name, on: node.playing.set_muted(name, on))


# -- applications and asterisk ------------------------------------------------------------


def _application(node: SimAsterisk, name: str) -> JsonDict:
    if not node.bus.registered(name):
        raise not_found("Application")
    return node.bus.app(name).to_json()


@route("GET", "/ari/applications")
async def list_applications(node: SimAsterisk, p: Params) -> Response:
    return json_response(
        [a.to_json() for a in node.bus.apps.values() if node.bus.registered(a.name)]
    )


@route("GET", "/ari/applications/{applicationName}")
async def get_application(node: SimAsterisk, p: Params) -> Response:
    return json_response(_application(node, p.path("applicationName")))


async def _subscription(node: SimAsterisk, p: Params, subscribe: bool) -> Response:
    name = p.path("applicationName")
    _application(node, name)
    sources = p.text("eventSource")
    if not sources:
        raise ApiError(400, "Missing parameter eventSource")
    app = node.bus.app(name)
    for source in sources.split(","):
        scheme, _, object_id = source.partition(":")
        if scheme == "bridge":
            if subscribe:
                node.bridging.subscribe(name, object_id)
            else:
                node.bridging.unsubscribe(name, object_id)
        elif scheme == "channel":
            channel = node.channels.get(object_id)
            if channel is None:
                raise ApiError(422, "Event source does not exist")
            if subscribe:
                app.explicit_channel_ids.add(object_id)
                app.channel_ids.add(object_id)
            else:
                app.explicit_channel_ids.discard(object_id)
                if channel.stasis_app != name and not channel.owned_by_app:
                    app.channel_ids.discard(object_id)
        elif scheme not in ("endpoint", "deviceState"):
            raise ApiError(400, "Invalid event source URI scheme")
    return json_response(app.to_json())


@route("POST", "/ari/applications/{applicationName}/subscription")
async def subscribe(node: SimAsterisk, p: Params) -> Response:
    return await _subscription(node, p, True)


@route("DELETE", "/ari/applications/{applicationName}/subscription")
async def unsubscribe(node: SimAsterisk, p: Params) -> Response:
    return await _subscription(node, p, False)


@route("GET", "/ari/asterisk/info")
async def asterisk_info(node: SimAsterisk, p: Params) -> Response:
    info: JsonDict = {
        "build": {
            "os": "Linux",
            "kernel": "simulated",
            "machine": "x86_64",
            "options": "OPTIONAL_API",
            "date": node.started_at[:10],
            "user": "voipbin-simulator",
        },
        "system": {"version": "22.10.1", "entity_id": node.asterisk_id},
        "config": {
            "name": node.name,
            "default_language": "en",
            "setid": {"user": "asterisk", "group": "asterisk"},
        },
        "status": {"startup_time": node.started_at, "last_reload_time": node.started_at},
    }
    only = p.text("only")
    if only:
        info = {k: v for k, v in info.items() if k in only.split(",")}
    return json_response(info)


@route("GET", "/ari/asterisk/ping")
async def asterisk_ping(node: SimAsterisk, p: Params) -> Response:
    return json_response(
        {"ping": "pong", "timestamp": ari_timestamp(), "asterisk_id": node.asterisk_id}
    )


# -- the HTTP and WebSocket entry points ----------------------------------------------------


@dataclass
class Credentials:
    username: str
    password: str

    def accepts(self, authorization: str | None, api_key: str | None) -> bool:
        expected = f"{self.username}:{self.password}"
        if api_key is not None:
            return api_key == expected
        if not authorization or not authorization.lower().startswith("basic "):
            return False
        try:
            return base64.b64decode(authorization[6:]).decode() == expected
        except ValueError:
            return False


UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Basic realm="Asterisk REST Interface"'}


@dataclass
class RequestLog:
    """What clients sent and when (`at`, the format of event timestamps), for tests and
    benchmarks (`GET /sim/requests`); bounded so a long dev run or a benchmark does not
    grow without end."""

    entries: deque[JsonDict] = field(default_factory=lambda: deque(maxlen=10_000))

    def add(self, method: str, path: str, request: Request | WebSocket, body: bytes) -> None:
        query: dict[str, str | list[str]] = {}
        for key in request.query_params:
            values = request.query_params.getlist(key)
            query[key] = values[0] if len(values) == 1 else values
        decoded: Any = None
        if body.strip():
            try:
                decoded = orjson.loads(body)
            except orjson.JSONDecodeError:
                decoded = body.decode(errors="replace")
        self.entries.append(
            {"method": method, "path": path, "query": query, "body": decoded, "at": ari_timestamp()}
        )


async def handle_http(
    node: SimAsterisk, credentials: Credentials, log: RequestLog, request: Request
) -> Response:
    body = await request.body()
    log.add(request.method, request.url.path, request, body)
    if not credentials.accepts(
        request.headers.get("authorization"), request.query_params.get("api_key")
    ):
        return json_response({"message": "Authentication required"}, 401, UNAUTHORIZED_HEADERS)
    found = match(request.method, request.url.path)
    if isinstance(found, int):
        message = "Resource not found" if found == 404 else "Invalid method"
        return json_response({"message": message}, found)
    matched, path_params = found
    try:
        params = Params.parse(request.query_params, body, path_params)
        return await matched.handler(node, params)
    except ApiError as error:
        return error_response(error)
    except Exception:
        # A simulator bug must surface as a JSON 500 (as Asterisk's own failures do),
        # and in the log, rather than as a dropped connection.
        logger.exception("simulator failed on %s %s", request.method, request.url.path)
        return json_response({"message": "Internal Server Error"}, 500)


async def handle_events(
    node: SimAsterisk, credentials: Credentials, log: RequestLog, websocket: WebSocket
) -> None:
    log.add("GET", websocket.url.path, websocket, b"")
    if not credentials.accepts(
        websocket.headers.get("authorization"), websocket.query_params.get("api_key")
    ):
        # Refused at the handshake with an HTTP 401, as Asterisk does.
        await websocket.send_denial_response(
            json_response({"message": "Authentication required"}, 401, UNAUTHORIZED_HEADERS)
        )
        return
    apps = [a for a in (websocket.query_params.get("app") or "").split(",") if a]
    if not apps:
        await websocket.send_denial_response(
            json_response({"message": "Missing parameter app"}, 400)
        )
        return
    subscribe_all = websocket.query_params.get("subscribeAll", "false").lower() == "true"
    await websocket.accept()
    connections = [node.bus.connect(app, subscribe_all) for app in apps]
    queue = connections[0].queue
    for extra in connections[1:]:
        extra.queue = queue
    receiver = asyncio.ensure_future(_drain_client(websocket))
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                break
            message = getter.result()
            if message is None:  # the node crashed: drop the socket
                break
            await websocket.send_text(message.decode())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        receiver.cancel()
        for connection in connections:
            node.bus.disconnect(connection)
        with contextlib.suppress(RuntimeError):
            await websocket.close(code=1011)


async def _drain_client(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
