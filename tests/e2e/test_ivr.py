"""The issue's IVR end to end over the public API: "press 1 for sales, 2 for support" with a
scripted caller pressing 2. The support branch runs and records the caller, the recording
carries speech and only its owner can fetch it, webhooks arrive signed and in order, and
a `callUpdated` subscription sees ringing → progressing → hangup live."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import uuid
import wave
from typing import Any

import httpx
import numpy as np
import orjson

from tests.api.conftest import error_code, new_tenant
from tests.e2e.conftest import Stack
from tests.helpers.events import WAIT, WsClient
from voipbin.customers.models import Customer
from voipbin.db import transaction

SALES = "00000000-0000-0000-0000-00000000b001"
SUPPORT = "00000000-0000-0000-0000-00000000b002"
END = "00000000-0000-0000-0000-00000000b003"

IVR = [
    {"type": "answer"},
    {"type": "talk", "option": {"text": "Press 1 for sales, 2 for support."}},
    {"type": "digits_receive", "option": {"duration": 20000, "length": 1}},
    {"type": "branch", "option": {"target_ids": {"1": SALES, "2": SUPPORT}}},
    {"id": SALES, "type": "talk", "option": {"text": "Sales."}, "nextId": END},
    {"id": SUPPORT, "type": "recording_start", "option": {"format": "wav"}},
    {"type": "sleep", "option": {"duration": 3000}},
    {"type": "recording_stop"},
    {"id": END, "type": "hangup"},
]

CREATE_FLOW = "mutation($i:CreateFlowInput!){createFlow(input:$i){id}}"
CREATE_CALL = "mutation($i:CreateCallInput!){createCall(input:$i){id status activeflowId}}"
CALL_UPDATED = "subscription($id:UUID!){callUpdated(id:$id){id status hangupBy hangupReason}}"
RECORDINGS = """query($c:UUID!){recordings(filter:{referenceId:$c}){edges{node{
id status downloadUrl}}}}"""
ACTIVEFLOW = "query($id:UUID!){activeflow(id:$id){status executedActions}}"


def _speech_energy(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


async def _statuses(ws: WsClient, op: str) -> list[str]:
    seen: list[str] = []
    while True:
        message = await ws.next(op)
        if message["type"] == "complete":
            return seen
        assert message["type"] == "next", message
        status = message["payload"]["data"]["callUpdated"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)


async def test_ivr_support_branch_records_and_reports_everything(stack: Stack) -> None:
    h, api = stack.h, stack.api
    tenant = await new_tenant(api, stack.root_auth)
    hook_url, hook = stack.receiver.endpoint()
    async with transaction(h.services.sessions) as session:
        customer = await session.get(Customer, uuid.UUID(tenant.customer_id))
        assert customer is not None
        customer.webhook_uri = hook_url
        secret = customer.webhook_secret
    flow = (await api.ok(CREATE_FLOW, {"i": {"name": "ivr", "actions": IVR}}, auth=tenant.auth))[
        "createFlow"
    ]
    await h.script(
        "+15550002000",
        [
            {"ring": 10},
            {"answer": True},
            {"wait": 30},
            {"dtmf": "2"},
            # speaks on (media runs 10x faster in tests) so the recording window hears it
            *[
                step
                for _ in range(12)
                for step in ({"say": "I need help with my order"}, {"wait": 3})
            ],
            {"wait": 120},
        ],
    )
    ws = await WsClient.open(stack.base_url, tenant.auth)
    calls = (
        await api.ok(
            CREATE_CALL,
            {
                "i": {
                    "source": {"type": "TEL", "target": "+15550000001"},
                    "destinations": [{"type": "TEL", "target": "+15550002000"}],
                    "flowId": flow["id"],
                }
            },
            auth=tenant.auth,
        )
    )["createCall"]
    call_id = calls[0]["id"]
    op = await ws.subscribe(CALL_UPDATED, {"id": call_id})
    statuses = await _statuses(ws, op)
    await ws.close()
    assert statuses[-3:] == ["RINGING", "PROGRESSING", "HANGUP"] or statuses[-4:] == [
        "RINGING",
        "PROGRESSING",
        "TERMINATING",
        "HANGUP",
    ], statuses

    # the support branch ran: the recording exists, has the caller's speech, owner-only
    edges = (await api.ok(RECORDINGS, {"c": call_id}, auth=tenant.auth))["recordings"]["edges"]
    assert len(edges) == 1 and edges[0]["node"]["status"] == "ENDED"
    recording = edges[0]["node"]
    async with httpx.AsyncClient(base_url=stack.base_url) as http:
        wav = await http.get(recording["downloadUrl"])
        assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
        assert _speech_energy(wav.content) > 300  # silence is 0; speech is thousands
        other = await new_tenant(api, stack.root_auth, "Other Co")
        foreign = await http.get(
            f"/recordings/{recording['id']}/file", headers={"Authorization": other.auth}
        )
        assert foreign.status_code == 404
        owner = await http.get(
            f"/recordings/{recording['id']}/file", headers={"Authorization": tenant.auth}
        )
        assert owner.status_code == 200
    body = await api.gql(
        "query($id:UUID!){recording(id:$id){id}}", {"id": recording["id"]}, auth=other.auth
    )
    assert error_code(body) == "NOT_FOUND"

    # webhooks: signed with the customer secret, call events in sequence order
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT):
        while not any(e["type"] == "call_hangup" for e in received):
            headers, raw = await hook.requests.get()
            stamp, signature = headers["x-voipbin-timestamp"], headers["x-voipbin-signature"]
            expected = hmac.new(secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256)
            assert signature == f"sha256={expected.hexdigest()}"
            received.append(orjson.loads(raw))
    call_events = [e for e in received if e["resource_id"] == call_id]
    assert [e["sequence"] for e in call_events] == sorted(e["sequence"] for e in call_events)
    types = [e["type"] for e in call_events]
    assert types[0] == "call_created" and types[-1] == "call_hangup"
    assert types.index("call_ringing") < types.index("call_progressing")
    recording_types = [e["type"] for e in received if e["resource_type"] == "recording"]
    assert recording_types == ["recording_started", "recording_finished"]
