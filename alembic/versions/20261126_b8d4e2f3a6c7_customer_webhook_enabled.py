"""customer webhook URL: enabled flag, disabled reason, last success

Revision ID: b8d4e2f3a6c7
Revises: a7c3f1d2e4b5
Create Date: 2026-11-26 11:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'b8d4e2f3a6c7'
down_revision: str | None = 'a7c3f1d2e4b5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('customers', sa.Column('webhook_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('customers', sa.Column('webhook_disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=255), server_default='', nullable=False))
    op.add_column('customers', sa.Column('tm_webhook_last_success', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('customers', 'tm_webhook_last_success')
    op.drop_column('customers', 'webhook_disabled_reason')
    op.drop_column('customers', 'webhook_enabled')
