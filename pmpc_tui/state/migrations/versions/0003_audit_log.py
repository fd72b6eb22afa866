"""The web server's audit log: one row per state-changing request (who, what, target, result, correlation ID)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "auditentry" in sa.inspect(op.get_bind()).get_table_names():  # created new from the models already
        return
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("client", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.String(), nullable=False),
    )
    op.create_index("ix_auditentry_at", "auditentry", ["at"])


def downgrade() -> None:
    op.drop_index("ix_auditentry_at", table_name="auditentry")
    op.drop_table("auditentry")
