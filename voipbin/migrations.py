"""Alembic driven from code, so `voipbin migrate`, `voipbin dev` and tests share one path."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from alembic import command

_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(_ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade_to(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade_to(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
