"""What the cluster's things are called, as the console last read them: for completion and plain English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmpc_tui.services.live import ClusterView
    from pmpc_tui.state.db import Database

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
    templates: set[int] = field(default_factory=set)  # VMIDs of templates (they never run)

    def is_template(self, vmid: int | None) -> bool:
        """Whether the guest with this VMID is a template."""
        return vmid is not None and vmid in self.templates

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
                   nodes=list(nodes), storage=storage or [], facts=facts,
                   templates={r["vmid"] for r in [*vms, *cts] if r.get("template")})

    @classmethod
    def from_view(cls, view: ClusterView | None) -> Names:
        """Names from the console's latest cluster read (empty before the first one)."""
        if view is None:
            return cls()
        return cls.from_rows(view.vms, view.containers, [n["node"] for n in view.nodes],
                             sorted({s["storage"] for s in view.storage}))


async def names_from_state(db: Database) -> Names:
    """Names as the state database last saw the cluster (guests, nodes and storage not removed)."""
    from sqlmodel import select

    from pmpc_tui.state.models import VM, Container, Node, Storage

    def rows(found: Any) -> list[dict[str, Any]]:
        return [{"vmid": g.vmid, "name": g.name, "node": g.node, "status": g.status, "tags": g.tags,
                 "template": g.template} for g in found if g.removed_at is None and g.name]

    async with db.session() as session:
        vms = rows((await session.exec(select(VM))).all())
        cts = rows((await session.exec(select(Container))).all())
        nodes = sorted(n.name for n in (await session.exec(select(Node))).all() if n.removed_at is None)
        storage = sorted({s.storage for s in (await session.exec(select(Storage))).all() if s.removed_at is None})
    return Names.from_rows(vms, cts, nodes, storage)


def names_from_file(url: str) -> Names | None:
    """`names_from_state` read straight from a current SQLite state database at `url` (no SQLAlchemy import);
    None where it cannot be (then open the database and use `names_from_state`)."""
    from pmpc_tui.state.quick import synced_names

    found = synced_names(url)
    return None if found is None else Names.from_rows(*found)


def demo_names() -> Names:
    """Names of the demo cluster (the simulator's homelab scenario), read without starting it."""
    from pmpc_tui.simulator.scenarios import homelab

    cluster = homelab()

    def row(g: Any) -> dict[str, Any]:
        return {"vmid": g.vmid, "name": g.name, "node": g.node, "status": g.status,
                "tags": str(g.config.get("tags", "")), "template": g.is_template}

    guests = sorted(cluster.guests.values(), key=lambda g: g.vmid)
    return Names.from_rows([row(g) for g in guests if g.kind == "qemu"], [row(g) for g in guests if g.kind != "qemu"],
                           sorted(cluster.nodes), sorted(cluster.storages))
