"""/validate: everything wrong with the workspace's code before a plan runs — parse errors, unknown
arguments, duplicate names and VMIDs, missing nodes/storage/bridges, guests that do not fit their node."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from pmpc_tui.iac.bpg import body_to_config
from pmpc_tui.iac.terraform import DesiredGuest, DesiredState
from pmpc_tui.state.db import Database
from pmpc_tui.workspace.config import Workspace

MiB = 1024**2
_VOLUME = re.compile(r"^([A-Za-z0-9][\w.-]*):")
_BRIDGE = re.compile(r"(?:^|,)bridge=([\w.-]+)")


@dataclass(frozen=True)
class Finding:
    """One problem: where (file:line, resource) and what, with what to do."""

    where: str
    message: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message, "severity": self.severity}


def _code_findings(ws: Workspace, desired: DesiredState) -> list[Finding]:
    """Syntax problems (the same gate plan uses), then unknown arguments in the files that parse."""
    from pmpc_tui.iac.checks import unknown_names
    from pmpc_tui.iac.hcl import HclError

    findings = [Finding(f"{ws.relative(p.path)}:{p.line}:{p.column}", f"does not parse: {p.message}")
                for p in desired.problems]
    broken = {p.path for p in desired.problems}
    for path in sorted(ws.terraform_dir.glob("*.tf")):
        if path in broken:
            continue
        try:
            for u in unknown_names(path.read_text(encoding="utf-8")):
                findings.append(Finding(f"{ws.relative(path)}:{u.line}:{u.column}", u.message))
        except (HclError, OSError, UnicodeDecodeError) as exc:
            findings.append(Finding(ws.relative(path), f"does not parse: {exc}"))
    return findings


def _duplicates(guests: list[DesiredGuest], ws: Workspace) -> list[Finding]:
    findings = []
    seen_ids: dict[int, DesiredGuest] = {}
    seen_names: dict[str, DesiredGuest] = {}
    for g in guests:
        where = f"{ws.relative(g.file)} {g.address}"
        if g.vmid is None:
            findings.append(Finding(where, "vm_id is missing; give every guest a VMID"))
        elif g.vmid in seen_ids:
            findings.append(Finding(where, f"VMID {g.vmid} is also used by {seen_ids[g.vmid].address}"))
        else:
            seen_ids[g.vmid] = g
        name = g.name.lower()
        if name and name in seen_names:
            findings.append(Finding(where, f"name '{g.name}' is also used by {seen_names[name].address}"))
        elif name:
            seen_names[name] = g
    return findings


def _placement(g: DesiredGuest, ws: Workspace, cluster: Any) -> list[Finding]:
    where = f"{ws.relative(g.file)} {g.address}"
    desired = body_to_config(g.kind, g.body)
    node = cluster.nodes.get(desired.node)
    if node is None:
        known = ", ".join(sorted(cluster.nodes)) or "none synced yet (run sync)"
        return [Finding(where, f"node '{desired.node}' does not exist (nodes: {known})")]
    findings = []
    config = desired.config
    for key, value in config.items():
        if not isinstance(value, str):
            continue
        volume = _VOLUME.match(value)
        if volume and re.match(r"^(scsi|virtio|sata|ide|efidisk|tpmstate|rootfs|mp)\d*$", key) \
                and "media=cdrom" not in value and value.split(",")[0] != "none":
            storage = volume.group(1)
            if (desired.node, storage) not in cluster.storages:
                findings.append(Finding(where, f"{key}: storage '{storage}' does not exist on {desired.node}"))
        bridge = _BRIDGE.search(value) if key.startswith("net") else None
        if bridge and (desired.node, bridge.group(1)) not in cluster.bridges:
            findings.append(Finding(where, f"{key}: bridge '{bridge.group(1)}' does not exist on {desired.node}"))
    cores = int(config.get("cores", 1) or 1) * int(config.get("sockets", 1) or 1)
    if node.maxcpu and cores > node.maxcpu:
        findings.append(Finding(where, f"{cores} vCPUs do not fit on {node.name} ({node.maxcpu} CPUs)"))
    memory = int(str(config.get("memory", 0) or 0))
    if node.maxmem and memory * MiB > node.maxmem:
        findings.append(Finding(where, f"{memory} MiB of memory does not fit on {node.name} "
                                       f"({node.maxmem // MiB} MiB)"))
    return findings


async def validate_workspace(ws: Workspace, db: Database) -> list[Finding]:
    """All findings, in file order; an empty list means plan/apply can run."""
    from pmpc_tui.services.iac import _cluster
    from pmpc_tui.services.plan import load_code

    desired = await asyncio.to_thread(load_code, ws, False)
    findings = await asyncio.to_thread(_code_findings, ws, desired)
    findings += _duplicates(desired.guests, ws)
    cluster = await _cluster(db)
    for g in desired.guests:
        findings += _placement(g, ws, cluster)
    return findings
