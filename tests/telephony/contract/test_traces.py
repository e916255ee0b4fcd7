"""Replay every real-Asterisk trace against the simulator and compare what comes back.

Requests are sent in trace order. Before each one the replay waits until the simulator
has sent as many events as Asterisk had by then, and then for the trace's own gap since
its previous item, compressed by TRACE_SCALE (the simulator runs at the same scale); so
the order holds however loaded the machine is. Compared: status codes, reply shapes and error
messages, and per object (channel, playback, bridge) the sequence of events with their
types, states, causes and key sets. Ids, names' counters and timestamps are set aside,
and so is the interleaving between different objects and between REST replies and
events, which Asterisk does not fix either (trace README).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from telephony.simulator.nodes import NodeSpec, Simulator
from tests.telephony.conftest import PASSWORD, USER, EventRecorder, free_port
from tests.telephony.contract.swagger import ari_spec, traces

TRACE_SCALE = 0.4
GENERATED_ID = re.compile(r"^\d+\.\d+$")
COUNTER = re.compile(r"-[0-9a-f]{8}(;[12])")


class IdNormaliser:
    """Asterisk-generated ids become gen0, gen1, ... in order of first appearance."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        if not GENERATED_ID.match(value):
            return value
        return self.seen.setdefault(value, f"gen{len(self.seen)}")


def subject(event: dict[str, Any], norm: IdNormaliser) -> str:
    if "playback" in event:
        return f"playback:{event['playback']['id']}"
    if "recording" in event:
        return f"recording:{event['recording']['name']}"
    channel = event.get("channel") or event.get("peer")
    if channel is not None:
        return f"channel:{norm(channel['id'])}"
    if "bridge" in event:
        return f"bridge:{event['bridge']['id']}"
    return f"other:{event['type']}"


def signature(event: dict[str, Any]) -> dict[str, Any]:
    sig: dict[str, Any] = {"type": event["type"], "keys": sorted(event)}
    channel = event.get("channel") or event.get("peer")
    if channel is not None:
        sig.update(
            state=channel["state"],
            app=channel["dialplan"]["app_name"],
            channel_keys=sorted(channel),
        )
    for key in (
        "cause",
        "cause_txt",
        "soft",
        "dialstatus",
        "variable",
        "digit",
        "duration_ms",
        "args",
        "dialplan_app",
        "dialplan_app_data",
    ):
        if key in event:
            sig[key] = event[key]
    if "dialstring" in event:
        sig["dialstring"] = bool(event["dialstring"])
    if "value" in event:
        sig["value"] = COUNTER.sub(r"-N\1", event["value"])
    if "playback" in event:
        playback = event["playback"]
        sig["playback"] = (
            playback["state"],
            playback["media_uri"],
            playback.get("next_media_uri"),
            sorted(playback),
        )
    if "bridge" in event:
        sig["bridge"] = (len(event["bridge"]["channels"]), sorted(event["bridge"]))
    return sig


