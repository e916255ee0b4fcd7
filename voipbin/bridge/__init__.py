"""`voipbin bridge`: ARI → Temporal bridge and node-health sentinel (DESIGN §2, §8).

`router` (pure: ARI event → workflow signal), `bridge` (node sockets → signals),
`sentinel` (node health), `inbound` (starts the call workflow of a new inbound
channel), `node_events` (outbox events + recovery hook), `run` (the composition).
"""

from __future__ import annotations

from voipbin.bridge.run import run_bridge

__all__ = ["run_bridge"]
