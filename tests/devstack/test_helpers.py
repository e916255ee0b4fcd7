"""Pure helpers of the dev stack: URL rewriting, node and port parsing."""

from __future__ import annotations

from voipbin.devstack.children import (
    SIMULATOR_ARGS,
    child_env,
    simulator_ari_nodes,
    simulator_nodes,
    temporal_frontend_port,
)
from voipbin.devstack.databases import connect_kwargs, with_database


def test_with_database_keeps_server_driver_and_socket_readable() -> None:
    url = "postgresql://postgres:@/postgres?host=/tmp/x/postgres"
    assert with_database(url, "voipbin") == (
        "postgresql+asyncpg://postgres:@/voipbin?host=/tmp/x/postgres"
    )


def test_with_database_keeps_an_escaped_password() -> None:
    url = "postgresql+asyncpg://app:p%40ss@db.internal:5433/prod"
    assert with_database(url, "voipbin_test_1") == (
        "postgresql+asyncpg://app:p%40ss@db.internal:5433/voipbin_test_1"
    )


def test_connect_kwargs_for_tcp_and_unix_socket() -> None:
    assert connect_kwargs("postgresql://app:p%40ss@db.internal:5433/prod") == {
        "user": "app",
        "password": "p@ss",
        "host": "db.internal",
        "port": 5433,
        "database": "prod",
    }
    assert connect_kwargs("postgresql+asyncpg://postgres@/voipbin?host=/run/pg") == {
        "user": "postgres",
        "host": "/run/pg",
        "database": "voipbin",
    }


def test_simulator_nodes_come_from_the_one_command_line() -> None:
    nodes = simulator_nodes()
    assert [(node.name, node.port) for node in nodes] == [("call-1", 18088), ("call-2", 18089)]
    assert nodes[0].ari_url == "http://127.0.0.1:18088/ari"
    assert "--recordings-dir" in SIMULATOR_ARGS
    # The same nodes, in the `ari.nodes` format the bridge and worker read.
    assert simulator_ari_nodes() == "call-1=http://127.0.0.1:18088,call-2=http://127.0.0.1:18089"


def test_temporal_frontend_port() -> None:
    assert temporal_frontend_port("127.0.0.1:7299") == 7299
    assert temporal_frontend_port("temporal.example.com") == 7233


def test_child_env_points_children_at_the_servers_in_dev_mode() -> None:
    env = child_env(
        {"PATH": "/bin", "DATABASE_URL": "postgresql://old/old"},
        database_url="postgresql+asyncpg://postgres@/voipbin?host=/s",
        redis_url="redis://127.0.0.1:6390/0",
        temporal_address="127.0.0.1:7233",
    )
    assert env["PATH"] == "/bin"
    assert env["DATABASE_URL"] == "postgresql+asyncpg://postgres@/voipbin?host=/s"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert env["TEMPORAL_ADDRESS"] == "127.0.0.1:7233"
    assert env["VOIPBIN_ENVIRONMENT"] == "dev"


def test_child_env_keeps_ari_nodes_a_developer_set() -> None:
    mine = "call-1=http://10.0.0.5:8088"
    env = child_env(
        {"VOIPBIN_ARI__NODES": mine},
        database_url="postgresql+asyncpg://x@/y",
        redis_url="redis://127.0.0.1:1/0",
        temporal_address="127.0.0.1:7233",
        ari_nodes=simulator_ari_nodes(),
    )
    assert env["VOIPBIN_ARI__NODES"] == mine
    env = child_env(
        {},
        database_url="postgresql+asyncpg://x@/y",
        redis_url="redis://127.0.0.1:1/0",
        temporal_address="127.0.0.1:7233",
        ari_nodes=simulator_ari_nodes(),
    )
    assert env["VOIPBIN_ARI__NODES"] == simulator_ari_nodes()
