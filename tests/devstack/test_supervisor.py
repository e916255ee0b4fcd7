"""The supervisor's own rules, with small real processes standing in for the product's.

`voipbin dev` end to end is in test_dev_command.py; here the children are replaced so
that a child can be made to die on cue.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.ports import free_port
from voipbin.config import Settings
from voipbin.devstack import supervisor
from voipbin.devstack.children import ChildSpec, has_logged
from voipbin.devstack.probes import http_ok, port_is_free

_HEALTHY_SERVER = """
import http.server, sys
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""
_DIES_SOON = """
import time
print("flaky: up", flush=True)
time.sleep(1.0)
print("flaky: lost my connection, giving up", flush=True)
raise SystemExit(7)
"""


def test_a_dying_child_stops_everything_with_its_last_output(
    tmp_path: Path,
    dev_database_url: str,
    redis_url: str,
    temporal_address: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api_port = free_port()

    def children(*_: object, **__: object) -> list[ChildSpec]:
        return [
            ChildSpec(
                "api",
                [sys.executable, "-c", _HEALTHY_SERVER, str(api_port)],
                probe=lambda _child: http_ok(f"http://127.0.0.1:{api_port}/health"),
                ports=(api_port,),
            ),
            ChildSpec("flaky", [sys.executable, "-c", _DIES_SOON], probe=has_logged),
        ]

    monkeypatch.setattr(supervisor, "dev_children", children)
    monkeypatch.setattr(supervisor, "simulator_available", lambda: False)
    settings = Settings(
        environment="test",
        database_url=dev_database_url,
        redis_url=redis_url,
        temporal_address=temporal_address,
    )
    settings.dev.state_dir = tmp_path / "state"
    settings.dev.api_port = api_port

    code = supervisor.run_dev(settings)

    out, err = capsys.readouterr()
    assert code == 1
    assert "voipbin dev is up" in out
    assert "flaky exited unexpectedly" in err
    assert "flaky: lost my connection, giving up" in err
    assert out.index("stopping api") > out.index("voipbin dev is up")
    assert port_is_free(api_port)
    assert "flaky: up" in (tmp_path / "state" / "logs" / "flaky.log").read_text()
