"""One simulated Asterisk node: channels, calls and their event sequences.

The orders of events below follow shared/ari-traces (see its README, "Facts a simulator
must get right"); the comments name the trace a sequence comes from. Bridges live in
`bridging.py`, playbacks and recordings in `playing.py`; each works on this core's state.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from telephony.simulator import rtp
from telephony.simulator.audio import LoopingSource, MediaLibrary, tone_cycle
from telephony.simulator.bridging import Bridging
from telephony.simulator.bus import EventBus
from telephony.simulator.calls import CallParty
from telephony.simulator.dialplan import SERVICE_CONTEXTS, run_service
from telephony.simulator.endpoints import Endpoint, parse_caller_id, parse_endpoint
from telephony.simulator.errors import ApiError, not_found, not_in_stasis
from telephony.simulator.media import MediaClock, MixSources, PlaybackStream, RecordingStream
from telephony.simulator.model import (
    HANGUP_REASONS,
    CallerId,
    Channel,
    Dialplan,
    IdSource,
    JsonDict,
    ari_timestamp,
    cause_text,
)
from telephony.simulator.parties import FAR_ENDS, Script, run_script, unscripted
from telephony.simulator.playing import Playing

CallMode = Literal["originate", "dial", "inbound"]
DIAL_STATUS_BY_CAUSE = {17: "BUSY", 34: "CONGESTION", 0: "CONGESTION"}


@dataclass(eq=False)
class Call:
    """A leg towards a remote party: our channel, its Local `;2` half, and the script."""

    ours: Channel
    far: Channel | None
    mode: CallMode
    script: Script
    dialstring: str
    app: str
    timeout: float = 0.0
    answered: bool = False
    dial_events: int = 0
    ended: bool = False
    task: asyncio.Task[None] | None = None
    received_dtmf: str = ""
    speech_done: asyncio.Event | None = None  # made only when the party speaks
    timeout_handle: asyncio.TimerHandle | None = None


class PartyBook:
    """Scripts for remote addresses, shared by every node of one simulator."""

    def __init__(self, unscripted_answer_delay: float) -> None:
        self.unscripted_answer_delay = unscripted_answer_delay
        self.scripts: dict[str, Script] = {}

    def script_for(self, technology: str, address: str, context: str) -> Script:
        if technology == "Local" and context == "far" and address in FAR_ENDS:
            return FAR_ENDS[address]
        if address in self.scripts:
            return self.scripts[address]
        return unscripted(self.unscripted_answer_delay)


class SimAsterisk:
    """The state and behaviour of one node; `app.py` exposes it over ARI."""

    def __init__(
        self,
        name: str,
        asterisk_id: str,
        parties: PartyBook,
        library: MediaLibrary,
        recordings_dir: Path,
        time_scale: float = 1.0,
    ) -> None:
        self.name = name
        self.asterisk_id = asterisk_id
        self.parties = parties
        self.library = library
        self.recordings_dir = recordings_dir
        self.time_scale = time_scale
        self.ids = IdSource()
        self.bus = EventBus(asterisk_id)
        self.channels: dict[str, Channel] = {}
        self.calls: dict[str, Call] = {}  # by our channel id and by far half id
        self.rtp: dict[str, rtp.RtpEndpoint] = {}  # externalMedia channels' UDP ends
        self.dtmf_echoes: set[str] = set()  # channels in svc-stream_echo: DTMF goes back too
        self.sources = MixSources()
        self.clock = MediaClock(
            self.sources,
            0.02 * time_scale,
            self._playback_item_done,
            self._recording_full,
            self._party_audio_done,
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        self.started_at = ""
        self.playing = Playing(self)
        self.bridging = Bridging(self)

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        self.started_at = ari_timestamp()
        self.spawn(self.clock.run())

    def stop(self) -> None:
        """Crash semantics: every task dies, nothing more is emitted, state is dropped."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
        for endpoint in self.rtp.values():
            endpoint.close()
        self.bus.drop_all()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) * self.time_scale)

    # -- lookups ----------------------------------------------------------------------------

    def channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise not_found("Channel")
        return channel

    def stasis_channel(self, channel_id: str) -> Channel:
        channel = self.channel(channel_id)
        if channel.stasis_app is None:
            raise not_in_stasis()
        return channel

    def _check_new_id(self, channel_id: str | None) -> None:
        if channel_id and channel_id in self.channels:
            raise ApiError(409, "Channel with given unique ID already exists")

    # -- creating channels -----------------------------------------------------------------

    def _new_pair(
        self, endpoint: Endpoint, channel_id: str | None, other_id: str | None
    ) -> tuple[Channel, Channel | None]:
        self._check_new_id(channel_id)
        self._check_new_id(other_id)
        ours_id = channel_id or self.ids.unique_id()
        suffix = self.ids.local_suffix()
        dialplan = Dialplan(endpoint.context, endpoint.exten)
        if endpoint.technology != "Local":
            ours = Channel(ours_id, f"{endpoint.name_base}-{suffix}", "Down", dialplan)
            ours.address = endpoint.address
            return ours, None
        far_id = other_id or (f"{ours_id};2" if channel_id else self.ids.unique_id())
        ours = Channel(ours_id, f"{endpoint.name_base}-{suffix};1", "Down", dialplan)
        far = Channel(
            far_id,
            f"{endpoint.name_base}-{suffix};2",
            "Ring",
            Dialplan(endpoint.context, endpoint.exten),
            creationtime=ours.creationtime,
        )
        ours.address = far.address = endpoint.address
        ours.peer_id, far.peer_id = far.id, ours.id
        return ours, far

    def _announce_created(self, call: Call) -> None:
        """ChannelCreated comes before any app subscription, so only subscribeAll
        sockets see it (trace 07c)."""
        self.bus.channel_event("ChannelCreated", call.ours)
        if call.far is not None:
            self.bus.channel_event("ChannelCreated", call.far)

    def device_state(self, call: Call, state: str) -> None:
        """Endpoint device states, seen by subscribeAll sockets only (trace 07c)."""
        device = call.ours.name.rsplit("-", 1)[0]
        for _ in range(2 if call.far is not None else 1):
            self.bus.device_event(device, state)

    def _register(self, call: Call) -> None:
        self.channels[call.ours.id] = call.ours
        self.calls[call.ours.id] = call
        if call.far is not None:
            self.channels[call.far.id] = call.far
            self.calls[call.far.id] = call

    def originate(
        self,
        *,
        endpoint: str | None,
        app: str | None,
        app_args: str | None,
        channel_id: str | None,
        other_channel_id: str | None,
        caller_id: str | None,
        timeout: float,
        variables: dict[str, str],
        extension: str | None = None,
    ) -> Channel:
        parsed = parse_endpoint(endpoint)
        if not app and not extension:
            raise ApiError(400, "Application or extension must be specified")
        ours, far = self._new_pair(parsed, channel_id, other_channel_id)
        ours.caller = parse_caller_id(caller_id)
        ours.connected = CallerId(ours.caller.name, ours.caller.number)
        ours.stasis_args = app_args.split(",") if app_args else []
        ours.owned_by_app = True
        ours.variables.update(variables)
        script = self.parties.script_for(parsed.technology, parsed.address, parsed.context)
        call = Call(ours, far, "originate", script, parsed.resource, app or "", timeout=timeout)
        self._register(call)
        self._announce_created(call)
        # Dial's outgoing side shows AppDial2 from here until Stasis, and again at the end.
        ours.resting_app = ("AppDial2", "(Outgoing Line)")
        ours.dialplan.app_name, ours.dialplan.app_data = ours.resting_app
        self.bus.channel_event(
            "ChannelDialplan", ours, dialplan_app="AppDial2", dialplan_app_data="(Outgoing Line)"
        )
        if app:
            # An originate subscribes the app to both halves of a Local pair (README).
            self.bus.app(app).channel_ids.add(ours.id)
            if far is not None:
                far.caller = CallerId(ours.caller.name, ours.caller.number)
                far.connected = CallerId(ours.caller.name, ours.caller.number)
                far.variables.update(variables)
                self.bus.app(app).channel_ids.add(far.id)
        call.task = self.spawn(self._run_originate(call, bool(caller_id)))
        return ours

    async def _run_originate(self, call: Call, announce_caller: bool) -> None:
        far = call.far
        if far is not None:
            if announce_caller:
                self.bus.channel_event(
                    "ChannelCallerId",
                    far,
                    caller_presentation=0,
                    caller_presentation_txt="Presentation Allowed, Not Screened",
                )
                self.bus.channel_event("ChannelConnectedLine", far)
            for variable, value in far.variables.items():
                self.bus.channel_event("ChannelVarset", far, variable=variable, value=value)
        self.dial_event(call, "")
        if call.timeout > 0:
            # A timer, not a task: thousands of ringing calls must stay cheap.
            call.timeout_handle = asyncio.get_running_loop().call_later(
                call.timeout * self.time_scale, self._dial_timed_out, call
            )
        await run_script(call.script, CallParty(self, call), self.sleep)

    def create(
        self,
        *,
        endpoint: str | None,
        app: str | None,
        app_args: str | None,
        channel_id: str | None,
        other_channel_id: str | None,
        variables: dict[str, str],
    ) -> JsonDict:
        parsed = parse_endpoint(endpoint)
        if not app:
            raise ApiError(400, "Application must be specified")
        ours, far = self._new_pair(parsed, channel_id, other_channel_id)
        ours.owned_by_app = True
        ours.variables.update(variables)
        if far is not None:
            far.variables.update(variables)
        script = self.parties.script_for(parsed.technology, parsed.address, parsed.context)
        call = Call(ours, far, "dial", script, parsed.resource, app)
        self._register(call)
        self._announce_created(call)
        # Only the created channel is subscribed; its `;2` half stays silent (trace 01b).
        self.bus.app(app).channel_ids.add(ours.id)
        # The reply shows the channel as created, before it entered Stasis (trace 01b).
        snapshot = ours.to_json()
        self.enter_stasis(ours, app, app_args.split(",") if app_args else [], dialplan_event=True)
        return snapshot

    def dial(self, channel_id: str, timeout: float) -> None:
        self.stasis_channel(channel_id)
        call = self.calls.get(channel_id)
        if call is None or call.mode != "dial" or call.task is not None:
            raise ApiError(409, "Channel is not in a state to be dialed")
        call.timeout = timeout
        call.task = self.spawn(self._run_dial(call))

    async def _run_dial(self, call: Call) -> None:
        self.dial_event(call, "")
        if call.timeout > 0:
            # A timer, not a task: thousands of ringing calls must stay cheap.
            call.timeout_handle = asyncio.get_running_loop().call_later(
                call.timeout * self.time_scale, self._dial_timed_out, call
            )
        await run_script(call.script, CallParty(self, call), self.sleep)

    def _dial_timed_out(self, call: Call) -> None:
        if not call.answered and not call.ended:
            self.hangup_from_app(call.ours, 19)

    def inbound(self, source: str, destination: str, script: Script, args: list[str]) -> Channel:
        """A call from a scripted caller, entering Stasis as the dialplan would send it."""
        suffix = self.ids.local_suffix()
        channel = Channel(
            self.ids.unique_id(),
            f"PJSIP/{re.sub(r'[^A-Za-z0-9+]', '', source) or 'anonymous'}-{suffix}",
            "Ring",
            Dialplan("call-in", destination),
            caller=CallerId("", source),
        )
        channel.address = source
        call = Call(channel, None, "inbound", script, "", "voipbin")
        self._register(call)
        self.bus.channel_event("ChannelCreated", channel)
        self.bus.app("voipbin").channel_ids.add(channel.id)
        self.enter_stasis(channel, "voipbin", args, dialplan_event=False)
        return channel

    # -- Stasis ------------------------------------------------------------------------------

    def enter_stasis(
        self, channel: Channel, app: str, args: list[str], *, dialplan_event: bool
    ) -> None:
        channel.stasis_app = app
        channel.stasis_args = args
        channel.dialplan.app_name = "Stasis"
        channel.dialplan.app_data = ",".join([app, *args])
        if dialplan_event:
            self.bus.channel_event(
                "ChannelDialplan",
                channel,
                dialplan_app="Stasis",
                dialplan_app_data=channel.dialplan.app_data,
            )
        self.bus.channel_event("ChannelVarset", channel, variable="STASISSTATUS", value="")
        self.bus.channel_event("StasisStart", channel, args=args)

    def _leave_stasis(self, channel: Channel) -> None:
        app = channel.stasis_app
        if app is None:
            return
        channel.stasis_app = None
        self.bus.channel_event("StasisEnd", channel)
        subscriptions = self.bus.app(app)
        if not channel.owned_by_app and channel.id not in subscriptions.explicit_channel_ids:
            # Dialplan and snoop channels: StasisEnd is the app's last event (README),
            # unless the app subscribed to the channel itself.
            subscriptions.channel_ids.discard(channel.id)
        self.bus.channel_event("ChannelVarset", channel, variable="STASISSTATUS", value="SUCCESS")

    def continue_in_dialplan(self, channel_id: str, context: str | None, exten: str | None) -> None:
        channel = self.stasis_channel(channel_id)
        app = channel.stasis_app or "voipbin"
        self._leave_stasis(channel)
        channel.dialplan = Dialplan(context or channel.dialplan.context, exten or "s", 0)
        if channel.dialplan.context in SERVICE_CONTEXTS:
            # The service contexts of deploy/asterisk/extensions.conf: run, then back to Stasis.
            self.spawn(run_service(self, channel, app, channel.dialplan.context))
        else:
            channel.dialplan.priority = 1

    # -- events for a call -------------------------------------------------------------------

    def dial_event(self, call: Call, status: str) -> None:
        # In create+dial only the first Dial carries the dialstring (trace 01b).
        dialstring = call.dialstring if call.mode == "originate" or call.dial_events == 0 else ""
        call.dial_events += 1
        self.bus.dial_event(call.ours, status, dialstring)

    def set_state(self, channel: Channel, state: Any) -> None:
        if channel.state != state:
            channel.state = state
            self.bus.channel_event("ChannelStateChange", channel)

    def _destroy(self, channel: Channel, cause: int) -> None:
        if channel.id not in self.channels:
            return
        channel.dialplan.app_name, channel.dialplan.app_data = channel.resting_app
        self.bus.channel_event(
            "ChannelDestroyed", channel, cause=cause, cause_txt=cause_text(cause)
        )
        del self.channels[channel.id]
        self.calls.pop(channel.id, None)
        self.sources.party_audio.pop(channel.id, None)
        self.sources.snoops.pop(channel.id, None)
        self.sources.streams.pop(channel.id, None)
        self.sources.listeners.pop(channel.id, None)
        self.sources.taps.pop(channel.id, None)
        self.sources.echoes.discard(channel.id)
        self.dtmf_echoes.discard(channel.id)
        endpoint = self.rtp.pop(channel.id, None)
        if endpoint is not None:
            endpoint.close()
        self.sources.muted.discard(channel.id)
        self.sources.muted_out.discard(channel.id)
        self.sources.music.pop(f"channel:{channel.id}", None)
        for app in self.bus.apps.values():
            app.channel_ids.discard(channel.id)
            app.explicit_channel_ids.discard(channel.id)
        for snoop_id, (spied, _) in list(self.sources.snoops.items()):
            if spied == channel.id and snoop_id in self.channels:
                self._hangup_snoop(self.channels[snoop_id])

    def _end_call(self, call: Call) -> None:
        call.ended = True
        if call.timeout_handle is not None:
            call.timeout_handle.cancel()
        if call.task is not None and call.task is not asyncio.current_task():
            call.task.cancel()

    def _release_media(self, channel: Channel, *, by_api: bool) -> None:
        """Playbacks fail and recordings end on hangup, before StasisEnd (trace 05)."""
        self.playing.fail_playbacks(f"channel:{channel.id}")
        self.playing.finish_recordings(f"channel:{channel.id}")
        if channel.bridge_id is not None:
            self.bridging.leave(channel, by_api=by_api)

    # -- hangups ----------------------------------------------------------------------------

    def hangup(self, channel_id: str, reason_code: str | None, reason: str | None) -> None:
        if reason is not None and reason_code is not None:
            raise ApiError(400, "The reason and reason_code can't both be specified")
        cause = 16
        if reason is not None:
            if reason not in HANGUP_REASONS:
                raise ApiError(400, "Invalid reason for hangup reason provided")
            cause = HANGUP_REASONS[reason]
        elif reason_code is not None:
            try:
                cause = int(reason_code)
            except ValueError as exc:
                raise ApiError(400, "Invalid reason for hangup reason provided") from exc
        channel = self.channel(channel_id)
        call = self.calls.get(channel_id)
        if call is not None and call.far is channel:
            # Hanging up the far half looks, from our side, like the party hanging up.
            self.hangup_from_party(call, cause)
            return
        self.hangup_from_app(channel, cause)

    def hangup_from_app(self, channel: Channel, cause: int) -> None:
        if channel.hangup_requested:
            return
        channel.hangup_requested = True
        call = self.calls.get(channel.id)
        if call is not None:
            self._end_call(call)
        if channel.stasis_app is not None:
            # Trace 01: the soft-hangup flag (32) travels in `cause`.
            self.bus.channel_event("ChannelHangupRequest", channel, cause=32, soft=True)
            self._release_media(channel, by_api=False)
            self._leave_stasis(channel)
        elif call is not None and call.mode == "originate" and not call.answered:
            self.dial_event(call, "NOANSWER")
        if call is not None and call.far is not None:
            far = call.far
            self.bus.channel_event("ChannelHangupRequest", far, cause=cause)
            self._destroy(channel, cause)
            if call.answered:
                self.device_state(call, "NOT_INUSE")
            self.bus.channel_event("ChannelHangupRequest", far, cause=16, soft=True)
            self._destroy(far, cause)
        else:
            self._destroy(channel, cause)

    def hangup_from_party(self, call: Call, cause: int) -> None:
        ours, far = call.ours, call.far
        if call.ended or ours.hangup_requested:
            return
        self._end_call(call)
        ours.hangup_requested = True
        if far is not None:
            self.bus.channel_event("ChannelHangupRequest", far, cause=16, soft=True)
        self.bus.channel_event("ChannelHangupRequest", ours, cause=cause)
        if far is not None:
            self._destroy(far, cause)
        if ours.stasis_app is not None or call.answered:
            self._release_media(ours, by_api=False)
            self._leave_stasis(ours)
        elif call.mode == "originate":
            self.dial_event(call, DIAL_STATUS_BY_CAUSE.get(cause, "NOANSWER"))
        self._destroy(ours, cause)
        if call.answered:
            self.device_state(call, "NOT_INUSE")

    def originate_failed(self, call: Call, status: str, our_cause: int, far_cause: int) -> None:
        """Originate towards a busy/congested party: the dial fails at the indication."""
        self._end_call(call)
        call.ours.hangup_requested = True
        self.dial_event(call, status)
        if call.far is not None:
            self.bus.channel_event("ChannelHangupRequest", call.far, cause=0)
        self._destroy(call.ours, our_cause)
        if call.far is not None:
            self.bus.channel_event("ChannelHangupRequest", call.far, cause=16, soft=True)
            self._destroy(call.far, far_cause)

    def _hangup_snoop(self, snoop: Channel) -> None:
        self.bus.channel_event("ChannelHangupRequest", snoop, cause=16)
        self.playing.finish_recordings(f"channel:{snoop.id}")
        self._leave_stasis(snoop)
        self._destroy(snoop, 16)

    # -- other channel operations ------------------------------------------------------------

    def answer(self, channel_id: str) -> None:
        channel = self.stasis_channel(channel_id)
        call = self.calls.get(channel_id)
        self.set_state(channel, "Up")
        if call is not None and call.mode == "inbound" and call.task is None:
            # The scripted caller starts talking once we answer (DESIGN §8).
            call.answered = True
            call.task = self.spawn(run_script(call.script, CallParty(self, call), self.sleep))

    def ring(self, channel_id: str) -> None:
        channel = self.stasis_channel(channel_id)
        if channel.state == "Ring":
            self.set_state(channel, "Ringing")

    def hold(self, channel_id: str, on: bool) -> None:
        channel = self.stasis_channel(channel_id)
        channel.held = on
        self.bus.channel_event("ChannelHold" if on else "ChannelUnhold", channel)

    def music_on_hold(self, target_uri: str, on: bool) -> None:
        """MOH: a gentle looping tone towards the channel (or bridge members)."""
        cycle = tone_cycle("info") if on else None
        if cycle is not None:
            self.sources.music[target_uri] = LoopingSource(cycle)
        else:
            self.sources.music.pop(target_uri, None)

    def mute(self, channel_id: str, on: bool, direction: str = "both") -> None:
        if direction not in ("both", "in", "out"):
            raise ApiError(400, "Invalid direction specified")
        channel = self.stasis_channel(channel_id)
        # in: what the party sends us; out: what we send the party (snoops spying `out`,
        # an echo, a bridge's mix all fall silent towards it).
        for muted, applies in (
            (self.sources.muted, direction in ("both", "in")),
            (self.sources.muted_out, direction in ("both", "out")),
        ):
            if applies and on:
                muted.add(channel.id)
            elif applies:
                muted.discard(channel.id)
        channel.muted = channel.id in self.sources.muted

    def send_dtmf(
        self,
        channel_id: str,
        dtmf: str | None,
        before: int,
        between: int,
        duration: int,
        after: int,
    ) -> None:
        if not dtmf:
            raise ApiError(400, "DTMF is required")
        channel = self.stasis_channel(channel_id)
        call = self.calls.get(channel.id)
        self.spawn(self._play_dtmf(channel, call, dtmf, before, between, duration, after))

    async def _play_dtmf(
        self,
        channel: Channel,
        call: Call | None,
        dtmf: str,
        before: int,
        between: int,
        duration: int,
        after: int,
    ) -> None:
        await self.sleep(before / 1000)
        for index, digit in enumerate(dtmf):
            if index:
                await self.sleep(between / 1000)
            await self.sleep(duration / 1000)
            if channel.id not in self.channels:
                return
            if call is not None:
                call.received_dtmf += digit
                if call.far is not None:
                    # The receiving half reports each digit when it ends (trace 04).
                    self.bus.channel_event(
                        "ChannelDtmfReceived", call.far, digit=digit, duration_ms=duration
                    )
        await self.sleep(after / 1000)

    def party_dtmf(self, call: Call, digit: str, duration_ms: int) -> None:
        if call.ours.id not in self.channels:
            return
        self.bus.channel_event(
            "ChannelDtmfReceived", call.ours, digit=digit, duration_ms=duration_ms
        )
        self.playing.dtmf_received(call.ours.id, digit)
        if call.ours.id in self.dtmf_echoes:
            # svc-stream_echo sends the digit straight back to the party.
            call.received_dtmf += digit
            if call.far is not None:
                self.bus.channel_event(
                    "ChannelDtmfReceived", call.far, digit=digit, duration_ms=duration_ms
                )

    # -- variables ---------------------------------------------------------------------------

    def get_variable(self, channel_id: str, variable: str | None) -> str:
        if not variable:
            raise ApiError(400, "Variable name is required")
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ApiError(404, "Provided channel was not found")
        functions = {
            "CHANNEL(state)": channel.state,
            "CHANNEL(name)": channel.name,
            "CHANNEL(uniqueid)": channel.id,
            "CALLERID(num)": channel.caller.number,
            "CALLERID(name)": channel.caller.name,
            "CHANNEL(pjsip,call-id)": f"{channel.id}@sim"
            if channel.name.startswith("PJSIP/")
            else "",
            "UNIQUEID": channel.id,
        }
        if variable in functions:
            return functions[variable]
        if variable not in channel.variables:
            raise ApiError(404, "Provided variable was not found")
        return channel.variables[variable]

    def set_variable(self, channel_id: str, variable: str | None, value: str | None) -> None:
        if not variable:
            raise ApiError(400, "Variable name is required")
        channel = self.channel(channel_id)
        value = value or ""
        if variable == "CALLERID(num)":
            channel.caller.number = value
        elif variable == "CALLERID(name)":
            channel.caller.name = value
        elif value:
            channel.variables[variable] = value
        else:
            # Setting an empty value unsets the variable, silently (trace 08).
            channel.variables.pop(variable, None)
        # Dialplan-function writes and unsets emit no ChannelVarset (trace 08).
        if value and "(" not in variable:
            self.bus.channel_event("ChannelVarset", channel, variable=variable, value=value)

    # -- snoop and external media ------------------------------------------------------------

    def snoop(
        self,
        channel_id: str,
        spy: str,
        whisper: str,
        app: str | None,
        app_args: str | None,
        snoop_id: str | None,
    ) -> Channel:
        target = self.channel(channel_id)
        if not app:
            raise ApiError(400, "Application name is required")
        for value in (spy, whisper):
            if value not in ("none", "both", "out", "in"):
                raise ApiError(400, "Invalid direction specified")
        self._check_new_id(snoop_id)
        snoop = Channel(
            snoop_id or self.ids.unique_id(),
            f"Snoop/{target.id}-{self.ids.local_suffix()}",
            "Up",
            Dialplan("default", "s"),
        )
        self.channels[snoop.id] = snoop
        self.bus.channel_event("ChannelCreated", snoop)
        self.sources.snoops[snoop.id] = (target.id, spy)
        self.bus.app(app).channel_ids.add(snoop.id)
        self.enter_stasis(snoop, app, app_args.split(",") if app_args else [], dialplan_event=False)
        return snoop

    async def external_media(
        self,
        *,
        app: str | None,
        external_host: str | None,
        channel_id: str | None,
        media_format: str | None,
        encapsulation: str,
        transport: str,
        variables: dict[str, str],
    ) -> Channel:
        if not app:
            raise ApiError(400, "app cannot be empty")
        if not external_host and transport != "websocket":
            raise ApiError(400, "external_host cannot be empty")
        if not media_format:
            raise ApiError(400, "format cannot be empty")
        if encapsulation not in ("rtp", "audiosocket", "none"):
            raise ApiError(400, "Unsupported encapsulation")
        streams_rtp = encapsulation == "rtp" and transport == "udp"
        if streams_rtp and media_format not in rtp.SUPPORTED_FORMATS:
            raise ApiError(422, "Unsupported format for this simulator")
        self._check_new_id(channel_id)
        technology = "AudioSocket" if encapsulation == "audiosocket" else "UnicastRTP"
        channel = Channel(
            channel_id or self.ids.unique_id(),
            f"{technology}/{external_host or 'websocket'}-{self.ids.local_suffix()}",
            "Up",
            Dialplan("default", "s"),
        )
        channel.owned_by_app = True
        channel.variables.update(variables)
        local_port = 0
        if streams_rtp and external_host:
            inbound = rtp.StreamSource()
            endpoint = await rtp.open_endpoint(external_host, media_format, inbound)
            self.rtp[channel.id] = endpoint
            self.sources.streams[channel.id] = inbound
            self.sources.listeners[channel.id] = endpoint.send
            local_port = endpoint.local_port
        channel.variables["UNICASTRTP_LOCAL_ADDRESS"] = "127.0.0.1"
        channel.variables["UNICASTRTP_LOCAL_PORT"] = str(local_port)
        self.channels[channel.id] = channel
        self.bus.channel_event("ChannelCreated", channel)
        self.bus.app(app).channel_ids.add(channel.id)
        self.enter_stasis(channel, app, [], dialplan_event=False)
        return channel

    def redirect(self, channel_id: str, endpoint: str | None) -> None:
        if not endpoint:
            raise ApiError(400, "Required parameter endpoint not provided")
        channel = self.stasis_channel(channel_id)
        parse_endpoint(endpoint)
        call = self.calls.get(channel.id)
        # The party is transferred away: for us the call simply ends.
        if call is not None:
            # A moment later, as a SIP transfer completes after the 202 to the REFER.
            asyncio.get_running_loop().call_later(
                0.05 * self.time_scale, self.hangup_from_party, call, 16
            )

    # -- media callbacks from the clock -----------------------------------------------------

    def _playback_item_done(self, stream: PlaybackStream) -> None:
        self.playing.item_done(stream)

    def _recording_full(self, stream: RecordingStream) -> None:
        self.playing.stop_recording(stream.name)

    def _party_audio_done(self, channel_id: str) -> None:
        call = self.calls.get(channel_id)
        if call is not None and call.speech_done is not None:
            call.speech_done.set()
