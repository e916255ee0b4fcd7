"""The `voipbin` command: the composition root.

Imports happen inside each command so `voipbin --help` stays instant and importing this
module starts nothing (STYLE §3.13).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from voipbin.config import Settings

app = typer.Typer(
    help="voipbin: open, self-hostable CPaaS (calls, flows, events, webhooks) behind GraphQL.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    from voipbin.config import Settings

    return Settings()


@app.command()
def dev(
    state_dir: Path = typer.Option(
        None, help="Folder for embedded PostgreSQL/Redis/Temporal data (default .voipbin)."
    ),
    api_port: int = typer.Option(None, help="API port (default 8000)."),
) -> None:
    """Start everything on one machine: embedded PostgreSQL, Redis, Temporal dev server
    (UI :8233), PBX simulator nodes, worker, bridge and API; seed a demo customer.
    Uses DATABASE_URL / REDIS_URL / TEMPORAL_ADDRESS instead when they are set."""
    from voipbin.devstack.supervisor import run_dev

    settings = _settings()
    if state_dir is not None:
        settings.dev.state_dir = state_dir
    if api_port is not None:
        settings.dev.api_port = api_port
    raise typer.Exit(run_dev(settings))


@app.command()
def api(
    host: str = typer.Option(None, help="Bind address (default VOIPBIN_API_HOST)."),
    port: int = typer.Option(None, help="Port (default VOIPBIN_API_PORT)."),
) -> None:
    """Serve the GraphQL API, /health, /ready, /metrics and /console with Hypercorn."""
    from resolvers.server import serve

    settings = _settings()
    if host is not None:
        settings.api_host = host
    if port is not None:
        settings.api_port = port
    serve(settings)


def _fast_event_loop() -> None:
    """uvloop, as `voipbin api` has: the worker and the bridge are socket-bound (every call
    state change is a few DB, Redis, ARI and Temporal round trips)."""
    import uvloop

    uvloop.install()


@app.command()
def worker() -> None:
    """Run the Temporal worker (workflows + activities) and the outbox dispatcher."""
    from voipbin.worker import run_worker

    _fast_event_loop()
    asyncio.run(run_worker(_settings()))


@app.command()
def bridge() -> None:
    """Run the ARI -> Temporal bridge: one ARI WebSocket per Asterisk node, node health
    sentinel; inbound StasisStart starts a CallWorkflow, call events become its signals."""
    from voipbin.bridge import run_bridge

    _fast_event_loop()
    asyncio.run(run_bridge(_settings()))


@app.command()
def migrate(
    revision: str = typer.Argument("head", help="Target revision (head, base, or an id)."),
    downgrade: bool = typer.Option(False, help="Downgrade to REVISION instead of upgrading."),
) -> None:
    """Apply database migrations (never run silently by other commands but `dev`)."""
    from voipbin.migrations import downgrade_to, upgrade_to

    settings = _settings()
    if downgrade:
        downgrade_to(settings.database_url, revision)
    else:
        upgrade_to(settings.database_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def schema(
    output: Path = typer.Option(Path("schema.graphql"), help="Where to write the SDL."),
) -> None:
    """Export the GraphQL schema (SDL) to schema.graphql."""
    from resolvers.root import build_schema

    output.write_text(build_schema().as_str() + "\n")
    typer.echo(f"wrote {output}")


@app.command("create-admin")
def create_admin(
    username: str = typer.Option(..., prompt=True),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create (or reset the password of) a platform admin login."""
    from voipbin.seed import create_platform_admin

    asyncio.run(create_platform_admin(_settings(), username, password))
    typer.echo(f"platform admin {username!r} ready")


@app.command("settings-doc")
def settings_doc() -> None:
    """Print the settings table that README.md carries (generated from the model)."""
    from voipbin.settings_doc import settings_table

    typer.echo(settings_table())


def main() -> None:
    app()
