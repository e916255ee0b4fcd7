"""The client and the simulator stay independent (STYLE §2.9): the ARI client imports
nothing else from voipbin, and the simulator shares no code with the client."""

from __future__ import annotations

import ast
from pathlib import Path

TELEPHONY = Path(__file__).resolve().parents[2] / "telephony"
PROJECT_PACKAGES = ("voipbin", "schema", "resolvers", "workflows", "activities", "telephony")


def project_imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (TELEPHONY / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found |= {n for n in names if n.split(".")[0] in PROJECT_PACKAGES}
    return found


def test_ari_client_imports_only_itself() -> None:
    assert {m for m in project_imports("ari") if not m.startswith("telephony.ari")} == set()


def test_simulator_imports_only_itself() -> None:
    outside = {m for m in project_imports("simulator") if not m.startswith("telephony.simulator")}
    assert outside == set()
