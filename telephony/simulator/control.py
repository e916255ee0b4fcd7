"""`/sim` control routes (DESIGN §8): script parties, place inbound calls, crash nodes,
and read the request log, like wazo's mock ARI `/_requests`."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telephony.simulator.app import json_response, no_content
from telephony.simulator.parties import ScriptError, spoken_texts, validate_script

if TYPE_CHECKING:
    from telephony.simulator.nodes import Simulator, SimulatorNode


def _bad(message: str, status: int = 400) -> Response:
    return json_response({"message": message}, status)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    decoded = orjson.loads(raw) if raw.strip() else {}
    if not isinstance(decoded, dict):
        raise ValueError("body must be a JSON object")
    return decoded


def control_routes(simulator: Simulator, node: SimulatorNode) -> list[Route]:
    async def inbound(request: Request) -> Response:
        try:
            body = await _json_body(request)
            script = validate_script(body.get("script", []))
        except (ValueError, ScriptError) as exc:
            return _bad(str(exc))
        source, destination = body.get("from"), body.get("to")
        if not isinstance(source, str) or not isinstance(destination, str):
            return _bad("from and to are required")
        target = simulator.nodes.get(str(body.get("node", node.spec.name)))
        if target is None or target.core is None:
            return _bad("node is not running", 409)
        await simulator.library.prefetch(spoken_texts(script))
        args = body.get("args")
        if args is None:
            args = ["context_type=call", "context=call-in", "direction=incoming"]
        channel = target.core.inbound(source, destination, script, [str(a) for a in args])
        return json_response({"channel_id": channel.id, "node": target.spec.name}, 201)

    async def put_party(request: Request) -> Response:
        address = urllib.parse.unquote(request.path_params["address"])
        try:
            script = validate_script((await _json_body(request)).get("script"))
        except (ValueError, ScriptError) as exc:
            return _bad(str(exc))
        await simulator.library.prefetch(spoken_texts(script))
        simulator.parties.scripts[address] = script
        return no_content()

    async def delete_party(request: Request) -> Response:
        simulator.parties.scripts.pop(urllib.parse.unquote(request.path_params["address"]), None)
        return no_content()

    async def list_parties(request: Request) -> Response:
        return json_response(simulator.parties.scripts)

    async def calls(request: Request) -> Response:
        return json_response(simulator.live_calls())

    async def nodes(request: Request) -> Response:
        return json_response(simulator.describe_nodes())

    async def crash(request: Request) -> Response:
        if not simulator.crash(request.path_params["name"]):
            return _bad("Node not found", 404)
        return no_content()

    async def restart(request: Request) -> Response:
        if not await simulator.restart(request.path_params["name"]):
            return _bad("Node not found", 404)
        return no_content()

    async def requests(request: Request) -> Response:
        return json_response(list(node.log.entries))

    async def clear_requests(request: Request) -> Response:
        node.log.entries.clear()
        return no_content()

    async def inject_event(request: Request) -> Response:
        """Send a raw event to every socket of this node (wazo's `/_send_ws_event`)."""
        if node.core is None:
            return _bad("node is not running", 409)
        raw = await request.body()
        for connection in node.core.bus.connections:
            connection.queue.put_nowait(raw)
        return no_content()

    return [
        Route("/sim/inbound", inbound, methods=["POST"]),
        Route("/sim/parties", list_parties, methods=["GET"]),
        Route("/sim/parties/{address:path}", put_party, methods=["PUT"]),
        Route("/sim/parties/{address:path}", delete_party, methods=["DELETE"]),
        Route("/sim/calls", calls, methods=["GET"]),
        Route("/sim/nodes", nodes, methods=["GET"]),
        Route("/sim/nodes/{name}/crash", crash, methods=["POST"]),
        Route("/sim/nodes/{name}/restart", restart, methods=["POST"]),
        Route("/sim/requests", requests, methods=["GET"]),
        Route("/sim/requests", clear_requests, methods=["DELETE"]),
        Route("/sim/events", inject_event, methods=["POST"]),
    ]
