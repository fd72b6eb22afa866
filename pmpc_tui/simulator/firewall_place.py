"""Where a firewall request's objects live (the cluster's config or a guest's) and the checks every route shares:
the caller's privilege first, then the config; digests; PVE's parameter errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmpc_tui.simulator.firewall import FirewallConfig
from pmpc_tui.simulator.handlers import _err, _guest

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

CLUSTER = "/cluster/firewall"
PARAM_FAILED = "Parameter verification failed."


@dataclass
class Place:
    """Where a request's firewall objects live: their config, the cluster's, and the rule checks that apply."""

    conf: FirewallConfig  # the config the objects belong to
    cluster: FirewallConfig
    local: FirewallConfig | None  # the guest's own config (None at cluster level)
    env: str  # cluster, group, vm or ct


Loader = Callable[["Call", bool], Place]  # (call, write): checks the caller's privilege, then finds the place


def cluster_place(call: Call, write: bool) -> Place:
    call.require("/", "Sys.Modify" if write else "Sys.Audit")
    fw = call.cluster.firewall
    return Place(fw, fw, None, "cluster")


def group_place(call: Call, write: bool) -> Place:
    place = cluster_place(call, write)
    place.env = "group"
    return place


def guest_loader(kind: str) -> Loader:
    def load(call: Call, write: bool) -> Place:
        call.require(f"/vms/{call.params['vmid']}", "VM.Config.Network" if write else "VM.Audit")
        conf = guest_conf(call, kind)
        return Place(conf, call.cluster.firewall, conf, "vm" if kind == "qemu" else "ct")
    return load


def guest_conf(call: Call, kind: str) -> FirewallConfig:
    return _guest(call, kind).firewall


def check_digest(current: str, given: str | None) -> None:
    if given and given != current:
        raise _err(500, "detected modified configuration - file changed by other user? Try again.")


def param_error(errors: dict[str, str]) -> Exception:
    return _err(400, PARAM_FAILED, errors)
