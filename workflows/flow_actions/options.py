"""Option models of every flow action supported now (spec flow-actions.md §4).

One pydantic model per action type, with the original's snake_case keys and defaults (Go
zero values unless the spec states otherwise). Every model forbids unknown keys and is
strict about types: the original unmarshals options into Go structs, where a string in an
int field is an error, so `"duration": "1000"` is refused here at save time instead of
failing mid-call.

Pure module (pydantic + stdlib only): it is imported inside the Temporal workflow sandbox,
where the same models parse options again after `${...}` substitution.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationInfo, field_validator

NIL_UUID = UUID(int=0)

# Strict everywhere except UUIDs, which arrive as strings in JSON and stay readable that way.
Uuid = Annotated[UUID, Strict(False)]

# Bounds that keep one action small; the flow-level size caps live in the flows service.
MAX_TEXT = 65_536
MAX_SHORT = 1024
MAX_URLS = 100
MAX_ADDRESSES = 100
MAX_TARGETS = 100
MAX_WEEKDAYS = 7

ShortStr = Annotated[str, Field(max_length=MAX_SHORT)]
LongStr = Annotated[str, Field(max_length=MAX_TEXT)]
Milliseconds = Annotated[int, Field(ge=0, le=86_400_000)]

Operator = Literal["==", "!=", ">", ">=", "<", "<="]
Anonymous = Literal["", "yes", "no", "auto"]
HangupReason = Literal[
    "", "normal", "failed", "busy", "cancel", "timeout", "noanswer", "dialout", "amd"
]
CallStatus = Literal["dialing", "ringing", "progressing", "terminating", "canceling", "hangup"]
HttpMethod = Literal["", "POST", "GET", "PUT", "DELETE"]
AddressType = Literal[
    "",
    "tel",
    "sip",
    "email",
    "agent",
    "conference",
    "extension",
    "line",
    "ai",
    "ai_team",
    "webchat",
    "web_session",
    "whatsapp",
]

_DTMF = re.compile(r"^[0-9A-D#*]*$")
_E164 = re.compile(r"^\+[0-9]{7,15}$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,255}$")


class OptionModel(BaseModel):
    """Base of every option: unknown keys are errors, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class NoOption(OptionModel):
    """Actions without options (answer, beep, mute, stop, block, ...): `{}` only."""


