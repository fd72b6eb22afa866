"""The apply journal records which proxmox-mpc version ran each apply (resuming after an upgrade shows it)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applyrun", sa.Column("tool_version", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("applyrun", "tool_version")
