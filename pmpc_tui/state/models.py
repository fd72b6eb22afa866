"""SQLModel tables for the cluster state the tool knows: inventory, tasks and sync runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def running_version() -> str:
    """The version of this proxmox-mpc."""
    from pmpc_tui import __version__

    return __version__


class Node(SQLModel, table=True):
    """A cluster node as last seen."""

    name: str = Field(primary_key=True)
    status: str = "unknown"
    cpu: float = 0.0
    maxcpu: int = 0
    mem: int = Field(default=0, sa_type=BigInteger)
    maxmem: int = Field(default=0, sa_type=BigInteger)
    disk: int = Field(default=0, sa_type=BigInteger)
    maxdisk: int = Field(default=0, sa_type=BigInteger)
    uptime: int = Field(default=0, sa_type=BigInteger)
    level: str = ""
    last_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    removed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class GuestColumns(SQLModel):
    """Columns shared by VMs and containers."""

    vmid: int = Field(primary_key=True)
    name: str = Field(default="", index=True)
    node: str = Field(default="", index=True)
    status: str = "unknown"
    template: bool = False
    tags: str = ""
    lock: str | None = None
    cpus: float = 0
    cpu: float = 0.0
    mem: int = Field(default=0, sa_type=BigInteger)
    maxmem: int = Field(default=0, sa_type=BigInteger)
    disk: int = Field(default=0, sa_type=BigInteger)
    maxdisk: int = Field(default=0, sa_type=BigInteger)
    uptime: int = Field(default=0, sa_type=BigInteger)
    config: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    digest: str = ""
    last_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    removed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class VM(GuestColumns, table=True):
    """A QEMU virtual machine."""

    __tablename__ = "vm"


class Container(GuestColumns, table=True):
    """An LXC container."""

    __tablename__ = "container"


class Storage(SQLModel, table=True):
    """A storage as seen from one node (shared storage appears once per node, like PVE shows it)."""

    id: str = Field(primary_key=True)  # storage/<node>/<storage>
    storage: str = Field(index=True)
    node: str = Field(index=True)
    type: str = ""
    content: str = ""
    shared: bool = False
    status: str = "unknown"
    disk: int = Field(default=0, sa_type=BigInteger)
    maxdisk: int = Field(default=0, sa_type=BigInteger)
    last_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    removed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Network(SQLModel, table=True):
    """A network interface (bridge, bond, NIC, VLAN) of a node."""

    id: str = Field(primary_key=True)  # <node>/<iface>
    node: str = Field(index=True)
    iface: str
    type: str = ""
    active: bool = False
    address: str | None = None
    cidr: str | None = None
    gateway: str | None = None
    bridge_ports: str | None = None
    vlan_aware: bool = False
    comments: str | None = Field(default=None, sa_type=Text)
    last_seen: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    removed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Task(SQLModel, table=True):
    """A PVE task (UPID) the tool has seen or started."""

    upid: str = Field(primary_key=True)
    node: str = Field(index=True)
    type: str = ""
    target: str = ""
    user: str = ""
    status: str = "running"
    exitstatus: str | None = None
    starttime: int = Field(default=0, sa_type=BigInteger)
    endtime: int | None = Field(default=None, sa_type=BigInteger)


class SyncRun(SQLModel, table=True):
    """One completed sync: when, how long, and what it found."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    duration_ms: int = 0
    status: str = "ok"
    nodes: int = 0
    vms: int = 0
    containers: int = 0
    storages: int = 0
    networks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    api_calls: int = 0


class ApplyRun(SQLModel, table=True):
    """One apply: its plan, and how it ended (running until it finishes — so a crash leaves it running)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = ""
    started_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    status: str = "running"  # running | done | failed | interrupted | abandoned | resumed
    plan: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    summary: str = Field(default="", sa_type=Text)
    # the proxmox-mpc that ran it (schema 0002); '' for applies journaled before that
    tool_version: str = Field(default_factory=running_version, sa_column_kwargs={"server_default": ""})


class ApplyStep(SQLModel, table=True):
    """One step of an apply, journaled before it runs (`running`) and after (`done` / `failed`)."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True)
    address: str = ""
    vmid: int | None = None
    action: str = ""
    status: str = "pending"  # pending | running | done | failed | skipped
    upid: str | None = None
    error: str | None = Field(default=None, sa_type=Text)
    started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AuditEntry(SQLModel, table=True):
    """One state-changing web request (schema 0003): who, what, on which target, how it ended, its correlation ID."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    who: str = ""  # user@realm, or user@realm!token
    client: str = ""  # the caller's address
    action: str = ""  # login, logout, start, apply, snapshot create …
    target: str = Field(default="", sa_type=Text)
    result: str = Field(default="", sa_type=Text)  # ok, or the error's code and message (secrets masked)
    correlation_id: str = ""
