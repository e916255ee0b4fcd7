"""The `voipbin` command: the composition root. Imports happen inside each command so
`voipbin --help` stays instant and importing this module starts nothing."""

from __future__ import annotations

import typer

app = typer.Typer(help="voipbin: open, self-hostable CPaaS.", no_args_is_help=True)


def main() -> None:
    app()
