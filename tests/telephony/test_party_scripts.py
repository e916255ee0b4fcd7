"""Each `/sim` script step, observed through the events an app would see."""

from __future__ import annotations

from typing import Any

import pytest

from tests.telephony.conftest import Harness


async def script_party(h: Harness, address: str, script: list[dict[str, Any]]) -> None:
    response = await h.sim.put(
        f"/sim/parties/{address.replace('+', '%2B')}", json={"script": script}
    )
    assert response.status_code == 204


async def dial(h: Harness, channel_id: str, address: str, timeout: int | None = None) -> None:
    await h.client.create_channel(f"PJSIP/{address}@provider", app="voipbin", channel_id=channel_id)
    await h.events.wait_type("StasisStart", channel_id)
    await h.client.dial(channel_id, dial_timeout=timeout)


def statuses(h: Harness, channel_id: str) -> list[str]:
    return [e["dialstatus"] for e in h.events.of("Dial", channel_id)]


async def test_ring_then_answer(harness: Harness) -> None:
    await script_party(harness, "+15550000001", [{"ring": 1}, {"answer": True}])
    await dial(harness, "c-ring", "+15550000001")
    ringing = await harness.events.wait_type("ChannelStateChange", "c-ring")
    assert ringing["channel"]["state"] == "Ringing"
    await harness.events.wait_type("Dial", "c-ring", dialstatus="ANSWER")
    assert statuses(harness, "c-ring") == ["", "RINGING", "ANSWER"]


async def test_unscripted_party_answers_after_a_delay_and_stays(harness: Harness) -> None:
    await dial(harness, "c-default", "+15550000099")
    await harness.events.wait_type("Dial", "c-default", dialstatus="ANSWER")
    await harness.sleep(2)
    assert (await harness.client.get_channel("c-default")).state == "Up"


async def test_busy_keeps_a_dialled_channel_in_stasis(harness: Harness) -> None:
    await script_party(harness, "+15550000002", [{"ring": 0.5}, {"busy": True}])
    await dial(harness, "c-busy", "+15550000002")
    await harness.events.wait_type("Dial", "c-busy", dialstatus="BUSY")
    assert (await harness.client.get_channel("c-busy")).state == "Ringing"
    await harness.client.hangup("c-busy")
    await harness.events.wait_type("ChannelDestroyed", "c-busy", cause=16)


async def test_busy_fails_an_originate(harness: Harness) -> None:
    await script_party(harness, "+15550000003", [{"busy": True}])
    await harness.client.originate(
        "PJSIP/+15550000003@provider", app="voipbin", channel_id="o-busy"
    )
    destroyed = await harness.events.wait_type("ChannelDestroyed", "o-busy")
    assert (destroyed["cause"], destroyed["cause_txt"]) == (17, "User busy")
    assert statuses(harness, "o-busy") == ["", "BUSY"]
    assert harness.events.of("StasisStart", "o-busy") == []


async def test_congestion_fails_an_originate_with_cause_0(harness: Harness) -> None:
    await script_party(harness, "+15550000004", [{"congestion": True}])
    await harness.client.originate(
        "PJSIP/+15550000004@provider", app="voipbin", channel_id="o-cong"
    )
    destroyed = await harness.events.wait_type("ChannelDestroyed", "o-cong")
    assert (destroyed["cause"], destroyed["cause_txt"]) == (0, "Unknown")
    assert statuses(harness, "o-cong") == ["", "CONGESTION"]


async def test_noanswer_rings_until_the_dial_timeout(harness: Harness) -> None:
    await script_party(harness, "+15550000005", [{"noanswer": True}])
    await dial(harness, "c-noans", "+15550000005", timeout=3)
    await harness.events.wait_type("Dial", "c-noans", dialstatus="RINGING")
    hangup = await harness.events.wait_type("ChannelHangupRequest", "c-noans")
    assert (hangup["cause"], hangup["soft"]) == (32, True)
    destroyed = await harness.events.wait_type("ChannelDestroyed", "c-noans")
    assert (destroyed["cause"], destroyed["cause_txt"]) == (19, "User alerting, no answer")
    assert statuses(harness, "c-noans") == ["", "RINGING"]


