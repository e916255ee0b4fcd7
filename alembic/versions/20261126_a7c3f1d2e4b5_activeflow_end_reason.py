"""activeflow end reason and error

Revision ID: a7c3f1d2e4b5
Revises: 186fd944f67d
Create Date: 2026-11-26 10:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'a7c3f1d2e4b5'
down_revision: str | None = '186fd944f67d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('activeflows', sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=32), server_default='', nullable=False))
    op.add_column('activeflows', sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=2048), server_default='', nullable=False))


def downgrade() -> None:
    op.drop_column('activeflows', 'error')
    op.drop_column('activeflows', 'end_reason')
