"""ARI events → Temporal signals, end to end: simulator → bridge → CallWorkflow stand-in."""

from __future__ import annotations

import uuid

import orjson

from telephony.ari.client import AriClient
from telephony.simulator.nodes import DEV_PASS, DEV_USER
from tests.bridge.conftest import SimNodes, eventually, running_bridge
from voipbin.services import Services
from workflows.ids import call_workflow_id
from workflows.telephony_signals import AriEventSignal, call_id_for_channel


async def place_inbound(sim: SimNodes, script: list[dict[str, object]], node: int = 0) -> str:
    async with sim.control(node) as control:
        response = await control.post(
            "/sim/inbound",
            json={"from": "+15550001111", "to": "+15559990000", "script": script},
        )
    assert response.status_code == 201, response.text
    channel_id: str = response.json()["channel_id"]
    return channel_id


async def inject(sim: SimNodes, event: dict[str, object], node: int = 0) -> None:
    async with sim.control(node) as control:
        response = await control.post("/sim/events", content=orjson.dumps(event))
    assert response.status_code == 204


async def test_inbound_call_starts_its_workflow_and_gets_the_events_in_order(
    services: Services, sim: SimNodes, platform_customer_id: uuid.UUID
) -> None:
    async with running_bridge(services, sim, platform_customer_id) as running:
        # given an inbound caller who, once answered, presses 1 then 2 and hangs up
        channel_id = await place_inbound(
            sim, [{"wait": 0.5}, {"dtmf": "12"}, {"wait": 0.5}, {"hangup": True}]
        )
        workflow_id = call_workflow_id(call_id_for_channel(channel_id, sim.names[0]))
        handle = running.client.get_workflow_handle(workflow_id, result_type=list[AriEventSignal])

        # when the bridge started the call's workflow from StasisStart, and we answer
        async def started() -> bool:
            return running.telephony.bridge.stats.started == 1

        await eventually(started)
        async with AriClient(sim.url(0), DEV_USER, DEV_PASS) as ari:
            await ari.answer(channel_id)
        heard = await handle.result()

    # then it heard this call's events, in the order the node sent them
    types = [s.event_type for s in heard]
    assert types[0] == "StasisStart"
    assert types[-1] == "ChannelDestroyed", [(s.event_type, s.state, s.timestamp) for s in heard]
    assert [s.digit for s in heard if s.event_type == "ChannelDtmfReceived"] == ["1", "2"]
    assert types.index("ChannelStateChange") < types.index("ChannelDtmfReceived")
    start = heard[0]
    assert (start.channel_id, start.node) == (channel_id, sim.names[0])
    assert (start.caller_number, start.exten) == ("+15550001111", "+15559990000")
    assert start.args and start.args[0] == "context_type=call"
    assert all(s.channel_id == channel_id for s in heard)
    assert len({s.event_key for s in heard}) == len(heard)
    assert running.telephony.bridge.stats.started == 1


async def test_a_replayed_event_is_dropped(
    services: Services, sim: SimNodes, platform_customer_id: uuid.UUID
) -> None:
    async with running_bridge(services, sim, platform_customer_id) as running:
        # given a live inbound call whose workflow runs
        channel_id = await place_inbound(sim, [])
        handle = running.client.get_workflow_handle(
            call_workflow_id(call_id_for_channel(channel_id, sim.names[0])),
            result_type=list[AriEventSignal],
        )

        async def started() -> bool:
            return running.telephony.bridge.stats.started == 1

        await eventually(started)
        dtmf = {
            "type": "ChannelDtmfReceived",
            "timestamp": "2026-11-25T01:00:00.000+0000",
            "application": "voipbin",
            "asterisk_id": "02:00:00:a5:7e:01",
            "digit": "7",
            "duration_ms": 100,
            "channel": {
                "id": channel_id,
                "name": "PJSIP/15550001111-00000001",
                "state": "Ring",
                "protocol_id": "",
                "caller": {"name": "", "number": "+15550001111"},
                "connected": {"name": "", "number": ""},
                "accountcode": "",
                "dialplan": {
                    "context": "call-in",
                    "exten": "+15559990000",
                    "priority": 1,
                    "app_name": "Stasis",
                    "app_data": "voipbin",
                },
                "creationtime": "2026-11-25T01:00:00.000+0000",
                "language": "en",
            },
        }
        # when the same event arrives twice (a replay), then a different one
        await inject(sim, dtmf)
        await inject(sim, dtmf)
        await inject(sim, {**dtmf, "digit": "8", "timestamp": "2026-11-25T01:00:00.100+0000"})

        # (the hangup's events come after these through the same socket and lane)
        async with AriClient(sim.url(0), DEV_USER, DEV_PASS) as ari:
            await ari.hangup(channel_id)
        heard = await handle.result()

    # then the workflow heard the replayed one once
    assert [s.digit for s in heard if s.event_type == "ChannelDtmfReceived"] == ["7", "8"]
    assert running.telephony.bridge.stats.duplicates == 1


async def test_an_event_for_a_finished_or_unknown_call_is_dropped_and_the_bridge_goes_on(
    services: Services, sim: SimNodes, platform_customer_id: uuid.UUID
) -> None:
    async with running_bridge(services, sim, platform_customer_id) as running:
        stray = str(uuid.uuid4())
        # given an event for a call that has no workflow
        await inject(
            sim,
            {
                "type": "ChannelStateChange",
                "timestamp": "2026-11-25T01:00:00.000+0000",
                "application": "voipbin",
                "channel": {"id": stray, "name": "PJSIP/x-1", "state": "Ringing"},
            },
        )
        stats = running.telephony.bridge.stats

        async def dropped() -> bool:
            return stats.no_workflow >= 1

        await eventually(dropped)
        # then the next inbound call still gets through
        channel_id = await place_inbound(sim, [])
        handle = running.client.get_workflow_handle(
            call_workflow_id(call_id_for_channel(channel_id, sim.names[0])),
            result_type=list[AriEventSignal],
        )

        async def started() -> bool:
            return stats.started >= 1

        await eventually(started)
        async with AriClient(sim.url(0), DEV_USER, DEV_PASS) as ari:
            await ari.hangup(channel_id)
        heard = await handle.result()
    assert heard[0].event_type == "StasisStart"
    assert stats.failed == 0
