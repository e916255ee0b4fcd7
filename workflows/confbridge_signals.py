"""The signals between a call and the confbridge it joins (pure dataclasses, sandbox-safe).

call → `confbridge:<id>`: JOIN (put my channel in your bridge), LEAVE (I am leaving or
gone). `confbridge:<id>` → call: JOINED (your channel is in the bridge), LEFT (you are
out: kicked, the confbridge ended, or the join was refused with a reason), which is what
lets the call's `confbridge_join` advance.
"""

# No `from __future__ import annotations`: these dataclasses are decoded inside the
# workflow sandbox, where pydantic cannot resolve string annotations.

from dataclasses import dataclass
from uuid import UUID

JOIN_SIGNAL = "join"
LEAVE_SIGNAL = "leave"
TERMINATE_SIGNAL = "terminate"
LEFT_SIGNAL = "confbridge_left"
JOINED_SIGNAL = "confbridge_joined"

# Why a call is out of a confbridge (`ConfbridgeLeft.reason`).
LEFT_KICKED = "kicked"  # removed by the confbridge (the other side left, it terminated)
LEFT_LEFT = "left"  # the call asked to leave
REFUSED_NOT_FOUND = "not_found"  # another customer's confbridge: it does not exist for you
REFUSED_TERMINATED = "terminated"
REFUSED_OTHER_NODE = "other_node"
REFUSED_FAILED = "failed"  # the media node refused to bridge the channel

REFUSALS = frozenset({REFUSED_NOT_FOUND, REFUSED_TERMINATED, REFUSED_OTHER_NODE, REFUSED_FAILED})


@dataclass(frozen=True)
class JoinRequest:
    call_id: UUID
    customer_id: UUID
    node: str
    channel_id: str


@dataclass(frozen=True)
class LeaveRequest:
    call_id: UUID
    gone: bool = False  # the channel is destroyed: it has left the bridge already


@dataclass(frozen=True)
class ConfbridgeLeft:
    confbridge_id: UUID
    reason: str = LEFT_KICKED
    detail: str = ""


@dataclass(frozen=True)
class ConfbridgeJoined:
    confbridge_id: UUID
