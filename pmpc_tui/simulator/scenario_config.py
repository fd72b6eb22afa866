"""Cluster-wide configuration the scenarios start with: resource pools, backup jobs and HA.

Kept apart from scenarios.py (nodes, storage, guests) so import has realistic objects of each kind to read.
"""

from __future__ import annotations

from pmpc_tui.simulator.model import Cluster, Pool


def homelab_config(c: Cluster) -> None:
    """A lab pool with a nested Kubernetes pool, nightly and weekly backup jobs, HA for the database and DNS."""
    c.pools["lab"] = Pool("lab", "Things to try out", {109})
    c.pools["lab/k8s"] = Pool("lab/k8s", "Kubernetes test cluster", {104, 105, 106})
    c.backup_jobs["backup-3c9d51e2-7f0a"] = {
        "type": "vzdump", "enabled": 1, "schedule": "02:00", "storage": "pbs", "mode": "snapshot",
        "compress": "zstd", "vmid": "101,103", "notes-template": "{{guestname}}", "comment": "nightly",
        "prune-backups": {"keep-daily": 7, "keep-weekly": 4},
    }
    c.backup_jobs["backup-8e41f0b7-55d2"] = {
        "type": "vzdump", "enabled": 0, "schedule": "sun 03:30", "storage": "local", "mode": "stop",
        "compress": "zstd", "vmid": "200,201", "comment": "weekly containers",
        "prune-backups": {"keep-last": 2},
    }


def large_config(c: Cluster) -> None:
    """Pools per environment, backup jobs by pool and for everything, HA for a few production guests."""
    envs: dict[str, set[int]] = {"prod": set(), "staging": set(), "dev": set()}
    for vmid, g in c.guests.items():
        for env in envs:
            if env in str(g.config.get("tags", "")).split(";"):
                envs[env].add(vmid)
    for env, vmids in envs.items():
        c.pools[env] = Pool(env, f"{env} guests", vmids)
    c.backup_jobs["backup-prod-nightly"] = {
        "type": "vzdump", "enabled": 1, "schedule": "01:00", "storage": "nas", "mode": "snapshot",
        "compress": "zstd", "pool": "prod", "prune-backups": {"keep-daily": 14, "keep-monthly": 3},
        "comment": "production, nightly",
    }
    c.backup_jobs["backup-all-weekly"] = {
        "type": "vzdump", "enabled": 1, "schedule": "sat 04:00", "storage": "nas", "mode": "snapshot",
        "compress": "zstd", "all": 1, "exclude": ",".join(str(v) for v in sorted(envs["dev"])[:5]),
        "comment": "everything, weekly",
    }
