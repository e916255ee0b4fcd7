"""Executors of the call-engine actions (spec flow-actions.md §4, exec C).

Each takes the workflow (`host`), the raw action and its parsed option, drives the media
node through local-activity stubs and returns when the original would advance. Every
wait also ends when the call goes away (`host.stopped`), so a hangup mid-action never
leaves a flow waiting.
"""

from __future__ import annotations

from typing import Any

from workflows.flow_actions import options as o
from workflows.flow_actions.confbridge import relayed_reason
from workflows.flow_actions.runtime import ActionFailed, Executor, FlowStopped
from workflows.flow_engine.model import Action

DIGITS_VARIABLE = "voipbin.call.digits"


async def answer(host: Any, action: Action, option: o.NoOption) -> None:
    await host.answer()


async def talk(host: Any, action: Action, option: o.TalkOption) -> None:
    if not option.text:
        raise ActionFailed("talk needs a text")
    await host.answer()
    media = await host.synthesize(option.text, option.language or "en-US", option.voice_id)
    stop_on_digit = option.digits_handle == "next"
    await host.play_and_wait([media], action, wait=not option.async_, stop_on_digit=stop_on_digit)


async def play(host: Any, action: Action, option: o.PlayOption) -> None:
    media = [
        url if url.startswith(("sound:", "recording:", "tone:")) else f"sound:{url}"
        for url in option.stream_urls
    ]
    if not media:
        return
    await host.play_and_wait(media, action, wait=True, stop_on_digit=False)


async def beep(host: Any, action: Action, option: o.NoOption) -> None:
    await host.play_and_wait(["sound:beep"], action, wait=True, stop_on_digit=False)


def _digits_done(digits: str, option: o.DigitsReceiveOption) -> bool:
    if option.length > 0 and len(digits) >= option.length:
        return True
    return bool(option.key) and any(key in digits for key in option.key)


async def digits_receive(host: Any, action: Action, option: o.DigitsReceiveOption) -> None:
    """Digits append to `voipbin.call.digits`; done on length/key or after `duration`."""
    host.collecting_digits = True
    try:
        variables = host.runner.variables
        if _digits_done(variables.get(DIGITS_VARIABLE, ""), option):
            return
        await host.wait_for(
            lambda: _digits_done(variables.get(DIGITS_VARIABLE, ""), option),
            option.duration / 1000,
        )
    finally:
        host.collecting_digits = False


async def digits_send(host: Any, action: Action, option: o.DigitsSendOption) -> None:
    await host.send_dtmf(option.digits, option.duration, option.interval)
    total_ms = option.duration * len(option.digits) + option.interval * (len(option.digits) - 1)
    await host.wait_for(lambda: False, total_ms / 1000)


async def sleep(host: Any, action: Action, option: o.SleepOption) -> None:
    await host.wait_for(lambda: False, option.duration / 1000)


async def hangup(host: Any, action: Action, option: o.HangupOption) -> None:
    reason: str = option.reason or "normal"
    if option.reference_id != o.NIL_UUID:  # connect's relay_reason: the leg's reason
        reason = await relayed_reason(host, option.reference_id) or reason
    await host.request_hangup(reason)
    raise FlowStopped("hangup")


async def mute(host: Any, action: Action, option: o.NoOption) -> None:
    """The original has no executor (a no-op); here both directions are really muted."""
    await host.mute("both")


async def recording_start(host: Any, action: Action, option: o.RecordingStartOption) -> None:
    await host.answer()
    await host.start_recording(option)


async def recording_stop(host: Any, action: Action, option: o.NoOption) -> None:
    await host.stop_recording()


async def external_media_start(
    host: Any, action: Action, option: o.ExternalMediaStartOption
) -> None:
    if not option.external_host:
        raise ActionFailed("external_media_start needs external_host (host:port)")
    if option.encapsulation not in ("", "rtp") or option.transport not in ("", "udp"):
        raise ActionFailed("only RTP over UDP external media is supported")
    await host.start_external_media(option)


async def external_media_stop(host: Any, action: Action, option: o.NoOption) -> None:
    await host.stop_external_media()


EXECUTORS: dict[str, Executor] = {
    "external_media_start": external_media_start,
    "external_media_stop": external_media_stop,
    "answer": answer,
    "talk": talk,
    "play": play,
    "beep": beep,
    "digits_receive": digits_receive,
    "digits_send": digits_send,
    "sleep": sleep,
    "hangup": hangup,
    "mute": mute,
    "recording_start": recording_start,
    "recording_stop": recording_stop,
}
