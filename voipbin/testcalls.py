"""Test calls for the web console: a scripted caller dials one of your numbers through the
PBX simulator, so a new user can watch a flow run without a phone.

Only in `dev`/`test`: the simulator's `/sim` control API does not exist in production,
and the browser cannot reach it cross-origin, so the API proxies it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from voipbin.audit.service import record
from voipbin.auth.principal import MANAGER_OR_ADMIN, Principal, RequestMeta
from voipbin.config import Settings
from voipbin.db import transaction
from voipbin.errors import Conflict, Forbidden, InvalidInput
from voipbin.services import Services

_E164 = re.compile(r"^\+[1-9][0-9]{3,14}$")
MAX_STEPS = 50
MAX_WAIT_SECONDS = 600.0
MAX_SAY_CHARS = 500
_DIGITS = re.compile(r"^[0-9*#A-Da-d]{1,32}$")


class SimulatorUnavailable(Conflict):
    """The simulator did not take the call (not running, or it refused the request)."""


@dataclass(frozen=True)
class TestCallStep:
    """One step of the scripted caller; exactly one field is set."""

    __test__ = False  # not a pytest class despite the name

    wait: float | None = None
    dtmf: str | None = None
    say: str | None = None
    hangup: bool | None = None


@dataclass(frozen=True)
class PlacedTestCall:
    channel_id: str
    node: str
    from_: str
    to: str


DEFAULT_SIM_URL = "http://127.0.0.1:18088"


def call_node_url(nodes: str) -> str:
    """Base URL of the first call node in an `ari.nodes` value (`[role:]name=url`, ...)."""
    for item in nodes.split(","):
        head, sep, url = item.strip().partition("=")
        if not sep or not url:
            continue
        role, _, name = head.rpartition(":")
        farm = role or name.rsplit("-", 1)[0]
        if farm == "call":
            return url.rstrip("/")
    raise SimulatorUnavailable("No call node is configured in VOIPBIN_ARI__NODES")


def simulator_url(settings: Settings) -> str:
    """`testcalls.sim_url`, else the first call node of `ari.nodes` (the telephony settings
    group, when this build has it), else the dev stack's first node."""
    if settings.testcalls.sim_url:
        return settings.testcalls.sim_url.rstrip("/")
    ari = getattr(settings, "ari", None)
    nodes = getattr(ari, "nodes", None)
    if isinstance(nodes, str) and nodes.strip():
        return call_node_url(nodes)
    return DEFAULT_SIM_URL


def build_script(steps: list[TestCallStep]) -> list[dict[str, Any]]:
    """The simulator script: the caller is the far end; voipbin answers, so the script
    starts after the answer with what the caller does."""
    if not steps:
        raise InvalidInput("script", "The script needs at least one step")
    if len(steps) > MAX_STEPS:
        raise InvalidInput("script", f"The script may have at most {MAX_STEPS} steps")
    script: list[dict[str, Any]] = []
    for index, step in enumerate(steps):
        field = f"script[{index}]"
        given = [k for k, v in vars(step).items() if v is not None]
        if len(given) != 1:
            raise InvalidInput(field, "Each step sets exactly one of wait, dtmf, say, hangup")
        if step.wait is not None:
            if not 0 < step.wait <= MAX_WAIT_SECONDS:
                raise InvalidInput(f"{field}.wait", f"Wait between 0 and {MAX_WAIT_SECONDS:g} s")
            script.append({"wait": step.wait})
        elif step.dtmf is not None:
            if not _DIGITS.match(step.dtmf):
                raise InvalidInput(f"{field}.dtmf", "Digits are 0-9, *, # or A-D (up to 32)")
            script.append({"dtmf": step.dtmf})
        elif step.say is not None:
            if not step.say.strip() or len(step.say) > MAX_SAY_CHARS:
                raise InvalidInput(f"{field}.say", f"Say 1 to {MAX_SAY_CHARS} characters")
            script.append({"say": step.say})
        elif step.hangup:
            script.append({"hangup": True})
        else:
            raise InvalidInput(f"{field}.hangup", "hangup must be true when given")
    return script


class TestCalls:
    __test__ = False  # not a pytest class despite the name

    def __init__(self, services: Services) -> None:
        self.services = services

    async def place(
        self,
        principal: Principal,
        meta: RequestMeta,
        *,
        to: str,
        from_: str,
        steps: list[TestCallStep],
    ) -> PlacedTestCall:
        principal.require(MANAGER_OR_ADMIN)
        settings = self.services.settings
        if settings.environment not in ("dev", "test"):
            raise Forbidden("Test calls exist only in dev and test environments")
        if not _E164.match(to):
            raise InvalidInput("to", "`to` must be an E.164 number such as +15559990000")
        if not _E164.match(from_):
            raise InvalidInput("from", "`from` must be an E.164 number such as +15550001111")
        script = build_script(steps)
        url = simulator_url(settings) + "/sim/inbound"
        try:
            resp = await self.services.http.post(
                url,
                json={"from": from_, "to": to, "script": script},
                timeout=settings.testcalls.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            raise SimulatorUnavailable(
                f"The PBX simulator is not reachable ({type(exc).__name__});"
                " is `voipbin dev` running?"
            ) from None
        if resp.status_code != 201:
            raise SimulatorUnavailable(f"The PBX simulator refused the call: {resp.text[:200]}")
        body = resp.json()
        placed = PlacedTestCall(
            channel_id=str(body["channel_id"]), node=str(body["node"]), from_=from_, to=to
        )
        async with transaction(self.services.sessions) as session:
            await record(
                session,
                meta=meta,
                action="testcall.place",
                principal=principal,
                resource_type="test_call",
                after={"from": from_, "to": to, "script": script, "channel_id": placed.channel_id},
            )
        return placed
