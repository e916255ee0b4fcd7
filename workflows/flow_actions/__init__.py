"""The flow-action registry (STYLE §2.8): literal mappings, greppable, sandbox-safe.

- `ACTION_OPTIONS`: action type → its option model (`options.py`). The same model validates
  a flow at save time (`voipbin.flows.validation`) and parses the option again in the
  workflow after `${...}` substitution (`parse_option`).
- `ACTION_META`: per type, the media it needs (`rtc` live call, `non_rtc` only for non-call
  references, `none` any) and who executes it (`flow`: the flow engine, inline; `call`:
  the call engine against a media server).
- `DEFERRED_ACTIONS`: the original's actions that arrive with later issues; `createFlow`
  refuses them with a message naming the issue, never a silent no-op.
- `INTERNAL_ACTIONS`: types the engine pushes itself and the API does not accept.

Runtime modules (`workflows/flow_actions/<action>.py`) live next to this file; adding an
action is one option model, one line in each mapping and its runtime module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from workflows.flow_actions import options as o

Media = Literal["rtc", "non_rtc", "none"]
Exec = Literal["flow", "call"]


@dataclass(frozen=True, slots=True)
class ActionMeta:
    media: Media
    exec: Exec


ACTION_OPTIONS: Mapping[str, type[BaseModel]] = {
    "answer": o.NoOption,
    "talk": o.TalkOption,
    "play": o.PlayOption,
    "beep": o.NoOption,
    "digits_receive": o.DigitsReceiveOption,
    "digits_send": o.DigitsSendOption,
    "sleep": o.SleepOption,
    "echo": o.EchoOption,
    "stream_echo": o.EchoOption,
    "hangup": o.HangupOption,
    "recording_start": o.RecordingStartOption,
    "recording_stop": o.NoOption,
    "external_media_start": o.ExternalMediaStartOption,
    "external_media_stop": o.NoOption,
    "amd": o.AmdOption,
    "mute": o.NoOption,
    "connect": o.ConnectOption,
    "confbridge_join": o.ConfbridgeJoinOption,
    "call": o.CallOption,
    "branch": o.BranchOption,
    "condition_call_digits": o.ConditionCallDigitsOption,
    "condition_call_status": o.ConditionCallStatusOption,
    "condition_datetime": o.ConditionDatetimeOption,
    "condition_variable": o.ConditionVariableOption,
    "empty": o.NoOption,
    "block": o.NoOption,
    "goto": o.GotoOption,
    "variable_set": o.VariableSetOption,
    "stop": o.NoOption,
    "webhook_send": o.WebhookSendOption,
    "fetch": o.FetchOption,
    "fetch_flow": o.FetchFlowOption,
}

_RTC_CALL = ActionMeta("rtc", "call")

ACTION_META: Mapping[str, ActionMeta] = {
    "answer": _RTC_CALL,
    "talk": _RTC_CALL,
    "play": _RTC_CALL,
    "beep": _RTC_CALL,
    "digits_receive": _RTC_CALL,
    "digits_send": _RTC_CALL,
    "sleep": _RTC_CALL,
    "echo": _RTC_CALL,
    "stream_echo": _RTC_CALL,
    "hangup": _RTC_CALL,
    "recording_start": _RTC_CALL,
    "recording_stop": _RTC_CALL,
    "external_media_start": _RTC_CALL,
    "external_media_stop": _RTC_CALL,
    "amd": _RTC_CALL,
    "mute": _RTC_CALL,
    "confbridge_join": _RTC_CALL,
    "connect": ActionMeta("rtc", "flow"),
    "call": ActionMeta("none", "flow"),
    "branch": ActionMeta("none", "flow"),
    "condition_call_digits": ActionMeta("rtc", "flow"),
    "condition_call_status": ActionMeta("rtc", "flow"),
    "condition_datetime": ActionMeta("none", "flow"),
    "condition_variable": ActionMeta("none", "flow"),
    "empty": ActionMeta("none", "flow"),
    "block": ActionMeta("non_rtc", "flow"),
    "goto": ActionMeta("none", "flow"),
    "variable_set": ActionMeta("none", "flow"),
    "stop": ActionMeta("none", "flow"),
    "webhook_send": ActionMeta("none", "flow"),
    "fetch": ActionMeta("none", "flow"),
    "fetch_flow": ActionMeta("none", "flow"),
}

DEFERRED_ISSUE = "a later issue"

# The original's remaining public actions: refused at save time until their issue lands.
DEFERRED_ACTIONS: Mapping[str, str] = {
    "queue_join": "queues",
    "conference_join": "conferences",
    "ai_talk": "AI voice agents",
    "ai_task": "AI voice agents",
    "ai_summary": "AI summaries",
    "transcribe_start": "transcription",
    "transcribe_stop": "transcription",
    "transcribe_recording": "transcription",
    "message_send": "SMS messaging",
    "email_send": "email",
    "conversation_send": "conversations",
    "case_create": "CRM cases",
}

# Pushed by the engine itself (loop joints); the original's API validator refuses them.
INTERNAL_ACTIONS: frozenset[str] = frozenset({"empty"})

# Actions whose execution errors are logged and the flow continues (spec §4 "T").
TOLERANT_ACTIONS: frozenset[str] = frozenset({"variable_set", "webhook_send"})


def deferred_message(action_type: str) -> str:
    feature = DEFERRED_ACTIONS[action_type]
    return (
        f"action type `{action_type}` is not available yet: it comes with the {feature} "
        f"issue; remove it from the flow for now"
    )


def parse_option(action_type: str, option: Mapping[str, Any] | None) -> BaseModel:
    """Validate one action's option with its model (raises pydantic.ValidationError).

    `option` is JSON data (as the API or a stored flow gives it); UUID fields accept
    strings or UUID objects. KeyError for an unknown type.
    """
    return ACTION_OPTIONS[action_type].model_validate(dict(option or {}))


def media_allowed(action_type: str, reference_type: str) -> bool:
    """Media gating (spec §2): an action whose media does not match is silently skipped."""
    need = ACTION_META[action_type].media
    if need == "none":
        return True
    # reference → media: call = rtc; "" = none (runs only media-free actions); others non_rtc
    have = "rtc" if reference_type == "call" else ("none" if reference_type == "" else "non_rtc")
    return have == need


__all__ = [
    "ACTION_META",
    "ACTION_OPTIONS",
    "DEFERRED_ACTIONS",
    "INTERNAL_ACTIONS",
    "TOLERANT_ACTIONS",
    "ActionMeta",
    "deferred_message",
    "media_allowed",
    "parse_option",
]