def per_subject(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    norm = IdNormaliser()
    grouped: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        grouped.setdefault(subject(event, norm), []).append(signature(event))
    return grouped


def shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


async def replay(
    trace: dict[str, Any], port: int
) -> tuple[list[tuple[Any, httpx.Response]], EventRecorder]:
    items = trace["items"]
    socket_request = next(i for i in items if i.get("websocket"))
    query = "&".join(f"{k}={v}" for k, v in socket_request["query"].items())
    recorder = EventRecorder(f"ws://127.0.0.1:{port}/ari/events?{query}&api_key={USER}:{PASSWORD}")
    await recorder.start()
    requests = [i for i in items if i["kind"] == "request" and not i.get("websocket")]
    responses = [i for i in items if i["kind"] == "response" and not i.get("websocket")]
    ids: dict[str, str] = {}
    exchanges: list[tuple[Any, httpx.Response]] = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        for request, expected in zip(requests, responses, strict=True):
            position = items.index(request)
            earlier_events = sum(1 for i in items[:position] if i["kind"] == "event")
            await recorder.wait_count(earlier_events)
            gap = request["t"] - items[position - 1]["t"]
            await asyncio.sleep(max(0.0, gap) * TRACE_SCALE)
            path = request["path"]
            query_string = request.get("query_string", "")
            for trace_id, sim_id in ids.items():
                path = path.replace(trace_id, sim_id)
                query_string = query_string.replace(trace_id, sim_id)
            headers = {}
            auth = request.get("auth", f"{USER}:{PASSWORD}")
            if auth != "none":
                headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
            content: bytes | None = None
            if "raw_body" in request:
                content = request["raw_body"].encode()
                headers["Content-Type"] = "application/json"
            elif "body" in request:
                content = json.dumps(request["body"]).encode()
                headers["Content-Type"] = "application/json"
            url = f"{path}?{query_string}" if query_string else path
            response = await http.request(request["method"], url, headers=headers, content=content)
            trace_body = expected.get("json")
            if isinstance(trace_body, dict) and GENERATED_ID.match(str(trace_body.get("id", ""))):
                ids[trace_body["id"]] = response.json()["id"]
            exchanges.append((expected, response))
    await recorder.wait_count(sum(1 for i in items if i["kind"] == "event"))
    await asyncio.sleep(0.3)  # anything extra the simulator might still send
    await recorder.stop()
    return exchanges, recorder


def _channel_state(body: Any) -> str | None:
    """A channel's state must match; a playback's 201 may say queued or playing (trace 05)."""
    if isinstance(body, dict) and "media_uri" not in body:
        state = body.get("state")
        return state if isinstance(state, str) else None
    return None


def compare_responses(exchanges: list[tuple[Any, httpx.Response]]) -> list[str]:
    problems = []
    for expected, response in exchanges:
        where = f"{expected['method']} {expected['path']}"
        if response.status_code != expected["status"]:
            problems.append(f"{where}: status {response.status_code} != {expected['status']}")
            continue
        body = response.json() if response.content else None
        trace_body = expected.get("json")
        if expected.get("content_type") is None and response.headers.get("content-type"):
            problems.append(f"{where}: unexpected content type")
        if expected.get("location") != response.headers.get("location"):
            problems.append(f"{where}: Location {response.headers.get('location')!r}")
        if expected.get("content_type") and not response.headers.get("content-type", "").startswith(
            expected["content_type"]
        ):
            problems.append(f"{where}: content type {response.headers.get('content-type')!r}")
        if expected["status"] >= 400:
            if body != trace_body:
                problems.append(f"{where}: error body {body!r} != {trace_body!r}")
        elif shape(body) != shape(trace_body):
            problems.append(f"{where}: body shape {shape(body)} != {shape(trace_body)}")
        elif _channel_state(trace_body) != _channel_state(body):
            problems.append(f"{where}: state {body!r} != {trace_body!r}")
    return problems


def compare_events(
    trace_events: list[dict[str, Any]], sim_events: list[dict[str, Any]]
) -> list[str]:
    expected, got = per_subject(trace_events), per_subject(sim_events)
    problems = []
    for key in sorted(set(expected) | set(got)):
        want, have = expected.get(key, []), got.get(key, [])
        if want == have:
            continue
        for index in range(max(len(want), len(have))):
            w = want[index] if index < len(want) else None
            h = have[index] if index < len(have) else None
            if w != h:
                problems.append(f"{key} event #{index}:\n  trace: {w}\n  sim:   {h}")
                break
    return problems


@pytest.mark.parametrize("trace_path", traces(), ids=lambda p: p.stem)
async def test_trace_replays_like_asterisk(trace_path: Path, tmp_path: Path) -> None:
    trace = json.loads(trace_path.read_text())
    port = free_port()
    simulator = Simulator(
        [NodeSpec("call-1", port)], recordings_dir=tmp_path, time_scale=TRACE_SCALE
    )
    await simulator.start()
    try:
        exchanges, recorder = await replay(trace, port)
    finally:
        await simulator.stop()
    trace_events = [i["json"] for i in trace["items"] if i["kind"] == "event"]
    problems = compare_responses(exchanges) + compare_events(trace_events, recorder.events)
    spec = ari_spec()
    for event in recorder.events:
        problems += spec.validate_event(event)
    assert not problems, "\n".join(problems)
