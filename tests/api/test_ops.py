"""/health, /ready, /metrics and request ids."""

from __future__ import annotations

from tests.api.conftest import Api, Tenant
from voipbin.config import Settings
from voipbin.telephony_nodes import parse_nodes


async def test_health_ready_and_metrics(api: Api, tenant: Tenant, settings: Settings) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    ready = await api.client.get("/ready")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) == {"postgres", "redis", "temporal"} and all(
        c["ok"] for c in checks.values()
    )
    # the configured media servers, as the sentinel last saw them (informational)
    nodes = ready.json()["telephony_nodes"]
    assert [n["name"] for n in nodes] == [n.name for n in parse_nodes(settings.ari)]
    assert all(n["status"] in ("UP", "DOWN", "UNKNOWN") for n in nodes)
    await api.ok("query Me { me { permissions } }", auth=tenant.auth)
    metrics = (await api.client.get("/metrics")).text
    assert 'voipbin_graphql_operation_duration_seconds_count{operation_name="Me"' in metrics
    assert "voipbin_http_requests_total" in metrics


async def test_request_id_is_generated_or_echoed(api: Api) -> None:
    generated = (await api.client.get("/health")).headers["x-request-id"]
    assert generated.startswith("req_") and len(generated) == 30
    echoed = await api.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    unsafe = await api.client.get("/health", headers={"X-Request-ID": "bad id <script>"})
    assert unsafe.headers["x-request-id"].startswith("req_")


async def test_unsupported_method_and_introspection(api: Api) -> None:
    resp = await api.client.put("/graphql", json={"query": "{__typename}"})
    assert (
        resp.status_code == 405 and resp.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    )
    intro = await api.gql("{ __schema { queryType { name } } }")
    assert intro["data"]["__schema"]["queryType"]["name"] == "Query"
