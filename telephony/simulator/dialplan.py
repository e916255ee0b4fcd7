"""The dialplan service contexts a channel reaches with `POST /channels/{id}/continue`.

They mirror `deploy/asterisk/extensions.conf` (the real nodes' dialplan): the channel
leaves Stasis (StasisEnd), runs the context's applications and comes back with
`Stasis(<app>,context_from=<context>[,amd_status=..,amd_cause=..])` (StasisStart):

* `svc-echo`: for `VB_ECHO_MS` ms the party hears its own audio back;
* `svc-stream_echo`: the same, and the party's DTMF is sent back to it too;
* `svc-amd`: `AMD()` on what the channel reads (a snoop spying both ways), then the
  result in AMDSTATUS / AMDCAUSE and in the Stasis args.

A real node runs the echo inside `Dial(Local/s@<context>-run/n,,L(ms))`; the Local pair it
creates carries no voipbin id and starts no call, so it is left out here.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telephony.simulator.amd import AmdDetector
from telephony.simulator.audio import Pcm

if TYPE_CHECKING:
    from telephony.simulator.core import SimAsterisk
    from telephony.simulator.model import Channel

ECHO_VARIABLE = "VB_ECHO_MS"
ECHO_DEFAULT_MS = 180_000
ECHO_CONTEXTS = ("svc-echo", "svc-stream_echo")
AMD_CONTEXT = "svc-amd"
SERVICE_CONTEXTS = (*ECHO_CONTEXTS, AMD_CONTEXT)


def echo_ms(channel: Channel) -> int:
    try:
        value = int(channel.variables.get(ECHO_VARIABLE, ""))
    except ValueError:
        return ECHO_DEFAULT_MS
    return value if value > 0 else ECHO_DEFAULT_MS


def _step(node: SimAsterisk, channel: Channel, app: str, data: str) -> None:
    channel.dialplan.priority += 1
    channel.dialplan.app_name, channel.dialplan.app_data = app, data
    node.bus.channel_event("ChannelDialplan", channel, dialplan_app=app, dialplan_app_data=data)


def _set(node: SimAsterisk, channel: Channel, variable: str, value: str) -> None:
    channel.variables[variable] = value
    node.bus.channel_event("ChannelVarset", channel, variable=variable, value=value)


async def run_service(node: SimAsterisk, channel: Channel, app: str, context: str) -> None:
    """Run `context` on `channel` (already out of Stasis), then send it back to `app`."""
    if context in ECHO_CONTEXTS:
        args = await _echo(node, channel, context)
    else:
        args = await _amd(node, channel)
    if channel.id not in node.channels or channel.hangup_requested:
        return  # hung up inside the dialplan: nothing comes back
    # Stasis() from the dialplan subscribes the app to the channel again.
    node.bus.app(app).channel_ids.add(channel.id)
    node.enter_stasis(channel, app, args, dialplan_event=True)


async def _echo(node: SimAsterisk, channel: Channel, context: str) -> list[str]:
    ms = echo_ms(channel)
    _step(node, channel, "Dial", f"Local/s@{context}-run/n,,L({ms})")
    node.sources.echoes.add(channel.id)
    if context == "svc-stream_echo":
        node.dtmf_echoes.add(channel.id)
    try:
        await node.sleep(ms / 1000)
    finally:
        node.sources.echoes.discard(channel.id)
        node.dtmf_echoes.discard(channel.id)
    if channel.id in node.channels:
        _set(node, channel, "DIALSTATUS", "ANSWER")
    return [f"context_from={context}"]


async def _amd(node: SimAsterisk, channel: Channel) -> list[str]:
    _step(node, channel, "AMD", "")
    detector = AmdDetector()
    decided = asyncio.Event()

    def tap(frame: Pcm) -> None:
        detector.feed(frame)
        if detector.status:
            decided.set()

    # Every 20 ms tick the clock hands the detector what the channel reads.
    node.sources.taps[channel.id] = tap
    try:
        # Decided within total_analysis_time of media; the bound covers a hangup (the
        # channel's tap is dropped with it) and a stalled clock.
        limit = (detector.p.total_analysis_time / 1000 + 1.0) * node.time_scale + 1.0
        async with asyncio.timeout(limit):
            await decided.wait()
    except TimeoutError:
        detector.status, detector.cause = "NOTSURE", f"TOOLONG-{detector.p.total_analysis_time}"
    finally:
        node.sources.taps.pop(channel.id, None)
    if channel.id not in node.channels:
        return []
    _set(node, channel, "AMDSTATUS", detector.status)
    _set(node, channel, "AMDCAUSE", detector.cause)
    return [
        f"context_from={AMD_CONTEXT}",
        f"amd_status={detector.status}",
        f"amd_cause={detector.cause}",
    ]
