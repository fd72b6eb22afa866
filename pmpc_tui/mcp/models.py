"""What each MCP tool returns: typed models, so the server publishes `outputSchema` and `structuredContent`.

Field names are those of the services' JSON (the CLI's `--output json` shows the same); a field a service adds
later still passes through (`extra="allow"`) until it is described here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """Base of every tool result: known fields are described, new ones still pass through."""

    model_config = ConfigDict(extra="allow")


class GuestOutcome(Out):
    """What an operation on one guest did: the fields every such result shares."""

    vmid: int = Field(description="the guest's VMID")
    name: str = Field(description="the guest's name")
    exitstatus: str | None = Field(description="'OK', or the error the task ended with")
    message: str = Field(description="one line saying what happened")
    notice: str | None = Field(default=None, description="the drift notice when the workspace's code manages the "
                                                         "guest")


# ---- guests -----------------------------------------------------------------------------------
class GuestRow(Out):
    vmid: int = Field(description="the guest's VMID")
    name: str = Field(description="the guest's name")
    node: str = Field(description="the node it runs on")
    status: str = Field(description="running, stopped or paused")
    cpus: float = Field(description="virtual CPUs")
    cpu: float = Field(description="CPU use, 0..1 of its CPUs")
    mem: int = Field(description="memory in use, bytes")
    maxmem: int = Field(description="memory size, bytes")
    maxdisk: int = Field(description="disk size, bytes")
    uptime: int = Field(description="seconds since start (0 when stopped)")
    tags: str = Field(description="tags, separated by ';'")
    template: bool = Field(description="true for a template (cannot run)")
    lock: str | None = Field(description="the config lock a task holds (backup, migrate …), else null")


class GuestList(Out):
    guests: list[GuestRow] = Field(description="matching guests, by VMID")


class SearchHit(GuestRow):
    type: Literal["vm", "ct"] = Field(description="vm or ct")


class SearchResult(Out):
    guests: list[SearchHit] = Field(description="guests whose name, VMID, node, status or tags contain the text")


class GuestTask(Out):
    type: str = Field(description="task type (qmstart, vzdump …)")
    status: str = Field(description="'running', 'OK' or the error it ended with")
    upid: str = Field(description="the task's UPID (for tasks(upid=…))")


class GuestDetails(Out):
    vmid: int
    name: str
    node: str
    type: Literal["qemu", "lxc"] = Field(description="qemu (VM) or lxc (container)")
    status: str | None = Field(description="running, stopped or paused")
    uptime: int = Field(description="seconds since start")
    cpu: float = Field(description="CPU use, 0..1 of its CPUs")
    mem: int = Field(description="memory in use, bytes")
    maxmem: int = Field(description="memory size, bytes")
    config: dict[str, Any] = Field(description="the PVE config (keys as in /nodes/N/qemu|lxc/VMID/config)")
    digest: str | None = Field(description="the config digest (changes with every config change)")
    snapshots: list[str] = Field(description="snapshot names")
    recent_tasks: list[GuestTask] = Field(description="the guest's last tasks, newest first")


# ---- health, validate, plan ------------------------------------------------------------------
class HealthCheck(Out):
    check: str = Field(description="what was checked")
    status: Literal["ok", "warning", "critical"]
    detail: str
    next_step: str = Field(description="what to do when it is not ok (empty when ok)")


class Health(Out):
    overall: Literal["ok", "warning", "critical"] = Field(description="the worst status of the checks")
    checks: list[HealthCheck]


class Finding(Out):
    where: str = Field(description="file:line or resource address")
    message: str
    severity: str = Field(description="error or warning")


class Validation(Out):
    valid: bool = Field(description="true when no finding is an error")
    findings: list[Finding]


class AttributeChange(Out):
    key: str = Field(description="the PVE config key (memory, scsi0 …)")
    before: Any = Field(description="the cluster's value")
    after: Any = Field(description="the code's value")
    impact: str = Field(description="in-place, reboot, disruptive or destructive")
    op: str = Field(description="set, delete, resize, move, detach, start, shutdown …")
    detail: str


class ResourceChange(Out):
    address: str = Field(description="the Terraform resource address")
    kind: str = Field(description="qemu or lxc for a guest; pool, backup_job, ha_resource, ha_rule, "
                                  "firewall_… for a cluster object")
    vmid: int | None
    name: str
    node: str
    action: Literal["create", "update", "replace", "delete", "no-op"]
    changes: list[AttributeChange]
    reason: str
    impact: str = Field(description="its most severe change: in-place, reboot, disruptive or destructive")


class Plan(Out):
    """The plan's JSON format (docs/plan-apply.md)."""

    format_version: int
    created_at: float
    workspace: str
    summary: dict[str, int] = Field(description="resources (guests and cluster objects) per action: "
                                             "create, update, replace, delete, no-op")
    impact: dict[str, int] = Field(description="changing resources per impact")
    errors: list[str] = Field(description="what stops the plan from being applied")
    resources: list[ResourceChange]


# ---- tasks ---------------------------------------------------------------------------------------
class TaskRow(Out):
    upid: str
    node: str
    type: str = Field(description="task type (qmstart, vzdump, qmigrate …)")
    id: str = Field(description="what it works on (a VMID for guest tasks)")
    user: str
    status: str = Field(description="'running', 'OK' or the error it ended with")
    starttime: int = Field(description="Unix time it started")


class Tasks(Out):
    tasks: list[TaskRow] = Field(description="the newest first (empty when upid was given)")
    upid: str | None = Field(description="the task whose log is given, else null")
    log: list[str] | None = Field(description="that task's log lines, else null")


