"""Pure call rules: allowed status transitions and their event names (spec telephony.md §5)."""

from __future__ import annotations

ALLOWED: dict[str, frozenset[str]] = {
    "dialing": frozenset({"ringing", "progressing", "terminating", "canceling", "hangup"}),
    "ringing": frozenset({"progressing", "terminating", "canceling", "hangup"}),
    "progressing": frozenset({"terminating", "hangup"}),
    "terminating": frozenset({"hangup"}),
    "canceling": frozenset({"hangup"}),
    "hangup": frozenset(),
}

# the original's event name per status (note `call_hangup`, not `call_hungup`)
STATUS_EVENT = {
    "dialing": "call_dialing",
    "ringing": "call_ringing",
    "progressing": "call_progressing",
    "terminating": "call_terminating",
    "canceling": "call_canceling",
    "hangup": "call_hangup",
}


def moves_to(new: str) -> list[str]:
    """The statuses a call may leave for `new` (the WHERE of a guarded status write)."""
    return sorted(current for current, nexts in ALLOWED.items() if new in nexts)
