"""What destroying a guest means for the cluster's jobs and HA, as qemu-server and pve-container do it.

An HA-managed guest is only destroyed with `purge=1`; `purge` also takes the guest out of the backup jobs'
`vmid` lists (a job left without guests goes, an `exclude` list shrinks) and out of HA with its rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmpc_tui.simulator.model import Cluster, Guest


def ha_sid(g: Guest) -> str:
    return f"{'vm' if g.kind == 'qemu' else 'ct'}:{g.vmid}"


def unpurged_ha_refusal(c: Cluster, g: Guest, purge: bool) -> str | None:
    """PVE's refusal to destroy an HA-managed guest without `purge`, or None."""
    if purge or ha_sid(g) not in c.ha_resources:
        return None
    label = "VM" if g.kind == "qemu" else "CT"
    return f"unable to remove {label} {g.vmid} - used in HA resources and purge parameter not set."


def _without(text: Any, vmid: int) -> str:
    return ",".join(v for v in re.split(r"[,;\0\s]+", str(text)) if v and v != str(vmid))


def purge_guest(c: Cluster, g: Guest, log: Any) -> None:
    """Remove the destroyed guest from backup jobs and HA; `log(line)` writes the task log."""
    label = "VM" if g.kind == "qemu" else "CT"
    log(f"purging {label} {g.vmid} from related configurations..")
    for jobid, job in list(c.backup_jobs.items()):
        if job.get("vmid") is not None:
            remaining = _without(job["vmid"], g.vmid)
            if remaining:
                job["vmid"] = remaining
            else:
                del c.backup_jobs[jobid]
        elif job.get("exclude") is not None:
            remaining = _without(job["exclude"], g.vmid)
            if remaining:
                job["exclude"] = remaining
            else:
                del job["exclude"]
    sid = ha_sid(g)
    if c.ha_resources.pop(sid, None) is not None:
        for ruleid, rule in list(c.ha_rules.items()):
            rule["resources"] = [r for r in rule["resources"] if r != sid]
            if not rule["resources"]:
                del c.ha_rules[ruleid]
        log(f"NOTE: removed {label} {g.vmid} from HA resource configuration.")