# ---- report --------------------------------------------------------------------------------------
class Report(Out):
    bundle: str | None = Field(description="path of the written zip (null on a read-only server)")
    files: dict[str, str] | None = Field(description="the bundle's files and their text (read-only server), "
                                                     "else null")
    prompt: str = Field(description="a prompt to hand an assistant along with the bundle")


# ---- changes -------------------------------------------------------------------------------------
class FileOutcome(Out):
    path: str
    action: str = Field(description="created, updated, unchanged …")
    new_path: str | None
    diff: str | None


class Created(Out):
    kind: str = Field(description="qemu or lxc for a guest; pool, backup_job, ha_resource, ha_rule, "
                                  "firewall_… for a cluster object")
    vmid: int
    name: str
    node: str
    address: str = Field(description="its Terraform resource address")
    dry_run: bool
    files: list[FileOutcome] = Field(description="the files written")


class Synced(Out):
    run_id: int | None
    duration_ms: int
    nodes: int
    vms: int
    containers: int
    storages: int
    networks: int
    added: int
    updated: int
    removed: int
    api_calls: int
    unreachable_nodes: list[str]


class Action(Out):
    action: str = Field(description="start, stop, shutdown, reboot, suspend, resume or delete")
    vmid: int
    name: str
    node: str
    type: Literal["qemu", "lxc"]
    dry_run: bool
    upid: str | None = Field(description="the task's UPID")
    exitstatus: str | None = Field(description="'OK' when the task finished well")


class Applied(Out):
    summary: str = Field(description="apply #N: how many steps were done")
    progress: list[str] = Field(description="each step as it ran")


# ---- snapshots --------------------------------------------------------------------------------
class SnapshotRow(Out):
    name: str = Field(description="the snapshot's name ('current' is the guest's present state: You are here)")
    parent: str | None = Field(description="the snapshot it was taken from, null at the root")
    snaptime: int | None = Field(description="when it was taken, Unix time (null for current)")
    vmstate: bool | None = Field(description="true when the RAM of a running VM was saved (null for containers)")
    description: str = Field(description="the description given when it was taken")
    current: bool = Field(description="true for the 'current' entry")
    depth: int = Field(description="level below the root of the tree")


class SnapshotListing(Out):
    guest: str = Field(description="the guest, e.g. 'VM 101 (web-01)'")
    snapshots: list[SnapshotRow] = Field(description="the tree in display order, parents before children")


class SnapshotResult(GuestOutcome):
    action: Literal["create", "rollback", "delete"] = Field(description="what was done")
    node: str = Field(description="the guest's node")
    snapshot: str = Field(description="the snapshot's name")
    upid: str | None = Field(description="the task's UPID")
    status: str | None = Field(description="the guest's status afterwards")


# ---- backups ----------------------------------------------------------------------------------
class BackupRow(Out):
    volid: str = Field(description="the archive's volume ID (restore_backup takes it)")
    storage: str = Field(description="the storage holding it (PBS datastores included)")
    node: str = Field(description="the node whose storage holds it, '(shared)' for shared storage")
    vmid: int = Field(description="the guest it is a backup of")
    type: Literal["vm", "ct"] = Field(description="vm or ct")
    size: int = Field(description="size in bytes")
    ctime: int = Field(description="when it was made, Unix time")
    notes: str = Field(description="the archive's notes")
    protected: bool = Field(description="true when protected from deletion and pruning")


class BackupListing(Out):
    backups: list[BackupRow] = Field(description="archives, newest first")


class BackupJob(Out):
    node: str = Field(description="the node whose vzdump task backs up these guests")
    vmids: list[int] = Field(description="the guests in this task")
    upid: str | None = Field(description="the vzdump task's UPID")
    exitstatus: str | None = Field(description="'OK', or the error the task ended with")


class BackupResult(Out):
    storage: str = Field(description="the storage the archives go to")
    mode: Literal["snapshot", "suspend", "stop"] = Field(description="the vzdump mode")
    compress: str = Field(description="the compression")
    jobs: list[BackupJob] = Field(description="one vzdump task per node")
    message: str = Field(description="one line saying what happened")


class RestoreResult(Out):
    volid: str = Field(description="the archive restored")
    vmid: int = Field(description="the VMID restored to")
    node: str | None = Field(description="the node restored on")
    type: Literal["vm", "ct"] = Field(description="vm or ct")
    overwrites: str | None = Field(description="the guest replaced, null when the VMID was free")
    upid: str | None = Field(description="the restore task's UPID")
    exitstatus: str | None = Field(description="'OK', or the error the task ended with")
    message: str = Field(description="one line saying what happened")
    notice: str | None = Field(default=None, description="the drift notice when the workspace's code manages the "
                                                         "guest")


class ProposalTarget(Out):
    kind: Literal["vm", "ct"] = Field(description="vm or ct")
    vmid: int | None = Field(description="the guest's VMID (null for a guest `create` adds)")
    name: str = Field(description="the guest's name")
    node: str = Field(description="its node ('' when unknown)")


class Proposal(Out):
    understood: bool = Field(description="true when the request became commands that may be run")
    commands: list[str] = Field(description="proxmox-mpc command lines (registry syntax, e.g. 'stop vm 101')")
    targets: list[ProposalTarget] = Field(description="every guest the commands act on")
    risk: Literal["read", "change", "disruptive", "destructive"] = Field(
        description="the highest risk class of the commands, from the command registry")
    needs_confirmation: bool = Field(description="true when the user must agree before any of it runs")
    confidence: float = Field(description="0..1")
    explanation: str = Field(description="what the commands do, what was left out or refused, and why")
