"""Nested objects go through DataLoaders: statement count stays flat as rows grow."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.api.conftest import Api, Tenant
from voipbin.services import Services

NESTED = "{ agents(first: 100) { edges { node { username customer { id name } } } } }"
AUDIT = (
    "{ auditLogs(first: 100) { edges { node { action agent { username customer { name } } } } } }"
)


@contextmanager
def count_statements(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


async def _add_agents(api: Api, tenant: Tenant, n: int, start: int) -> None:
    for i in range(start, start + n):
        await api.ok(
            'mutation($u:String!){createAgent(input:{username:$u,password:"agent-password"}){id}}',
            {"u": f"{tenant.username}-a{i}"},
            auth=tenant.auth,
        )


async def test_nested_list_queries_issue_a_constant_number_of_statements(
    api: Api, tenant: Tenant, services: Services
) -> None:
    await _add_agents(api, tenant, 2, 0)
    with count_statements(services) as few:
        small = await api.ok(NESTED, auth=tenant.auth)
        await api.ok(AUDIT, auth=tenant.auth)
    await _add_agents(api, tenant, 12, 2)
    with count_statements(services) as many:
        big = await api.ok(NESTED, auth=tenant.auth)
        await api.ok(AUDIT, auth=tenant.auth)
    assert len(small["agents"]["edges"]) == 3 and len(big["agents"]["edges"]) == 15
    assert len(many) == len(few), (few, many)
