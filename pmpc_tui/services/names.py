"""What the cluster's things are called, as the console last read them: for completion and plain English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmpc_tui.services.live import ClusterView

# name → (kind "vm"/"ct", vmid, node, status, tags)
GuestFacts = tuple[str, int, str, str, str]


@dataclass
class Names:
    """Guests (VMID and name, by kind, with node, status and tags when known), nodes and storage."""

    vms: list[tuple[int, str]] = field(default_factory=list)
    cts: list[tuple[int, str]] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    storage: list[str] = field(default_factory=list)
    facts: dict[str, GuestFacts] = field(default_factory=dict)

    @property
    def guests(self) -> dict[str, GuestFacts]:
        """Every guest by name: (kind, vmid, node, status, tags) — a fresh dict; add guests to `facts`."""
        known = {name: ("vm", vmid, "", "", "") for vmid, name in self.vms}
        known.update({name: ("ct", vmid, "", "", "") for vmid, name in self.cts})
        known.update(self.facts)
        return known

    @classmethod
    def from_rows(cls, vms: list[dict[str, Any]], cts: list[dict[str, Any]], nodes: list[str],
                  storage: list[str] | None = None) -> Names:
        """Names from cluster rows (as `ClusterView` holds them)."""
        def fact(kind: str, r: dict[str, Any]) -> GuestFacts:
            return kind, r["vmid"], r.get("node", ""), r.get("status", ""), r.get("tags", "")

        facts = {r["name"]: fact("vm", r) for r in vms}
        facts.update({r["name"]: fact("ct", r) for r in cts})
        return cls(vms=[(r["vmid"], r["name"]) for r in vms], cts=[(r["vmid"], r["name"]) for r in cts],
                   nodes=list(nodes), storage=storage or [], facts=facts)

    @classmethod
    def from_view(cls, view: ClusterView | None) -> Names:
        """Names from the console's latest cluster read (empty before the first one)."""
        if view is None:
            return cls()
        return cls.from_rows(view.vms, view.containers, [n["node"] for n in view.nodes],
                             sorted({s["storage"] for s in view.storage}))
