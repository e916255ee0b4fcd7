"""Every recorded history still replays against today's workflow code (STYLE §2.7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from voipbin.temporal_client import DATA_CONVERTER
from workflows.registry import ALL_WORKFLOWS

HISTORIES = Path(__file__).parent / "histories"
FILES = sorted(HISTORIES.glob("*.json"))
_NAME = re.compile(r"^(?P<workflow>[a-z_]+)__(?P<scenario>[a-z0-9_]+)__v(?P<version>\d+)$")


def _module_name(workflow: type) -> str:
    """`WebhookDeliveryWorkflow` → `webhook_delivery` (the history file prefix)."""
    stem = workflow.__name__.removesuffix("Workflow")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_history_replays(path: Path) -> None:
    assert _NAME.match(path.stem), f"{path.name}: name it <workflow>__<scenario>__v<N>.json"
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=DATA_CONVERTER)
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


def test_every_workflow_has_a_history() -> None:
    recorded = {m.group("workflow") for p in FILES if (m := _NAME.match(p.stem))}
    missing = [w.__name__ for w in ALL_WORKFLOWS if _module_name(w) not in recorded]
    assert not missing, f"record a history for {missing} (tests/workflows/record.py)"
