"""Pure parts of the client: event parsing, backoff, node placement."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from telephony.ari.connection import Backoff
from telephony.ari.events import (
    ChannelDestroyed,
    ChannelHangupRequest,
    Dial,
    PlaybackFinished,
    StasisStart,
    UnknownEvent,
    parse_event,
)
from telephony.ari.nodes import AriNode, NodeRegistry
from tests.telephony.contract.swagger import traces


def test_every_trace_event_parses_and_keeps_its_node() -> None:
    for path in traces():
        for item in json.loads(path.read_text())["items"]:
            if item["kind"] == "event":
                event = parse_event(item["json"], "call-1")
                assert event.node == "call-1"
                assert event.type == item["json"]["type"]


def test_typed_fields() -> None:
    start = parse_event(
        {
            "type": "StasisStart",
            "timestamp": "2026-11-24T22:50:10.183+0000",
            "args": ["outbound"],
            "channel": {"id": "c1", "name": "PJSIP/x-00000001", "state": "Up"},
            "asterisk_id": "02:00:00:a5:7e:01",
            "application": "voipbin",
        }
    )
    assert isinstance(start, StasisStart)
    assert (start.channel.id, start.args) == ("c1", ["outbound"])
    assert start.at == datetime(2026, 11, 24, 22, 50, 10, 183000, tzinfo=UTC)
    soft = parse_event(
        {
            "type": "ChannelHangupRequest",
            "cause": 32,
            "soft": True,
            "channel": {"id": "c1", "name": "n", "state": "Up"},
        }
    )
    assert isinstance(soft, ChannelHangupRequest) and soft.soft is True
    dial = parse_event(
        {"type": "Dial", "dialstatus": "BUSY", "peer": {"id": "c1", "name": "n", "state": "Down"}}
    )
    assert isinstance(dial, Dial) and dial.caller is None
    gone = parse_event(
        {
            "type": "ChannelDestroyed",
            "cause": 17,
            "cause_txt": "User busy",
            "channel": {"id": "c1", "name": "n", "state": "Down"},
        }
    )
    assert isinstance(gone, ChannelDestroyed) and gone.cause == 17
    finished = parse_event(
        {
            "type": "PlaybackFinished",
            "playback": {
                "id": "p",
                "media_uri": "sound:beep",
                "target_uri": "channel:c1",
                "state": "done",
            },
        }
    )
    assert isinstance(finished, PlaybackFinished) and finished.playback.next_media_uri is None


def test_unknown_types_fall_back() -> None:
    event = parse_event({"type": "ChannelTalkingStarted", "channel": {"id": "c"}}, "n2")
    assert isinstance(event, UnknownEvent)
    assert event.raw["channel"] == {"id": "c"}


def test_a_known_type_with_a_broken_body_is_an_error() -> None:
    with pytest.raises(ValueError, match="channel"):
        parse_event({"type": "StasisStart"})


def test_backoff_grows_and_caps() -> None:
    backoff = Backoff(initial=0.1, maximum=1.0, jitter=0.0)
    assert [backoff.delay(n) for n in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


async def test_registry_places_channels_and_balances_farms() -> None:
    registry = NodeRegistry(
        [
            AriNode("call-1", "http://127.0.0.1:18088", "u", "p"),
            AriNode("call-2", "http://127.0.0.1:18089", "u", "p"),
            AriNode("conf-1", "https://conf.example:8089", "u", "p", farm="conference"),
        ]
    )
    assert [registry.pick("call").name for _ in range(3)] == ["call-1", "call-2", "call-1"]
    assert registry.pick("conference").events_url == "wss://conf.example:8089/ari/events"
    with pytest.raises(LookupError):
        registry.pick("registrar")
    registry.place("c1", "call-2")
    assert registry.node_of("c1") == registry.get("call-2")
    assert registry.client_for_channel("c1") is registry.client("call-2")
    assert registry.channels_on("call-2") == ["c1"]
    registry.forget("c1")
    assert registry.node_of("c1") is None
    await registry.aclose()
