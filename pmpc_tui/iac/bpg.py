"""Map PVE guest configs to bpg/proxmox resource bodies and back (the public API of the mapping).

`guest_to_body` turns a synced guest into a `proxmox_virtual_environment_vm|container` body that
describes it completely; `body_to_config` turns a body back into the PVE config it stands for.
`managed_view` is the canonical form both are compared in: for every key we manage, a config and
`body_to_config(guest_to_body(config))` have the same view — so a plan right after import changes
nothing. Keys we do not manage are listed by `unmanaged_keys` (see docs/iac.md). The parts both kinds
share live in `bpg_common`, the VM mapping in `bpg_vm` (its drives in `bpg_vm_drives`, cloud-init in
`bpg_cloudinit`), the container mapping in `bpg_ct`.
"""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.iac.bpg_common import DesiredConfig, GuestState, Mapped
from pmpc_tui.iac.bpg_ct import IMPORTED_CT_TEMPLATE, ct_body, ct_config, ct_view
from pmpc_tui.iac.bpg_vm import NIC_MODELS, vm_body, vm_config, vm_view
from pmpc_tui.iac.bpg_vm_drives import BUS_ORDER, DISK_RE
from pmpc_tui.iac.hcl import Body, Expr

__all__ = ["BUS_ORDER", "CT_TYPE", "DISK_RE", "IMPORTED_CT_TEMPLATE", "MANAGED", "NIC_MODELS", "PVE_OWNED",
           "RESOURCE_TYPE", "VM_TYPE", "DesiredConfig", "GuestState", "Mapped", "body_to_config",
           "config_differences", "guest_to_body", "import_lifecycle", "managed_view", "unmanaged_keys"]

VM_TYPE = "proxmox_virtual_environment_vm"
CT_TYPE = "proxmox_virtual_environment_container"
RESOURCE_TYPE = {"qemu": VM_TYPE, "lxc": CT_TYPE}


# keys PVE maintains itself (not desired state) — never written to IaC, never compared
PVE_OWNED = {
    "qemu": re.compile(r"^(digest|vmgenid|meta|lock|parent|snaptime|runningmachine|runningcpu|pending|"
                       r"unused\d+|cipassword)$"),
    "lxc": re.compile(r"^(digest|lock|parent|snaptime|unused\d+|lxc)$"),
}
MANAGED = {
    "qemu": re.compile(
        r"^(name|description|tags|template|onboot|protection|bios|machine|ostype|scsihw|boot|acpi|tablet|"
        r"keyboard|hotplug|args|hookscript|agent|cpu|cores|sockets|numa|vcpus|cpulimit|cpuunits|affinity|arch|"
        r"memory|balloon|shares|hugepages|keephugepages|(ide|sata|scsi|virtio)\d+|efidisk0|tpmstate0|net\d+|"
        r"ipconfig\d+|ciuser|sshkeys|nameserver|searchdomain|cicustom|ciupgrade|serial\d+|vga|smbios1|startup)$"),
    "lxc": re.compile(
        r"^(hostname|description|tags|template|onboot|protection|arch|cores|cpulimit|cpuunits|memory|swap|"
        r"rootfs|mp\d+|net\d+|nameserver|searchdomain|features|unprivileged|ostype|startup|console|tty|cmode|"
        r"hookscript|dev\d+)$"),
}


def unmanaged_keys(kind: str, config: dict[str, Any]) -> list[str]:
    """Config keys present that the IaC does not describe (PVE-owned keys excluded)."""
    return sorted(k for k in config if not MANAGED[kind].match(k) and not PVE_OWNED[kind].match(k))


# --- public API -----------------------------------------------------------------------------
def guest_to_body(guest: GuestState, ct_template: str | None = None) -> Mapped:
    """The bpg resource body describing `guest` (plus unmanaged keys and warnings)."""
    mapped = Mapped(body={})
    if guest.kind == "qemu":
        vm_body(guest, mapped)
    elif guest.kind == "lxc":
        ct_body(guest, mapped, ct_template)
    else:
        raise ValueError(f"unknown guest kind {guest.kind!r}")
    mapped.unmanaged = sorted(set(mapped.unmanaged) | set(unmanaged_keys(guest.kind, guest.config)))
    return mapped


def body_to_config(kind: str, body: Body) -> DesiredConfig:
    """The PVE config a resource body asks for (what apply would write)."""
    try:
        config = vm_config(body) if kind == "qemu" else ct_config(body)
        clone = (body.get("clone") or [None])[0]
        ostemplate = None
        if kind == "lxc":
            ostemplate = (body.get("operating_system") or [{}])[0].get("template_file_id")
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:  # e.g. size = "10G"
        from pmpc_tui.iac.rules import WrongTypes

        raise WrongTypes(kind, body, exc) from None
    started = body.get("started")
    vmid = body.get("vm_id")
    return DesiredConfig(kind=kind, node=str(body.get("node_name", "")),
                         vmid=int(vmid) if isinstance(vmid, int) else None,
                         config=config, started=None if started is None else bool(started), clone=clone,
                         ostemplate=ostemplate)


def import_lifecycle(kind: str) -> Body:
    """`lifecycle` for an imported guest: arguments that only matter at creation are ignored."""
    if kind == "lxc":
        return {"ignore_changes": [Expr("operating_system[0].template_file_id")]}
    return {}


# --- comparison -----------------------------------------------------------------------------
def managed_view(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Canonical values of every managed key (defaults filled, property strings parsed)."""
    return vm_view(config) if kind == "qemu" else ct_view(config)


def config_differences(kind: str, actual: dict[str, Any], desired: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Managed keys whose canonical values differ: {key: (actual, desired)}."""
    a, d = managed_view(kind, actual), managed_view(kind, desired)
    return {k: (a.get(k), d.get(k)) for k in sorted(set(a) | set(d)) if a.get(k) != d.get(k)}
