"""Declared parameters of the backup routes: vzdump, deleting a backup volume, the ACL view Ansible reads."""

from __future__ import annotations

from pmpc_tui.simulator.params import B, E, I, P, S

NODE = S("pve-node", optional=False)

BACKUP_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("POST", "/nodes/{node}/vzdump"): {
        "all": B(), "bwlimit": I(0), "compress": E("0", "1", "gzip", "lzo", "zstd"), "dumpdir": S(),
        "exclude": S("pve-vmid-list"), "exclude-path": P("array"), "fleecing": S("backup-fleecing"),
        "ionice": I(0, 8), "job-id": S(pattern=r"\S+", max_length=50), "lockwait": I(0),
        "mailnotification": E("always", "failure"), "mailto": S("email-or-username-list"), "maxfiles": I(1),
        "mode": E("snapshot", "suspend", "stop"), "node": S("pve-node"), "notes-template": S(max_length=1024),
        "notification-mode": E("auto", "legacy-sendmail", "notification-system"),
        "pbs-change-detection-mode": E("legacy", "data", "metadata"), "performance": S("backup-performance"),
        "pigz": I(), "pool": S(), "protected": B(), "prune-backups": S("prune-backups"), "quiet": B(),
        "remove": B(), "script": S(), "stdexcludes": B(), "stdout": B(), "stop": B(), "stopwait": I(0),
        "storage": S("pve-storage-id"), "tmpdir": S(), "vmid": S("pve-vmid-list"), "zstd": I(),
    },
    ("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}"): {
        "delay": I(1, 30), "node": NODE, "storage": S("pve-storage-id"), "volume": S(optional=False),
    },
    ("GET", "/nodes/{node}/storage/{storage}/content/{volume}"): {
        "node": NODE, "storage": S("pve-storage-id"), "volume": S(optional=False),
    },
    ("PUT", "/nodes/{node}/storage/{storage}/content/{volume}"): {
        "node": NODE, "notes": S(), "protected": B(), "storage": S("pve-storage-id"), "volume": S(optional=False),
    },
    ("GET", "/access/permissions"): {
        "path": S(),
        "userid": S(pattern=r"(?^:^(?^:[^\s:/]+)\@(?^:[A-Za-z][A-Za-z0-9\.\-_]+)"
                            r"(?:!(?^:[A-Za-z][A-Za-z0-9\.\-_]+))?$)"),
    },
}
