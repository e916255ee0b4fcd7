"""Scripted remote parties: the people (or machines) a simulated call reaches.

A script is a list of steps (`{"ring": 2}`, `{"answer": true}`, `{"say": "hi"}`, ...).
The runner turns each step into a call on a `PartyActor`, which the node core implements
for one call; the same scripts drive outbound parties, inbound callers and the built-in
`Local/<name>@far` far ends of the real-Asterisk traces.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

Step = dict[str, Any]
Script = list[Step]

# The far ends of shared/ari-traces/README.md, written as scripts.
FAR_ENDS: dict[str, Script] = {
    "answer": [{"answer": True}, {"wait": 120}],
    "ringanswer": [{"ring": 2}, {"answer": True}, {"wait": 120}],
    "busy": [{"hangup": {"cause": 17}}],
    "ringbusy": [{"ring": 1}, {"busy": True}],
    "congestion": [{"congestion": True}],
    "noanswer": [{"ring": 60}],
    "dtmf": [{"answer": True}, {"wait": 1}, {"dtmf": "123#"}, {"wait": 60}],
    "tone": [{"answer": True}, {"tone": "440"}, {"wait": 120}],
    "remotehangup": [{"answer": True}, {"wait": 2}, {"hangup": {"cause": 16}}],
}

KNOWN_STEPS = frozenset(
    {"ring", "answer", "busy", "noanswer", "congestion", "wait", "dtmf", "say", "tone", "hangup"}
)


class ScriptError(ValueError):
    pass


def validate_script(script: object) -> Script:
    if not isinstance(script, list):
        raise ScriptError("script must be a list of steps")
    for step in script:
        if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in KNOWN_STEPS:
            raise ScriptError(f"unknown script step {step!r}")
    return list(script)


def spoken_texts(script: Script) -> list[str]:
    return [str(step["say"]) for step in script if "say" in step]


def unscripted(answer_delay: float) -> Script:
    """What an address nobody scripted does: answer after a moment and stay."""
    return [{"ring": answer_delay}, {"answer": True}]


class PartyActor(Protocol):
    """What a party can do to its call; the node core implements it per call."""

    async def dialplan(self, app: str, data: str) -> None: ...
    async def ring(self) -> None: ...
    async def answer(self) -> None: ...
    async def busy(self) -> None: ...
    async def congestion(self) -> None: ...
    async def hangup(self, cause: int) -> None: ...
    async def send_dtmf(self, digits: str) -> None: ...
    async def say(self, text: str) -> None: ...
    async def tone(self, name: str) -> None: ...


Sleep = Callable[[float], Awaitable[None]]

# Asterisk's Answer() settles media for about 500 ms before the dialplan moves on; a
# little less keeps the traces' order when a request follows ~500 ms after an answer.
ANSWER_SETTLE_SECONDS = 0.47
FOREVER_SECONDS = 24 * 3600.0


async def run_script(script: Script, actor: PartyActor, sleep: Sleep) -> None:
    """Play `script` on `actor`; returns when the script ends (the party then stays)."""
    for step in script:
        ((kind, value),) = step.items()
        if kind == "ring":
            await actor.dialplan("Ringing", "")
            await actor.ring()
            await actor.dialplan("Wait", _number_text(value))
            await sleep(float(value))
        elif kind == "noanswer":
            await actor.dialplan("Ringing", "")
            await actor.ring()
            await sleep(FOREVER_SECONDS)
        elif kind == "answer":
            await actor.dialplan("Answer", "")
            await actor.answer()
            await sleep(ANSWER_SETTLE_SECONDS)
        elif kind == "busy":
            await actor.dialplan("Busy", "10")
            await actor.busy()
            return
        elif kind == "congestion":
            await actor.dialplan("Congestion", "5")
            await actor.congestion()
            return
        elif kind == "wait":
            await actor.dialplan("Wait", _number_text(value))
            await sleep(float(value))
        elif kind == "dtmf":
            await actor.dialplan("SendDTMF", str(value))
            await actor.send_dtmf(str(value))
        elif kind == "say":
            await actor.dialplan("Playback", str(value))
            await actor.say(str(value))
        elif kind == "tone":
            await actor.dialplan("Playtones", str(value))
            await actor.tone(str(value))
        elif kind == "hangup":
            cause = int(value.get("cause", 16)) if isinstance(value, dict) else 16
            await actor.dialplan("Hangup", str(cause))
            await actor.hangup(cause)
            return


def _number_text(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)
