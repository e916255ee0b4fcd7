"""Bad requests answered exactly like Asterisk (statuses and messages from trace 08)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import websockets

from telephony.ari import AriBadRequest, AriConflict, AriNotFound, AriUnauthorized
from telephony.ari.client import AriClient
from tests.telephony.conftest import PASSWORD, USER, Harness

CASES: list[tuple[str, str, dict[str, Any], int, dict[str, str]]] = [
    ("GET", "/channels/nope", {}, 404, {"message": "Channel not found"}),
    ("POST", "/channels/nope/answer", {}, 404, {"message": "Channel not found"}),
    (
        "GET",
        "/channels/nope/variable",
        {"variable": "X"},
        404,
        {"message": "Provided channel was not found"},
    ),
    ("GET", "/bridges/nope", {}, 404, {"message": "Bridge not found"}),
    ("GET", "/playbacks/nope", {}, 404, {"message": "Playback not found"}),
    ("GET", "/recordings/stored/nope", {}, 404, {"message": "Recording not found"}),
    ("GET", "/recordings/live/nope", {}, 404, {"message": "Recording not found"}),
    ("GET", "/applications/nope", {}, 404, {"message": "Application not found"}),
    ("GET", "/nosuchresource", {}, 404, {"message": "Resource not found"}),
    ("PUT", "/channels/x", {}, 405, {"message": "Invalid method"}),
    ("POST", "/channels", {"app": "voipbin"}, 400, {"message": "Endpoint must be specified"}),
    (
        "POST",
        "/channels",
        {"endpoint": "Local/answer@far"},
        400,
        {"message": "Application or extension must be specified"},
    ),
    (
        "POST",
        "/channels",
        {"endpoint": "notatech", "app": "voipbin"},
        400,
        {"message": "Invalid endpoint specified"},
    ),
    (
        "POST",
        "/channels",
        {"endpoint": "NoSuchTech/foo", "app": "voipbin"},
        500,
        {"error": "Allocation failed"},
    ),
    (
        "POST",
        "/bridges",
        {"type": "nosuchtype"},
        500,
        {"message": "Unable to create bridge. Possible duplicate bridge id '(null)'"},
    ),
    ("POST", "/bridges/nope/addChannel", {"channel": "x"}, 404, {"message": "Bridge not found"}),
]


@pytest.mark.parametrize(("method", "path", "params", "status", "body"), CASES)
async def test_error_reply(
    harness: Harness,
    method: str,
    path: str,
    params: dict[str, Any],
    status: int,
    body: dict[str, str],
) -> None:
    response = await harness.raw.request(method, path, params=params)
    assert (response.status_code, response.json()) == (status, body)


async def test_errors_on_a_live_channel(harness: Harness) -> None:
    await harness.client.originate("Local/answer@far", app="voipbin", channel_id="live")
    await harness.events.wait_type("StasisStart", "live")
    raw = harness.raw
    expectations = [
        (
            raw.post("/channels/live/record", params={"name": "r"}),
            422,
            "specified format is unknown on this system",
        ),
        (raw.post("/channels/live/dtmf"), 400, "DTMF is required"),
        (raw.get("/channels/live/variable"), 400, "Variable name is required"),
        (
            raw.delete("/channels/live", params={"reason": "nope"}),
            400,
            "Invalid reason for hangup reason provided",
        ),
        (
            raw.delete("/channels/live", params={"reason": "busy", "reason_code": "17"}),
            400,
            "The reason and reason_code can't both be specified",
        ),
        (raw.post("/channels/live/play"), 500, "Failed to queue media for playback"),
        (
            raw.post(
                "/channels/live/variable",
                content=b"{not json",
                headers={"Content-Type": "application/json"},
            ),
            400,
            "Error parsing request body",
        ),
        (
            raw.post(
                "/channels",
                params={"endpoint": "Local/answer@far", "app": "voipbin", "channelId": "live"},
            ),
            409,
            "Channel with given unique ID already exists",
        ),
        (raw.post("/channels/live;2/answer"), 409, "Channel not in Stasis application"),
    ]
    for request, status, message in expectations:
        response = await request
        assert (response.status_code, response.json()) == (status, {"message": message})
    await raw.post("/bridges", params={"bridgeId": "dup"})
    for attempt in (raw.post("/bridges", params={"bridgeId": "dup"}), raw.post("/bridges/dup")):
        response = await attempt
        assert (response.status_code, response.json()) == (
            409,
            {"message": "Bridge with id 'dup' already exists"},
        )
    assert (await raw.post("/bridges/dup/addChannel")).json() == {
        "message": "Missing parameter channel"
    }
    response = await raw.post("/bridges/dup/addChannel", params={"channel": "ghost"})
    assert (response.status_code, response.json()) == (400, {"message": "Channel not found"})
    response = await raw.post("/bridges/dup/removeChannel", params={"channel": "live"})
    assert (response.status_code, response.json()) == (
        422,
        {"message": "Channel not in this bridge"},
    )
    # Bad numbers pass silently, like Asterisk.
    assert (
        await raw.post("/channels/live/dtmf", params={"dtmf": "1", "duration": "x"})
    ).status_code == 204


async def test_client_maps_statuses_to_exceptions(harness: Harness) -> None:
    with pytest.raises(AriNotFound):
        await harness.client.hangup("ghost")
    with pytest.raises(AriBadRequest) as bad:
        await harness.client.hangup("ghost", reason="busy", reason_code=17)
    assert bad.value.status == 400
    await harness.client.create_bridge(bridge_id="twice")
    with pytest.raises(AriConflict) as conflict:
        await harness.client.create_bridge(bridge_id="twice")
    assert conflict.value.message == "Bridge with id 'twice' already exists"


async def test_authentication_is_required(harness: Harness) -> None:
    async with httpx.AsyncClient(base_url=f"{harness.url()}/ari") as anonymous:
        response = await anonymous.get("/channels")
    assert response.status_code == 401
    assert response.json() == {"message": "Authentication required"}
    assert response.headers["www-authenticate"] == 'Basic realm="Asterisk REST Interface"'
    async with AriClient(harness.url(), "voipbin", "wrong") as client:
        with pytest.raises(AriUnauthorized):
            await client.list_channels()


async def test_event_socket_refuses_bad_credentials_at_the_handshake(harness: Harness) -> None:
    url = harness.events_url().replace(f"api_key={USER}:{PASSWORD}", "api_key=voipbin:wrong")
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url)
    assert refused.value.response.status_code == 401