class Address(OptionModel):
    """`CommonAddress` (spec domain-rules §1). `${...}` targets are checked at run time."""

    type: AddressType = ""
    target: ShortStr = ""
    target_name: ShortStr = ""
    name: ShortStr = ""
    detail: ShortStr = ""

    @field_validator("target")
    @classmethod
    def _tel_is_e164(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("type", "")
        if kind in ("tel", "whatsapp") and "${" not in value and not _E164.match(value):
            raise ValueError("a tel target is an E.164 number: `+` and 7 to 15 digits")
        return value


class TalkOption(OptionModel):
    model_config = ConfigDict(populate_by_name=True)

    text: LongStr = ""
    language: ShortStr = ""
    provider: Literal["", "gcp", "aws"] = ""
    voice_id: ShortStr = ""
    digits_handle: Literal["", "next"] = ""
    async_: bool = Field(False, alias="async")


class PlayOption(OptionModel):
    stream_urls: list[Annotated[str, Field(max_length=2048)]] = Field(
        default_factory=list, max_length=MAX_URLS
    )


class DigitsReceiveOption(OptionModel):
    duration: Milliseconds = 0
    key: Annotated[str, Field(max_length=16)] = ""
    length: Annotated[int, Field(ge=0, le=100)] = 0

    @field_validator("key")
    @classmethod
    def _dtmf_keys(cls, value: str) -> str:
        if not _DTMF.match(value):
            raise ValueError("key holds DTMF characters only: 0-9, A-D, # and *")
        return value


class DigitsSendOption(OptionModel):
    digits: Annotated[str, Field(min_length=1, max_length=100)]
    duration: Annotated[int, Field(ge=100, le=1000)]
    interval: Annotated[int, Field(ge=0, le=5000)] = 0

    @field_validator("digits")
    @classmethod
    def _dtmf_digits(cls, value: str) -> str:
        if not _DTMF.match(value):
            raise ValueError("digits holds DTMF characters only: 0-9, A-D, # and *")
        return value


class SleepOption(OptionModel):
    duration: Milliseconds = 0


ECHO_DEFAULT_DURATION_MS = 180_000


class EchoOption(OptionModel):
    """echo and stream_echo: `duration` ≤ 0 means the original's 180,000 ms."""

    duration: Annotated[int, Field(le=86_400_000)] = 0

    @property
    def effective_duration(self) -> int:
        return self.duration if self.duration > 0 else ECHO_DEFAULT_DURATION_MS


class HangupOption(OptionModel):
    reason: HangupReason = ""
    reference_id: Uuid = NIL_UUID


class RecordingStartOption(OptionModel):
    # The recorder writes wav only; mp3/ogg (listed by the original's docs) are refused
    # rather than silently recorded as wav.
    format: Literal["", "wav"] = ""
    end_of_silence: Annotated[int, Field(ge=0, le=3600)] = 0
    end_of_key: Literal["", "none", "any", "*", "#"] = ""
    duration: Annotated[int, Field(ge=0, le=86_400)] = 0
    beep_start: bool = False
    on_end_flow_id: Uuid = NIL_UUID


class ExternalMediaStartOption(OptionModel):
    external_host: ShortStr = ""
    encapsulation: Literal["", "rtp", "audiosocket", "none"] = "rtp"
    transport: Literal["", "udp", "tcp", "websocket"] = "udp"
    transport_data: ShortStr = ""
    connection_type: Literal["", "client", "server"] = "client"
    format: Literal["", "ulaw", "alaw", "slin", "slin16", "slin24", "slin48"] = "ulaw"
    direction_listen: Literal["", "in", "out", "both"] = ""
    direction_speak: Literal["", "in", "out", "both"] = ""
    data: ShortStr = ""

    @field_validator("external_host")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value and "${" not in value and not _HOST_PORT.match(value):
            raise ValueError("external_host is `host:port`")
        return value


class AmdOption(OptionModel):
    model_config = ConfigDict(populate_by_name=True)

    machine_handle: Literal["", "hangup", "continue"] = ""
    async_: bool = Field(False, alias="async")


class ConfbridgeJoinOption(OptionModel):
    confbridge_id: Uuid = NIL_UUID


class ConnectOption(OptionModel):
    source: Address = Field(default_factory=Address)
    destinations: list[Address] = Field(default_factory=list, max_length=MAX_ADDRESSES)
    early_media: bool = False
    relay_reason: bool = False
    anonymous: Anonymous = "auto"


class ActionSpec(OptionModel):
    """An action as written in a flow (the `call` option embeds a list of them)."""

    id: Uuid = NIL_UUID
    next_id: Uuid = NIL_UUID
    type: Annotated[str, Field(max_length=64)]
    option: dict[str, Any] = Field(default_factory=dict)


class CallOption(OptionModel):
    source: Address = Field(default_factory=Address)
    destinations: list[Address] = Field(default_factory=list, max_length=MAX_ADDRESSES)
    flow_id: Uuid = NIL_UUID
    # Validated action by action by the flow validator (same rules as a flow's actions).
    actions: list[dict[str, Any]] = Field(default_factory=list)
    chained: bool = False
    early_execution: bool = False
    anonymous: Anonymous = "auto"


DEFAULT_BRANCH_VARIABLE = "voipbin.call.digits"


class BranchOption(OptionModel):
    variable: Annotated[str, Field(max_length=255)] = DEFAULT_BRANCH_VARIABLE
    target_ids: dict[Annotated[str, Field(max_length=255)], Uuid] = Field(
        default_factory=dict, max_length=MAX_TARGETS
    )
    default_target_id: Uuid = NIL_UUID

    @field_validator("variable")
    @classmethod
    def _bare_name(cls, value: str) -> str:
        # The original reads the variable by name; `${x}` would look up a name with braces.
        if value.startswith("${") and value.endswith("}"):
            value = value[2:-1]
        return value or DEFAULT_BRANCH_VARIABLE


class GotoOption(OptionModel):
    target_id: Uuid = NIL_UUID
    loop_count: Annotated[int, Field(ge=-1, le=1000)] = 0


class ConditionVariableOption(OptionModel):
    condition: Operator
    variable: Annotated[str, Field(max_length=MAX_SHORT)] = ""
    value_type: Literal["string", "number", "length"] = "string"
    value_string: LongStr = ""
    value_number: float = 0.0
    value_length: Annotated[int, Field(ge=0)] = 0
    false_target_id: Uuid = NIL_UUID


class ConditionDatetimeOption(OptionModel):
    condition: Operator
    minute: Annotated[int, Field(ge=-1, le=59)] = 0
    hour: Annotated[int, Field(ge=-1, le=23)] = 0
    day: Annotated[int, Field(ge=-1, le=31)] = 0
    month: Annotated[int, Field(ge=0, le=12)] = 0
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=list, max_length=MAX_WEEKDAYS
    )
    false_target_id: Uuid = NIL_UUID


class ConditionCallDigitsOption(OptionModel):
    length: Annotated[int, Field(ge=0, le=100)] = 0
    key: Annotated[str, Field(max_length=16)] = ""
    false_target_id: Uuid = NIL_UUID


class ConditionCallStatusOption(OptionModel):
    status: CallStatus
    false_target_id: Uuid = NIL_UUID


class VariableSetOption(OptionModel):
    key: Annotated[str, Field(min_length=1, max_length=255)]
    value: LongStr = ""

    @field_validator("key")
    @classmethod
    def _key_name(cls, value: str) -> str:
        if "${" not in value and not _VARIABLE_NAME.match(value):
            raise ValueError("key is a variable name: letters, digits, `_`, `.` and `-`")
        return value


class FetchOption(OptionModel):
    event_url: Annotated[str, Field(min_length=1, max_length=2048)]
    event_method: HttpMethod = "POST"

    @field_validator("event_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _check_url(value, "event_url")


class FetchFlowOption(OptionModel):
    flow_id: Uuid


class WebhookSendOption(OptionModel):
    sync: bool = False
    uri: Annotated[str, Field(min_length=1, max_length=2048)]
    method: HttpMethod = "POST"
    data_type: ShortStr = ""
    data: LongStr = ""

    @field_validator("uri")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _check_url(value, "uri")


def _check_url(value: str, name: str) -> str:
    # Reachability (SSRF) is decided when the request is sent; here only the shape.
    if "${" in value:
        return value
    if not value.startswith(("http://", "https://")) or len(value.split("/", 3)[2]) == 0:
        raise ValueError(f"{name} must be an absolute http(s) URL")
    return value
