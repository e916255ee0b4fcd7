"""`connect`: dial another party, bridge the first that answers with the call, audio
flows between the two, and the master's flow goes on when the other side leaves."""

from __future__ import annotations

import io
import uuid
import wave

import numpy as np

from tests.calls.conftest import META, CallHarness
from voipbin.calls.service import CreateCall
from workflows.call import CallWorkflow

SOURCE = {"type": "tel", "target": "+15550000001"}
ARI_AUTH = ("voipbin", "voipbin")


def _energy(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


async def test_connect_bridges_two_parties_and_audio_flows(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550003000", [{"answer": True}, {"wait": 600}])
    await h.script(
        "+15550003001",
        [
            {"ring": 5},
            {"answer": True},
            {"wait": 20},
            {"say": "hello from the other side"},
            {"wait": 20},
            {"hangup": True},
        ],
    )
    [master] = await h.calls.create(
        h.principal,
        META,
        CreateCall(
            SOURCE,
            [{"type": "tel", "target": "+15550003000"}],
            actions=[
                {
                    "type": "connect",
                    "option": {"destinations": [{"type": "tel", "target": "+15550003001"}]},
                },
                {"type": "variable_set", "option": {"key": "after", "value": "connect"}},
                {"type": "hangup"},
            ],
        ),
    )
    # record the confbridge's bridge while both are in it: it carries the other's speech
    bridge_id = await h.bridged_together(master.id)
    name = f"connect-{uuid.uuid4().hex[:8]}"
    started = await h.sim.post(
        f"/ari/bridges/{bridge_id}/record", auth=ARI_AUTH, params={"name": name, "format": "wav"}
    )
    assert started.status_code == 201, started.text
    result = await h.result(master.id)
    assert (result.hangup_by, result.hangup_reason, result.errors) == ("local", "normal", [])
    assert (await h.handle(master.id).query(CallWorkflow.view)).variables["after"] == "connect"
    stored = await h.sim.get(f"/ari/recordings/stored/{name}/file", auth=ARI_AUTH)
    assert stored.status_code == 200 and _energy(stored.content) > 300
    row = await h.calls.get(h.principal, master.id)
    [leg_id] = row.chained_call_ids
    leg = await h.calls.get(h.principal, uuid.UUID(leg_id))
    assert (leg.master_call_id, leg.status, leg.hangup_by) == (master.id, "hangup", "remote")
    assert leg.tm_progressing is not None
    await h.keep_history(master.id, "connect")


async def test_connect_to_a_busy_party_goes_on_with_the_flow(call_harness: CallHarness) -> None:
    h = call_harness
    await h.script("+15550003010", [{"answer": True}, {"wait": 600}])
    await h.script("+15550003011", [{"busy": True}])
    [master] = await h.calls.create(
        h.principal,
        META,
        CreateCall(
            SOURCE,
            [{"type": "tel", "target": "+15550003010"}],
            actions=[
                {
                    "type": "connect",
                    "option": {"destinations": [{"type": "tel", "target": "+15550003011"}]},
                },
                {"type": "variable_set", "option": {"key": "after", "value": "connect"}},
                {"type": "hangup"},
            ],
        ),
    )
    result = await h.result(master.id)
    assert (result.hangup_by, result.hangup_reason) == ("local", "normal")
    assert (await h.handle(master.id).query(CallWorkflow.view)).variables["after"] == "connect"
