"""Every Redis key and pub/sub channel name is built here, nowhere else."""

from __future__ import annotations

from uuid import UUID


def resource_key(resource: str, resource_id: UUID | str) -> str:
    """Cache-aside key `<resource>:<id>` (DESIGN §4)."""
    return f"{resource}:{resource_id}"


def session_key(token_sha256: str) -> str:
    return f"session:{token_sha256}"


def rate_limit_key(scope: str, subject: str) -> str:
    return f"ratelimit:{scope}:{subject}"


def customer_events_channel(customer_id: UUID | str) -> str:
    """Pub/sub channel carrying every event of one customer."""
    return f"events:customer:{customer_id}"


def session_family_key(family_id: UUID | str) -> str:
    """Set of session hashes issued from one refresh-token family (revoked together)."""
    return f"session_family:{family_id}"


def access_key_hash_key(token_sha256: str) -> str:
    return f"access_key_hash:{token_sha256}"


def all_customer_events_pattern() -> str:
    """Pattern one API process subscribes to once; it fans events out in-process."""
    return "events:customer:*"


def ws_connections_key(customer_id: UUID | str) -> str:
    """Sorted set of a customer's open WebSocket connections, scored by expiry time."""
    return f"ws_connections:{customer_id}"


def ari_node_key(node: str) -> str:
    """Hash: one ARI node's health as the sentinel last saw it (status, socket, since...)."""
    return f"ari_node:{node}"


def ari_node_channels_key(node: str) -> str:
    """Set of the channel ids living on one ARI node (the dispatcher's load figure)."""
    return f"ari_node_channels:{node}"


def ari_channel_node_key(channel_id: str) -> str:
    """Which ARI node owns a channel."""
    return f"ari_channel_node:{channel_id}"


def ari_event_seen_key(event_key: str) -> str:
    """Set NX by the bridge once per ARI event, so a replayed event is dropped."""
    return f"ari_event_seen:{event_key}"


def ari_done_key(operation: str) -> str:
    """Marks a non-repeatable ARI operation (play, DTMF) done, so a retry skips it."""
    return f"ari_done:{operation}"
