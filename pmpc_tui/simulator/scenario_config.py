"""Cluster-wide configuration the scenarios start with: resource pools, backup jobs and HA.

Kept apart from scenarios.py (nodes, storage, guests) so import has realistic objects of each kind to read.
"""

from __future__ import annotations

from pmpc_tui.simulator.model import Cluster, Pool


def homelab_config(c: Cluster) -> None:
    """Lab and Kubernetes pools, nightly and weekly backup jobs, HA for the database, DNS and monitoring."""
    c.pools["lab"] = Pool("lab", "Things to try out", {109})  # flat: Ansible's inventory plugin reads pools by
    c.pools["k8s"] = Pool("k8s", "Kubernetes test cluster", {104, 105, 106})  # the path, which nesting breaks
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
    c.ha_resources["vm:103"] = {"type": "vm", "state": "started", "max_restart": 2, "comment": "PostgreSQL primary"}
    c.ha_resources["ct:200"] = {"type": "ct", "state": "started"}
    c.ha_resources["ct:202"] = {"type": "ct", "state": "started"}
    c.ha_rules["db-prefers-pve2"] = {"type": "node-affinity", "resources": ["vm:103"], "nodes": {"pve2": 2, "pve3": 1},
                                     "comment": "keep the database off the busy node", "order": 1}
    c.ha_rules["dns-apart-from-monitoring"] = {"type": "resource-affinity", "affinity": "negative",
                                               "resources": ["ct:200", "ct:202"], "order": 2}


def large_config(c: Cluster) -> None:
    """Pools per environment (databases nested under prod), backup jobs by pool and for everything, HA."""
    envs: dict[str, set[int]] = {"prod": set(), "staging": set(), "dev": set()}
    for vmid, g in c.guests.items():
        for env in envs:
            if env in str(g.config.get("tags", "")).split(";"):
                envs[env].add(vmid)
    for env, vmids in envs.items():
        c.pools[env] = Pool(env, f"{env} guests", vmids)
    databases = {v for v in envs["prod"] if "db" in str(c.guests[v].config.get("tags", "")).split(";")}
    c.pools["prod"].vmids -= databases  # a guest is in one pool: the databases move to the nested pool
    c.pools["prod/db"] = Pool("prod/db", "production databases", databases)
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
    prod = sorted(v for v in envs["prod"] if c.guests[v].kind == "qemu")[:4]
    for vmid in prod:
        c.ha_resources[f"vm:{vmid}"] = {"type": "vm", "state": "started"}
    if prod:
        nodes = sorted(c.nodes)[:2]
        c.ha_rules["prod-on-first-nodes"] = {"type": "node-affinity", "resources": [f"vm:{v}" for v in prod],
                                             "nodes": dict.fromkeys(nodes, 0), "strict": 1, "order": 1}
