"""The web console in real Chromium: servers started here the way `voipbin dev` runs them
(API over HTTP + WebSocket with the built console, outbox dispatcher, Temporal worker,
PBX simulator, a webhook receiver), two seeded customers, then `npm run test:e2e`
(playwright-core driving Debian's /usr/bin/chromium) must pass.

Skipped only on a developer machine without `web-console/node_modules`; under CI
(`CI` set) a missing piece is a failure, never a skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError

from resolvers.console import DIST
from resolvers.http import create_app
from telephony.simulator.nodes import NodeSpec, Simulator
from tests.api.conftest import ROOT_PASSWORD, ROOT_USER, Api, Tenant, new_tenant
from tests.helpers.events import Receiver, served
from tests.helpers.ports import free_port
from voipbin.config import Settings
from voipbin.seed import create_platform_admin
from voipbin.services import build_services
from workflows.registry import run_workers

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "web-console"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
E2E_TIMEOUT = 600.0  # the whole browser run; a hang fails instead of blocking CI


def _require_tooling() -> None:
    missing = []
    if not (CONSOLE / "node_modules").is_dir():
        missing.append("web-console/node_modules (run `cd web-console && npm ci`)")
    if not CHROMIUM.exists():
        missing.append("/usr/bin/chromium (apt-get install chromium)")
    if shutil.which("npm") is None:
        missing.append("npm")
    if not (DIST / "index.html").is_file():
        missing.append("web-console/dist (run `cd web-console && npm run build`)")
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail("console e2e cannot run in CI: missing " + ", ".join(missing))
    if not (CONSOLE / "node_modules").is_dir():
        pytest.skip("web-console/node_modules is missing (not CI): npm ci in web-console")
    pytest.fail("console e2e: missing " + ", ".join(missing))


NODE = f"call-{uuid.uuid4().hex[:8]}"  # its own name: node health in Redis is per name


@pytest.fixture
async def simulator() -> AsyncIterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory() as recordings:
        sim = Simulator([NodeSpec(NODE, port)], recordings_dir=Path(recordings))
        await sim.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await sim.stop()


async def _own_namespace(settings: Settings, name: str) -> None:
    """A Temporal namespace of this test alone: other sessions' workers (a `voipbin dev`
    under test, say) poll the same default task queues on the same server."""
    client = await Client.connect(settings.temporal_address)
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=name, workflow_execution_retention_period=Duration(seconds=86_400)
        )
    )
    for _ in range(200):  # the frontend serves a new namespace after its cache refresh
        try:
            await client.workflow_service.describe_namespace(
                DescribeNamespaceRequest(namespace=name)
            )
            return
        except RPCError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"namespace {name} never became available")


async def _run_e2e(env: dict[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "npm",
        "run",
        "--silent",
        "test:e2e",
        cwd=CONSOLE,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), E2E_TIMEOUT)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
        return -1, out.decode(errors="replace") + "\n(e2e run timed out)"
    return proc.returncode or 0, out.decode(errors="replace")


async def test_console_in_chromium(settings: Settings, simulator: str) -> None:
    _require_tooling()
    s = settings.model_copy(deep=True)
    s.testcalls.sim_url = simulator
    s.webhooks.allow_cidrs = ["127.0.0.0/8"]
    s.temporal_namespace = f"console-{uuid.uuid4().hex[:8]}"
    await _own_namespace(s, s.temporal_namespace)
    s.events.poll_interval_seconds = 0.2
    s.limits.api_per_minute = 100_000
    s.limits.login_per_minute = 1000
    for group, field, value in (
        # telephony settings, when this build has them: calls on our own simulator, the
        # bridge inside the worker (as `voipbin dev` can run it). Task queues keep their
        # defaults (the bridge starts inbound calls on the default one): the namespace
        # above is what keeps other sessions' workers away.
        ("ari", "nodes", f"{NODE}={simulator}"),
        ("ari", "run_in_worker", True),
    ):
        target = getattr(s, group, None)
        if target is not None and hasattr(target, field):
            setattr(target, field, value)
    services = build_services(s)
    receiver = Receiver()
    # what `voipbin worker` runs: Temporal workers and the outbox dispatcher
    worker = asyncio.create_task(run_workers(s))
    try:
        async with served(create_app(s, services)) as base, served(receiver.app) as hooks:
            receiver.base_url = hooks
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                api = Api(http)
                await create_platform_admin(s, ROOT_USER, ROOT_PASSWORD)
                root = f"Bearer {(await api.login(ROOT_USER, ROOT_PASSWORD))['token']}"
                first: Tenant = await new_tenant(api, root, "First Customer")
                second: Tenant = await new_tenant(api, root, "Second Customer")
                index = await http.get("/console/")
                assert index.status_code == 200, "the console was not served"
            hook_url, _ = receiver.endpoint()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            code, output = await _run_e2e(
                {
                    "CONSOLE_URL": f"{base}/console/",
                    "API_URL": f"{base}/graphql",
                    "SIM_URL": simulator,
                    "WEBHOOK_URL": hook_url,
                    "A_USER": first.username,
                    "A_PASS": first.password,
                    "B_USER": second.username,
                    "B_PASS": second.password,
                    "SCREENSHOT_DIR": str(SCREENSHOTS),
                }
            )
            assert not worker.done(), f"the worker stopped: {worker}"
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
        await services.close()
    print(output)
    assert code == 0, f"npm run test:e2e failed:\n{output[-8000:]}"
