"""community.proxmox tasks for SDN (proxmox_zone, proxmox_vnet, proxmox_subnet) and storage definitions
(proxmox_storage) in ansible/cluster.yml.

The SDN modules take the global SDN lock and apply the change themselves. Zones run with `update: false`
(proxmox_zone sends a PUT on every run otherwise): a missing zone is put back, a changed one fails the task.
proxmox_vnet and proxmox_subnet compare `isolate_ports`/`snat` as false where PVE has nothing, so their first
run on an imported cluster writes those defaults once. proxmox_subnet fails on an existing subnet that has no
DHCP range, so only subnets with one get a task. proxmox_storage knows dir, nfs, cifs,
pbs and zfspool only, and needs `nodes` (it would pin a storage to the nodes listed): a storage on every node,
and lvm/lvmthin storage, stay Terraform-only. Passwords are Ansible variables, never values.
"""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.sdn import SDN_ZONES, ZONE_FIELDS
from pmpc_tui.iac.objects.storage import password_variable

Task = tuple[str, str, dict[str, Any]]
_ZONE_ARGS = {f.arg: f.pve for fields in ZONE_FIELDS.values() for f in fields}
_STORAGE = {  # resource kind → (module type, the `<type>_options` keys: module key → argument)
    "storage_directory": ("dir", {"path": "path"}),
    "storage_nfs": ("nfs", {"server": "server", "export": "export", "options": "options"}),
    "storage_cifs": ("cifs", {"server": "server", "share": "share", "username": "username", "domain": "domain"}),
    "storage_pbs": ("pbs", {"server": "server", "datastore": "datastore", "username": "username",
                            "fingerprint": "fingerprint"}),
    "storage_zfspool": ("zfspool", {"pool": "zfs_pool"}),
}


def _plain(value: Any) -> Any:
    return ",".join(value) if isinstance(value, list) else value


def sdn_tasks(actual: dict[str, dict[str, dict[str, Any]]]) -> list[Task]:
    """Zones, then VNets, then subnets."""
    tasks: list[Task] = []
    for otype in SDN_ZONES:
        ztype = otype.kind.removeprefix("sdn_zone_")
        for zone, body in sorted(actual.get(otype.kind, {}).items()):
            args = {_ZONE_ARGS[k].replace("-", "_"): _plain(v) for k, v in body.items() if k in _ZONE_ARGS}
            tasks.append((f"SDN zone {zone}", "proxmox_zone", {"zone": zone, "type": ztype, **args,
                                                               "update": False, "state": "present"}))
    for vnet, body in sorted(actual.get("sdn_vnet", {}).items()):
        args = {"vnet": vnet, "zone": body.get("zone"),
                **{k: body[k] for k in ("alias", "tag", "isolate_ports") if k in body}}
        if body.get("vlan_aware"):
            args["vlanaware"] = True
        tasks.append((f"SDN VNet {vnet}", "proxmox_vnet", {**args, "state": "present"}))
    zones = {vnet: body.get("zone") for vnet, body in actual.get("sdn_vnet", {}).items()}
    for key, body in sorted(actual.get("sdn_subnet", {}).items()):
        if not body.get("dhcp_range"):
            continue  # proxmox_subnet fails on an existing subnet without DHCP ranges (it reads `dhcp-range`)
        args = {"vnet": body["vnet"], "zone": zones.get(body["vnet"]), "subnet": body["cidr"],
                **{k: body[k] for k in ("gateway", "snat", "dhcp_dns_server") if k in body}}
        if body.get("dns_zone_prefix"):
            args["dnszoneprefix"] = body["dns_zone_prefix"]
        if body.get("dhcp_range"):
            args["dhcp_range"] = [{"start": body["dhcp_range"]["start_address"],
                                   "end": body["dhcp_range"]["end_address"]}]
        tasks.append((f"SDN subnet {key}", "proxmox_subnet", {**args, "state": "present"}))
    return tasks


def storage_tasks(actual: dict[str, dict[str, dict[str, Any]]]) -> list[Task]:
    """proxmox_storage tasks for the storages the module can describe without changing them."""
    tasks: list[Task] = []
    for kind, (stype, keys) in _STORAGE.items():
        for sid, body in sorted(actual.get(kind, {}).items()):
            if not body.get("nodes"):
                continue  # the module would pin it to the nodes it lists
            options = {key: body[arg] for key, arg in keys.items() if arg in body}
            if stype in ("cifs", "pbs"):
                options["password"] = "{{ " + password_variable(sid) + " | default(omit) }}"
            tasks.append((f"Storage {sid}", "proxmox_storage", {
                "name": sid, "type": stype, "nodes": list(body["nodes"]), "content": list(body.get("content") or []),
                f"{stype}_options": options, "state": "present"}))
    return tasks
