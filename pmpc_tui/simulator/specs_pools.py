"""Declared parameters of the resource pool routes (`/pools`, and the deprecated `/pools/{poolid}`)."""

from __future__ import annotations

from pmpc_tui.simulator.params import B, E, P, S

POOLID = S("pve-poolid", optional=False)
MEMBER_TYPE = E("qemu", "lxc", "storage")
_UPDATE = {
    "allow-move": B(), "comment": S(), "delete": B(), "poolid": POOLID, "storage": S("pve-storage-id-list"),
    "vms": S("pve-vmid-list"),
}

POOL_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/pools"): {"poolid": S("pve-poolid"), "type": MEMBER_TYPE},
    ("POST", "/pools"): {"comment": S(), "poolid": POOLID},
    ("PUT", "/pools"): _UPDATE,
    ("DELETE", "/pools"): {"poolid": POOLID},
    ("GET", "/pools/{poolid}"): {"poolid": POOLID, "type": MEMBER_TYPE},
    ("PUT", "/pools/{poolid}"): _UPDATE,
    ("DELETE", "/pools/{poolid}"): {"poolid": POOLID},
}
