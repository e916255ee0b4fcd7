"""Async ARI client: REST (`client`), typed events (`events`), the event socket
(`connection`) and node placement (`nodes`). Imports nothing else from voipbin."""

from telephony.ari.client import AriClient
from telephony.ari.connection import ConnectionState, EventStream, NodeConnection
from telephony.ari.errors import (
    AriBadRequest,
    AriConflict,
    AriError,
    AriNotFound,
    AriUnauthorized,
    AriUnavailable,
)
from telephony.ari.nodes import AriNode, NodeRegistry

__all__ = [
    "AriBadRequest",
    "AriClient",
    "AriConflict",
    "AriError",
    "AriNode",
    "AriNotFound",
    "AriUnauthorized",
    "AriUnavailable",
    "ConnectionState",
    "EventStream",
    "NodeConnection",
    "NodeRegistry",
]
