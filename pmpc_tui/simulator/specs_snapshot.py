"""Declared parameters of the guest snapshot routes (qemu and lxc): names are `pve-configid`, at most 40 long."""

from __future__ import annotations

from pmpc_tui.simulator.params import NODE, VMID, B, P, S

SNAPNAME = P("string", optional=False, format="pve-configid", max_length=40)


def _routes(kind: str) -> dict[tuple[str, str], dict[str, P]]:
    base = f"/nodes/{{node}}/{kind}/{{vmid}}/snapshot"
    named = {"node": NODE, "snapname": SNAPNAME, "vmid": VMID}
    create = {"description": S(), "node": NODE, "snapname": SNAPNAME, "vmid": VMID}
    if kind == "qemu":  # containers have no RAM to save
        create["vmstate"] = B()
    return {
        ("GET", base): {"node": NODE, "vmid": VMID},
        ("POST", base): create,
        ("GET", base + "/{snapname}"): dict(named),
        ("DELETE", base + "/{snapname}"): {**named, "force": B()},
        ("POST", base + "/{snapname}/rollback"): {**named, "start": B()},
        ("GET", base + "/{snapname}/config"): dict(named),
        ("PUT", base + "/{snapname}/config"): {**named, "description": S()},
    }


SNAPSHOT_PARAMS: dict[tuple[str, str], dict[str, P]] = {**_routes("qemu"), **_routes("lxc")}
