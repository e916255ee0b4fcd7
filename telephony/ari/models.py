"""Pydantic models of the ARI resources voipbin reads (Asterisk's Swagger `models`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

ARI_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def parse_ari_time(value: str) -> datetime:
    """`2026-11-24T22:50:10.183+0000` → aware datetime."""
    return datetime.strptime(value, ARI_TIME_FORMAT)


class AriModel(BaseModel):
    # Asterisk adds fields across versions; unknown keys must not break us.
    model_config = ConfigDict(extra="ignore", frozen=True)


class CallerId(AriModel):
    name: str = ""
    number: str = ""


class DialplanCep(AriModel):
    context: str = ""
    exten: str = ""
    priority: int = 0
    app_name: str = ""
    app_data: str = ""


class Channel(AriModel):
    id: str
    name: str
    state: str
    protocol_id: str = ""
    caller: CallerId = CallerId()
    connected: CallerId = CallerId()
    accountcode: str = ""
    dialplan: DialplanCep = DialplanCep()
    creationtime: str = ""
    language: str = "en"
    channelvars: dict[str, str] | None = None


class Bridge(AriModel):
    id: str
    technology: str = ""
    bridge_type: str = ""
    bridge_class: str = ""
    creator: str = ""
    name: str = ""
    channels: list[str] = []
    creationtime: str = ""
    video_mode: str | None = None


class Playback(AriModel):
    id: str
    media_uri: str
    next_media_uri: str | None = None
    target_uri: str
    language: str | None = None
    state: str


class LiveRecording(AriModel):
    name: str
    format: str
    target_uri: str = ""
    state: str
    duration: int | None = None
    talking_duration: int | None = None
    silence_duration: int | None = None
    cause: str | None = None


class StoredRecording(AriModel):
    name: str
    format: str


class Application(AriModel):
    name: str
    channel_ids: list[str] = []
    bridge_ids: list[str] = []
    endpoint_ids: list[str] = []
    device_names: list[str] = []


class AsteriskPing(AriModel):
    asterisk_id: str
    ping: str
    timestamp: str


class SystemInfo(AriModel):
    version: str
    entity_id: str


class AsteriskInfo(AriModel):
    system: SystemInfo | None = None
