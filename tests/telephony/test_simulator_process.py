"""`python -m telephony.simulator`: several nodes with farm roles, /sim on every port,
inbound calls placed on a chosen node, and a node crashed through its own port."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.telephony.conftest import PASSWORD, USER, Harness, free_port

ROOT = Path(__file__).resolve().parents[2]


async def wait_up(url: str) -> None:
    async with httpx.AsyncClient(auth=(USER, PASSWORD)) as http:
        for _ in range(300):
            try:
                if (await http.get(f"{url}/ari/asterisk/ping")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.02)
    raise AssertionError(f"{url} never came up")


async def test_module_entry_point_serves_every_node(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "telephony.simulator",
            "--nodes",
            f"call-1:{ports[0]},conference-1:{ports[1]}",
            "--recordings-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
    )
    try:
        for port in ports:
            await wait_up(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[1]}") as sim:
            nodes = (await sim.get("/sim/nodes")).json()
            assert [(n["name"], n["role"], n["port"]) for n in nodes] == [
                ("call-1", "call", ports[0]),
                ("conference-1", "conference", ports[1]),
            ]
            placed = await sim.post(
                "/sim/inbound", json={"from": "+1555", "to": "+1666", "node": "call-1"}
            )
            assert placed.json()["node"] == "call-1"
            calls = (await sim.get("/sim/calls")).json()
            assert [c["node"] for c in calls] == ["call-1"]
    finally:
        process.terminate()
        process.wait(10)


async def test_crash_through_the_nodes_own_port(harness: Harness) -> None:
    response = await harness.sim.post("/sim/nodes/call-1/crash")
    assert response.status_code == 204
    await asyncio.wait_for(harness.events.closed.wait(), 2)
    with pytest.raises(httpx.ConnectError):
        await harness.sim.get("/sim/nodes")
    async with httpx.AsyncClient(base_url=harness.url(1)) as other:
        assert (await other.post("/sim/nodes/call-1/restart")).status_code == 204
        nodes = (await other.get("/sim/nodes")).json()
    assert [n["up"] for n in nodes] == [True, True]
    assert (await harness.client.list_channels()) == []
    assert (await harness.sim.post("/sim/nodes/nope/crash")).status_code == 404


async def test_dtmf_sent_to_a_pstn_party_is_logged(harness: Harness) -> None:
    await harness.client.originate("PJSIP/+15557777777@provider", app="voipbin", channel_id="d-1")
    await harness.events.wait_type("StasisStart", "d-1")
    await harness.client.send_dtmf("d-1", "9*", duration=80, between=40)
    for _ in range(100):
        calls = (await harness.sim.get("/sim/calls")).json()
        if calls and calls[0]["received_dtmf"] == "9*":
            break
        await harness.sleep(0.2)
    assert [c["received_dtmf"] for c in calls if c["id"] == "d-1"] == ["9*"]


async def test_recording_stops_on_the_terminating_digit(harness: Harness) -> None:
    await harness.sim.put(
        "/sim/parties/%2B15558888888",
        json={"script": [{"answer": True}, {"wait": 2}, {"dtmf": "#"}]},
    )
    await harness.client.originate("PJSIP/+15558888888@provider", app="voipbin", channel_id="t-1")
    await harness.events.wait_type("StasisStart", "t-1")
    await harness.client.record("t-1", "until-hash", terminate_on="#")
    finished = await harness.events.wait_type("RecordingFinished")
    assert finished["recording"]["state"] == "done"
    assert (await harness.client.get_channel("t-1")).state == "Up"
