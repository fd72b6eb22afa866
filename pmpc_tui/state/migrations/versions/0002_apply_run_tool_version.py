"""The apply journal records which proxmox-mpc version ran each apply (resuming after an upgrade shows it)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("applyrun")}
    if "tool_version" in have:  # created new from the models but stopped before the version row was written
        return
    op.add_column("applyrun", sa.Column("tool_version", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("applyrun", "tool_version")
