"""Prometheus metrics (DESIGN §11). Defined once; imported where observed."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "voipbin_http_requests_total", "HTTP requests served", ["method", "path", "status"]
)
GRAPHQL_DURATION = Histogram(
    "voipbin_graphql_operation_duration_seconds",
    "GraphQL operation duration",
    ["operation_type", "operation_name", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