async def test_wait_then_dtmf_then_hangup_with_cause(harness: Harness) -> None:
    await script_party(
        harness,
        "sip:bob@example.com",
        [{"answer": True}, {"wait": 1}, {"dtmf": "12#"}, {"hangup": {"cause": 17}}],
    )
    await harness.client.originate(
        "PJSIP/bob/sip:bob@example.com", app="voipbin", channel_id="o-dtmf"
    )
    await harness.events.wait_type("StasisStart", "o-dtmf")
    destroyed = await harness.events.wait_type("ChannelDestroyed", "o-dtmf")
    digits = [e["digit"] for e in harness.events.of("ChannelDtmfReceived", "o-dtmf")]
    assert digits == ["1", "2", "#"]
    assert destroyed["cause"] == 17
    hangup = harness.events.of("ChannelHangupRequest", "o-dtmf")[0]
    assert hangup["cause"] == 17 and "soft" not in hangup
    order = [
        e["type"] for e in harness.events.events if (e.get("channel") or {}).get("id") == "o-dtmf"
    ]
    assert order[-4:] == ["ChannelHangupRequest", "StasisEnd", "ChannelVarset", "ChannelDestroyed"]


async def test_plain_hangup_step_uses_normal_clearing(harness: Harness) -> None:
    await script_party(harness, "+15550000006", [{"answer": True}, {"hangup": True}])
    await harness.client.originate("PJSIP/+15550000006@provider", app="voipbin", channel_id="o-bye")
    destroyed = await harness.events.wait_type("ChannelDestroyed", "o-bye")
    assert (destroyed["cause"], destroyed["cause_txt"]) == (16, "Normal Clearing")


async def test_inbound_caller_runs_its_script_after_we_answer(harness: Harness) -> None:
    response = await harness.sim.post(
        "/sim/inbound",
        json={
            "from": "+15551112222",
            "to": "+15553334444",
            "script": [{"dtmf": "7"}, {"hangup": True}],
        },
    )
    assert response.status_code == 201
    channel_id = response.json()["channel_id"]
    start = await harness.events.wait_type("StasisStart", channel_id)
    assert start["channel"]["state"] == "Ring"
    assert start["channel"]["caller"]["number"] == "+15551112222"
    assert start["channel"]["dialplan"]["exten"] == "+15553334444"
    assert "context=call-in" in start["args"]
    await harness.sleep(1)
    assert harness.events.of("ChannelDtmfReceived", channel_id) == []  # not answered yet
    await harness.client.answer(channel_id)
    await harness.events.wait_type("ChannelDtmfReceived", channel_id, digit="7")
    await harness.events.wait_type("StasisEnd", channel_id)
    await harness.sleep(1)
    # A dialplan channel's last event is StasisEnd: no ChannelDestroyed (README).
    last = [
        e["type"] for e in harness.events.events if (e.get("channel") or {}).get("id") == channel_id
    ]
    assert last[-1] == "StasisEnd"


@pytest.mark.parametrize(
    "script",
    [[{"dance": True}], "answer", [{"answer": True, "ring": 1}]],
)
async def test_bad_scripts_are_refused(harness: Harness, script: object) -> None:
    response = await harness.sim.put("/sim/parties/%2B15550000007", json={"script": script})
    assert response.status_code == 400


async def test_sim_lists_calls_and_requests(harness: Harness) -> None:
    await harness.client.originate("Local/answer@far", app="voipbin", channel_id="listed")
    await harness.events.wait_type("StasisStart", "listed")
    calls = (await harness.sim.get("/sim/calls")).json()
    assert {c["id"] for c in calls} == {"listed", "listed;2"}
    requests = (await harness.sim.get("/sim/requests")).json()
    originate = [r for r in requests if r["method"] == "POST" and r["path"] == "/ari/channels"]
    assert originate[0]["query"]["channelId"] == "listed"
    nodes = (await harness.sim.get("/sim/nodes")).json()
    assert [(n["name"], n["role"], n["up"]) for n in nodes] == [
        ("call-1", "call", True),
        ("call-2", "call", True),
    ]


async def test_cancelling_a_ringing_originate(harness: Harness) -> None:
    await harness.client.originate("Local/noanswer@far", app="voipbin", channel_id="o-cancel")
    await harness.events.wait_type("Dial", "o-cancel", dialstatus="RINGING")
    await harness.client.hangup("o-cancel")
    destroyed = await harness.events.wait_type("ChannelDestroyed", "o-cancel")
    assert destroyed["cause"] == 16
    assert statuses(harness, "o-cancel") == ["", "RINGING", "NOANSWER"]
    assert harness.events.of("StasisStart", "o-cancel") == []
