"""Baseline: the schema as it was when versioning began (inventory, tasks, sync runs, apply journal).

Idempotent on purpose: a database written before versioning has these tables but no version row;
tables it lacks are created, tables it has are checked for the baseline columns and kept as they are.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from pmpc_tui.state.errors import UnrecognisedSchema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _seen() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("last_seen", TZ, nullable=False), sa.Column("removed_at", TZ, nullable=True)]


def _guest() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("vmid", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False), sa.Column("node", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False), sa.Column("template", sa.Boolean(), nullable=False),
        sa.Column("tags", sa.String(), nullable=False), sa.Column("lock", sa.String(), nullable=True),
        sa.Column("cpus", sa.Float(), nullable=False), sa.Column("cpu", sa.Float(), nullable=False),
        sa.Column("mem", sa.BigInteger(), nullable=False), sa.Column("maxmem", sa.BigInteger(), nullable=False),
        sa.Column("disk", sa.BigInteger(), nullable=False), sa.Column("maxdisk", sa.BigInteger(), nullable=False),
        sa.Column("uptime", sa.BigInteger(), nullable=False), sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False), *_seen(),
    ]


TABLES: dict[str, tuple[Callable[[], list[sa.Column]], tuple[str, ...]]] = {  # type: ignore[type-arg]
    "node": (lambda: [
        sa.Column("name", sa.String(), primary_key=True), sa.Column("status", sa.String(), nullable=False),
        sa.Column("cpu", sa.Float(), nullable=False), sa.Column("maxcpu", sa.Integer(), nullable=False),
        sa.Column("mem", sa.BigInteger(), nullable=False), sa.Column("maxmem", sa.BigInteger(), nullable=False),
        sa.Column("disk", sa.BigInteger(), nullable=False), sa.Column("maxdisk", sa.BigInteger(), nullable=False),
        sa.Column("uptime", sa.BigInteger(), nullable=False), sa.Column("level", sa.String(), nullable=False),
        *_seen()], ()),
    "vm": (_guest, ("name", "node")),
    "container": (_guest, ("name", "node")),
    "storage": (lambda: [
        sa.Column("id", sa.String(), primary_key=True), sa.Column("storage", sa.String(), nullable=False),
        sa.Column("node", sa.String(), nullable=False), sa.Column("type", sa.String(), nullable=False),
        sa.Column("content", sa.String(), nullable=False), sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(), nullable=False), sa.Column("disk", sa.BigInteger(), nullable=False),
        sa.Column("maxdisk", sa.BigInteger(), nullable=False), *_seen()], ("storage", "node")),
    "network": (lambda: [
        sa.Column("id", sa.String(), primary_key=True), sa.Column("node", sa.String(), nullable=False),
        sa.Column("iface", sa.String(), nullable=False), sa.Column("type", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False), sa.Column("address", sa.String(), nullable=True),
        sa.Column("cidr", sa.String(), nullable=True), sa.Column("gateway", sa.String(), nullable=True),
        sa.Column("bridge_ports", sa.String(), nullable=True), sa.Column("vlan_aware", sa.Boolean(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True), *_seen()], ("node",)),
    "task": (lambda: [
        sa.Column("upid", sa.String(), primary_key=True), sa.Column("node", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False), sa.Column("target", sa.String(), nullable=False),
        sa.Column("user", sa.String(), nullable=False), sa.Column("status", sa.String(), nullable=False),
        sa.Column("exitstatus", sa.String(), nullable=True), sa.Column("starttime", sa.BigInteger(), nullable=False),
        sa.Column("endtime", sa.BigInteger(), nullable=True)], ("node",)),
    "syncrun": (lambda: [
        sa.Column("id", sa.Integer(), primary_key=True), sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True), sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        *[sa.Column(n, sa.Integer(), nullable=False) for n in (
            "nodes", "vms", "containers", "storages", "networks", "added", "updated", "removed", "api_calls")]], ()),
    "applyrun": (lambda: [
        sa.Column("id", sa.Integer(), primary_key=True), sa.Column("workspace", sa.String(), nullable=False),
        sa.Column("started_at", TZ, nullable=False), sa.Column("finished_at", TZ, nullable=True),
        sa.Column("status", sa.String(), nullable=False), sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False)], ()),
    "applystep": (lambda: [
        sa.Column("id", sa.Integer(), primary_key=True), sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(), nullable=False), sa.Column("vmid", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(), nullable=False), sa.Column("status", sa.String(), nullable=False),
        sa.Column("upid", sa.String(), nullable=True), sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", TZ, nullable=True), sa.Column("finished_at", TZ, nullable=True)], ("run_id",)),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, (columns, indexed) in TABLES.items():
        if name in existing:
            have = {c["name"] for c in inspector.get_columns(name)}
            missing = sorted({c.name for c in columns()} - have)
            if missing:
                raise UnrecognisedSchema(f"table {name} lacks the columns {', '.join(missing)}")
            continue
        op.create_table(name, *columns())
        for column in indexed:
            op.create_index(f"ix_{name}_{column}", name, [column])


def downgrade() -> None:
    for name in reversed(list(TABLES)):
        op.drop_table(name)
