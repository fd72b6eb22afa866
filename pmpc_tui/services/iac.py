"""IaC use cases for a workspace: import the cluster as Terraform + Ansible, and add new guests (`create`)."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from pmpc_tui.config.files import atomic_write
from pmpc_tui.iac.ansible import InventoryHost, render_inventory
from pmpc_tui.iac.bpg import CT_TYPE, VM_TYPE, GuestState, Mapped
from pmpc_tui.iac.files import (
    CONFLICT,
    Decided,
    FileOutcome,
    MergeUnavailable,
    decide_all,
    remove_created,
    write_created,
    write_decided,
    write_generated,
)
from pmpc_tui.iac.pveconf import GiB, parse_props, parse_size, split_tags
from pmpc_tui.iac.terraform import (
    DesiredState,
    ScannedGuest,
    guest_file_name,
    guest_title,
    load_desired_state,
    remember_scanned,
    render_guest_file,
    resource_label,
    scan_guest_resources,
)
from pmpc_tui.pve.errors import NotFound, PVEError, ValidationFailed
from pmpc_tui.services import history
from pmpc_tui.services.quiet_gc import fewer_collections
from pmpc_tui.state.models import VM, Container, Network, Node, Storage, SyncRun
from pmpc_tui.workspace.config import Workspace, WorkspaceError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pmpc_tui.config.profiles import Profile
    from pmpc_tui.pve.client import PVEClient
    from pmpc_tui.services.sync import ClusterSnapshot, SyncResult
    from pmpc_tui.state.db import Database

DNS_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
TAG = re.compile(r"^[a-z0-9_][a-z0-9_\-+.]*$")
MiB = 1024**2


# --- reading the state DB ---------------------------------------------------------------------
async def load_guests(db: Database) -> list[GuestState]:
    """Every guest the last sync saw (removed ones excluded), VMs first, by VMID."""
    if db.sqlite_path is not None:  # plain sqlite3: building 1,500 ORM objects cost import ~0.3 s
        from pmpc_tui.services.last_sync import read_last_sync

        last = await asyncio.to_thread(read_last_sync, db.sqlite_path)
        if last is not None:
            return last.guests
    async with db.session() as session:
        vms = (await session.exec(select(VM).where(VM.removed_at == None))).all()  # noqa: E711
        cts = (await session.exec(select(Container).where(Container.removed_at == None))).all()  # noqa: E711
    guests = [GuestState("qemu", v.vmid, v.node, v.name, v.status, dict(v.config)) for v in vms]
    guests += [GuestState("lxc", c.vmid, c.node, c.name, c.status, dict(c.config)) for c in cts]
    return sorted(guests, key=lambda g: (g.kind != "qemu", g.vmid))


async def has_synced(db: Database) -> bool:
    """Whether the database holds at least one completed sync."""
    async with db.session() as session:
        return (await session.exec(select(SyncRun).limit(1))).first() is not None


# --- IP addresses for the inventory -----------------------------------------------------------
_ADDRESS_KEY = {"qemu": re.compile(r"ipconfig(\d+)"), "lxc": re.compile(r"net(\d+)")}


def static_ips(guest: GuestState) -> list[str]:
    """IPv4 addresses from the config: `ipconfigN ip=` (VM) or `netN ip=` (CT)."""
    pattern = _ADDRESS_KEY["qemu" if guest.kind == "qemu" else "lxc"]
    numbered = []
    for key in guest.config:
        found = pattern.fullmatch(key)
        if found is not None:
            numbered.append((int(found.group(1)), key))
    ips = []
    for _, key in sorted(numbered):
        value = str(guest.config[key])
        ip = parse_props(value).get("ip", "") if "ip=" in value else ""
        if "/" in ip:
            try:
                ips.append(_interface_ip(ip))
            except ValueError:
                continue
    return ips


@functools.lru_cache(maxsize=4096)
def _interface_ip(text: str) -> str:
    return str(ipaddress.ip_interface(text).ip)


def _usable(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr.split("/")[0])
    except ValueError:
        return False
    return ip.version == 4 and not ip.is_loopback and not ip.is_link_local


def agent_path(guest: GuestState) -> str:
    """Where a running guest reports its addresses: the QEMU guest agent, or the container's interfaces."""
    base = f"/nodes/{guest.node}/{guest.kind}/{guest.vmid}"
    return f"{base}/agent/network-get-interfaces" if guest.kind == "qemu" else f"{base}/interfaces"


def agent_ips(kind: str, data: Any) -> list[str]:
    """IPv4 addresses in a guest agent's (VM) or the container's interface list."""
    if kind == "qemu":
        result = data.get("result", []) if isinstance(data, dict) else []
        return [a["ip-address"] for iface in result for a in iface.get("ip-addresses", [])
                if a.get("ip-address-type") == "ipv4" and _usable(a.get("ip-address", ""))]
    return [str(i["inet"]).split("/")[0] for i in data or [] if i.get("inet") and _usable(str(i["inet"]))]


def _agent_candidates(guests: list[GuestState]) -> list[GuestState]:
    """Running guests without a static address whose agent (VM) or interfaces (container) can tell one."""
    def agent_on(g: GuestState) -> bool:
        return g.kind == "lxc" or parse_props(str(g.config.get("agent", "0")), "enabled").get(
            "enabled", "0") in ("1", "true")

    return [g for g in guests if g.status == "running" and not static_ips(g) and agent_on(g)]


async def ask_agents(client: PVEClient, guests: list[GuestState]) -> dict[int, list[str]]:
    """Per VMID, the addresses the running guests report, in one batch read (a guest whose agent does
    not answer is left out)."""
    pending = _agent_candidates(guests)
    answers = await client.get_many([agent_path(g) for g in pending]) if pending else []
    found = {}
    for guest, answer in zip(pending, answers, strict=True):
        ips = [] if isinstance(answer, PVEError) else agent_ips(guest.kind, answer)
        if ips:
            found[guest.vmid] = ips
    return found


def asks_agents(ws: Workspace, addresses: bool | None) -> bool:
    """Whether import asks running guests for their addresses: `--addresses`/`--no-addresses`, else the
    workspace's `inventory.addresses` (asking ~1,000 guest agents is import's largest cost; a hung one times out)."""
    return ws.config.addresses == "agent" if addresses is None else addresses


@dataclass
class AddressCounts:
    """Where the inventory's addresses came from, and which running guests were not asked."""

    asked: bool = False  # the guest agents / container interfaces were asked this run
    static: int = 0  # guests with an address in their config
    agent: int = 0  # guests whose agent answered this run
    kept: int = 0  # guests keeping what their agent reported on an earlier run
    not_asked: int = 0  # running guests without a static address whose agent was not asked

    def as_dict(self) -> dict[str, Any]:
        return {"asked": self.asked, "static": self.static, "agent": self.agent, "kept": self.kept,
                "not_asked": self.not_asked}


def _combine_ips(guests: list[GuestState], agents: dict[int, list[str]], keep_known: bool,
                 known: dict[int, tuple[list[str], str | None]]) -> dict[int, tuple[list[str], str | None]]:
    """Per VMID: (addresses, source). Static config first, then what the agents said; without asking them
    (`keep_known`), what they reported on an earlier run."""
    found: dict[int, tuple[list[str], str | None]] = {}
    for guest in guests:
        ips = static_ips(guest)
        previous = known.get(guest.vmid)
        if ips:
            found[guest.vmid] = (ips, "static")
        elif guest.vmid in agents:
            found[guest.vmid] = (agents[guest.vmid], "agent")
        else:
            found[guest.vmid] = previous if keep_known and previous and previous[1] == "agent" else ([], None)
    return found


def _address_counts(guests: list[GuestState], ips: dict[int, tuple[list[str], str | None]], asked: bool,
                    agents: dict[int, list[str]]) -> AddressCounts:
    sources = [ips.get(g.vmid, ([], None))[1] for g in guests]
    return AddressCounts(asked=asked, static=sources.count("static"), agent=len(agents) if asked else 0,
                         kept=sources.count("agent") - (len(agents) if asked else 0),
                         not_asked=0 if asked else len(_agent_candidates(guests)))


# --- import -----------------------------------------------------------------------------------
@dataclass
class ImportResult:
    """What an import generated and what it did with each file."""

    vms: int
    containers: int
    files: list[FileOutcome]
    warnings: dict[str, list[str]] = field(default_factory=dict)  # per guest file
    unmanaged: dict[str, list[str]] = field(default_factory=dict)
    orphaned: list[str] = field(default_factory=list)  # generated files whose guest no longer exists
    ansible_hosts: int = 0
    hosts_with_ip: int = 0
    duration_ms: int = 0
    dry_run: bool = False
    objects: dict[str, int] = field(default_factory=dict)  # cluster objects imported, by kind
    skipped: list[str] = field(default_factory=list)  # cluster objects left out of the code, and why
    notes: list[str] = field(default_factory=list)  # what import could not write (an image's url …)
    firewalls_read: int = 0  # guests whose firewall options were read
    firewalls_skipped: int = 0  # guests without a firewall=1 network device (their options not read)
    addresses: AddressCounts = field(default_factory=AddressCounts)  # where ansible_host came from

    @property
    def conflicts(self) -> list[FileOutcome]:
        return [f for f in self.files if f.action == CONFLICT]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.files:
            out[f.action] = out.get(f.action, 0) + 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"vms": self.vms, "containers": self.containers, "dry_run": self.dry_run,
                "duration_ms": self.duration_ms, "counts": self.counts(), "files": [f.as_dict() for f in self.files],
                "warnings": self.warnings, "unmanaged": self.unmanaged, "orphaned": self.orphaned,
                "ansible_hosts": self.ansible_hosts, "hosts_with_ip": self.hosts_with_ip, "objects": self.objects,
                "skipped": self.skipped, "notes": self.notes,
                "guest_firewalls": {"read": self.firewalls_read, "skipped": self.firewalls_skipped},
                "addresses": self.addresses.as_dict()}


def inventory_hosts(guests: list[GuestState], ips: dict[int, tuple[list[str], str | None]]) -> list[InventoryHost]:
    """Inventory entries for synced guests (templates are left out: they never run)."""
    hosts = []
    for g in guests:
        if str(g.config.get("template", "0")) in ("1", "true"):
            continue
        addrs, source = ips.get(g.vmid, ([], None))
        name = g.name or str(g.config.get("hostname") or g.config.get("name") or f"guest-{g.vmid}")
        hosts.append(InventoryHost(name=name, vmid=g.vmid, node=g.node, kind=g.kind, status=g.status,
                                   tags=split_tags(str(g.config.get("tags", ""))), ips=addrs, ip_source=source))
    seen: dict[str, int] = {}
    for h in hosts:
        seen[h.name] = seen.get(h.name, 0) + 1
    for h in hosts:
        if seen[h.name] > 1:
            h.name = f"{h.name}-{h.vmid}"
    return hosts


def generate_import_files(ws: Workspace, guests: list[GuestState], desired: list[ScannedGuest],
                          profile: Profile | None) -> tuple[dict[str, str], dict[str, Mapped]]:
    """The generated Terraform files of an import (workspace-relative path → text), plus each guest's mapping."""
    files, mapped, _ = _render_guests(ws, guests, desired, profile)
    return files, mapped


def _render_guests(ws: Workspace, guests: list[GuestState], desired: list[ScannedGuest], profile: Profile | None,
                   ) -> tuple[dict[str, str], dict[str, Mapped], dict[str, ScannedGuest]]:
    """`generate_import_files`, with what each guest file holds as a scan would find it (its record)."""
    from pmpc_tui.iac.bpg import guest_to_body
    from pmpc_tui.services.workspace_init import remembered_static_files

    # without a profile the connection files cannot be rendered: leave them as they are
    files = remembered_static_files(ws, profile) if profile is not None else {}
    existing = {(g.kind, g.vmid): g.label for g in desired if g.vmid is not None}
    taken = {g.label for g in desired}
    mapped: dict[str, Mapped] = {}
    records: dict[str, ScannedGuest] = {}
    ct_template = ws.config.defaults.ct_template
    records_dir = ws.generated_dir / "terraform"
    for guest in guests:
        label = existing.get((guest.kind, guest.vmid))
        if label is None:
            label = resource_label(guest.name, guest.vmid, taken)
            taken.add(label)
        name = guest_file_name(guest.kind, guest.vmid)
        rel = f"terraform/{name}"
        mapped[rel] = guest_to_body(guest, ct_template)
        files[rel] = render_guest_file(guest.kind, label, mapped[rel], f"{guest.node}/{guest.vmid}",
                                       guest_title(guest))
        records[rel] = ScannedGuest(guest.kind, label, guest.vmid, records_dir / name, True)
    return files, mapped, records


# outcomes after which the file holds exactly the text just rendered (a merge wrote something else)
AS_RENDERED = frozenset({"created", "updated", "overwritten"})
# outcomes after which the record of a generated file holds the text just rendered
RECORDED = frozenset({"created", "updated", "overwritten", "merged", "unchanged", "kept"})


@dataclass
class _Rendered:
    """The Terraform files of an import, rendered and not yet written."""

    desired: list[ScannedGuest]
    files: dict[str, str]
    mapped: dict[str, Mapped]
    records: dict[str, ScannedGuest]


def _render_terraform(ws: Workspace, guests: list[GuestState], profile: Profile | None) -> _Rendered:
    """Render the Terraform files of an import (CPU only: run in a thread while the cluster is read)."""
    desired = scan_guest_resources(ws.terraform_dir)
    files, mapped, records = _render_guests(ws, guests, desired, profile)
    return _Rendered(desired, files, mapped, records)


def _decide(ws: Workspace, rendered: _Rendered, force: bool, merge: bool) -> Decided:
    """What writing the rendered files will do to each (reads only)."""
    try:
        return decide_all(ws.root, ws.generated_dir, rendered.files, force=force, merge=merge)
    except MergeUnavailable as exc:
        raise WorkspaceError(str(exc)) from None


def _write_rendered(ws: Workspace, rendered: _Rendered, decided: Decided, dry_run: bool,
                    created_done: bool = False) -> list[FileOutcome]:
    """Write the rendered files as decided (run in a thread once the reads are done: each of its thousands of
    file operations hands the GIL over, and behind 32 reader threads each hand-over waited; the new files
    may be written already — `created_done`, by a child process while the cluster was read). The records'
    scan memo takes what was rendered (remember_managed and the next plan read no file again)."""
    outcomes = [o for o, _ in decided]
    if not dry_run:
        write_decided(ws.root, ws.generated_dir, decided, created_done=created_done)
    if not dry_run and not ws.read_only:  # the memo managed_guests reads
        remember_scanned(ws.generated_dir / "terraform", ws.state_dir / "records-scan.json",
                         {o.path.removeprefix("terraform/"): [rendered.records[o.path]] for o in outcomes
                          if o.path in rendered.records and o.action in RECORDED})
    return outcomes


def _write_created(ws: Workspace, decided: Decided) -> list[Path]:
    """The new files, written by a child process (while the cluster is still read); git scans and stores
    them with the other files written, beside what import writes after them."""
    return write_created(ws.root, ws.generated_dir, decided)


async def _written(early: asyncio.Future[list[Path]]) -> bool:
    """Whether the early write made the new files (if its child failed, they are written here after all)."""
    try:
        await early
    except OSError:
        return False
    return True


async def _take_back(early: asyncio.Future[list[Path]] | None) -> None:
    """Remove the files the early write made (once it is done; if it failed, it removed them itself)."""
    if early is None:
        return
    try:
        made = await asyncio.shield(early)
    except BaseException:  # its own failure took its files back already; a second cancel gives up
        return
    await asyncio.to_thread(remove_created, made)


def _write_terraform(ws: Workspace, guests: list[GuestState], profile: Profile | None, force: bool,
                     dry_run: bool, merge: bool) -> tuple[list[FileOutcome], dict[str, Mapped], list[ScannedGuest]]:
    """Render and write the Terraform files of an import; `guests` may be a subset (`import --guest`): only
    their files are written."""
    rendered = _render_terraform(ws, guests, profile)
    return (_write_rendered(ws, rendered, _decide(ws, rendered, force, merge), dry_run), rendered.mapped,
            rendered.desired)


async def _remember(ws: Workspace, dry_run: bool) -> list[str]:
    """Update the tracked terraform/.managed.json after a write; its path when it changed (to commit it too)."""
    from pmpc_tui.services.plan import remember_managed

    changed = None if dry_run else await asyncio.to_thread(remember_managed, ws)
    return [changed] if changed else []


async def _no_agents() -> dict[int, list[str]]:
    return {}


async def sync_and_import(ws: Workspace, db: Database, client: PVEClient, profile: Profile | None,
                          report: Callable[[str], None] | None = None, force: bool = False, dry_run: bool = False,
                          merge: bool = False, only: set[int] | None = None, addresses: bool | None = None,
                          ) -> tuple[SyncResult, ImportResult]:
    """Read the cluster, then import it; when `addresses` (or the workspace's setting) asks them, the guest
    agents are asked as soon as the configs are in, while the sync writes the state DB and the files are
    generated."""
    from pmpc_tui.iac.objects.firewall_guest import nic_firewall
    from pmpc_tui.services.cluster_objects import read_objects_apart
    from pmpc_tui.services.cluster_sync import sync_cluster
    from pmpc_tui.services.firewall_feed import FirewallFeed

    ws.require_one_cluster()  # before the cluster is read
    asking = asks_agents(ws, addresses) and only is None
    started: list[asyncio.Future[dict[int, list[str]]]] = []
    # the cluster objects (the guests' firewall reads on a big cluster) are read alongside the sync; a guest's
    # firewall options are read once its config is in (only a guest with a firewall=1 network device has one)
    firewalled = FirewallFeed()
    # and /cluster/resources is not read twice: the objects take the sync's answer
    resources: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
    # by two child processes: the client CPU of those ~1,500 GETs goes to the other core
    objects_read = asyncio.ensure_future(read_objects_apart(client, firewalled=firewalled, resources=resources)) \
        if only is None else None
    firewalled.add(managed_firewall_guests(ws) if only is None else set())

    def configs(found: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        firewalled.add({int(entry["vmid"]) for entry, config in found if nic_firewall(config)})

    def fetched(snapshot: ClusterSnapshot) -> None:
        if asking:
            guests = [GuestState(e["type"], int(e["vmid"]), e.get("node", ""), e.get("name", "") or "",
                                 e.get("status", "unknown"), dict(e.get("config") or {})) for e in snapshot.guests]
            started.append(asyncio.ensure_future(ask_agents(client, guests)))
        firewalled.close()  # `configs` has named every firewalled guest as its config came in

    def read_resources(found: list[dict[str, Any]]) -> None:
        if not resources.done():
            resources.set_result(found)

    try:
        with fewer_collections():
            synced = await sync_cluster(client, db, report, on_fetched=fetched, on_resources=read_resources,
                                        on_configs=configs if only is None else None)
            imported = await import_workspace(ws, db, client, profile, force, dry_run, merge,
                                              agent_reads=started[0] if started else None, only=only,
                                              object_reads=objects_read, addresses=asking)
    finally:
        for task in started:
            task.cancel()
        if objects_read is not None:
            objects_read.cancel()
        resources.cancel()
    return synced, imported


def firewall_guests(guests: list[GuestState]) -> set[int]:
    """The VMIDs of the guests whose firewall can take effect: a network device with `firewall=1`."""
    from pmpc_tui.iac.objects.firewall_guest import nic_firewall

    return {g.vmid for g in guests if nic_firewall(g.config)}


def managed_firewall_guests(ws: Workspace) -> set[int]:
    """The VMIDs whose firewall options or rules the workspace already manages (import keeps reading them)."""
    from pmpc_tui.services.cluster_objects import managed_objects

    return {int(key.split("/", 1)[1]) for kind, key in managed_objects(ws)
            if kind in ("firewall_options", "firewall_rules") and key.split("/", 1)[-1].isdigit()}


async def import_workspace(ws: Workspace, db: Database, client: PVEClient | None = None,
                           profile: Profile | None = None, force: bool = False, dry_run: bool = False,
                           merge: bool = False, agent_reads: asyncio.Future[dict[int, list[str]]] | None = None,
                           only: set[int] | None = None, object_reads: asyncio.Future[Any] | None = None,
                           addresses: bool | None = None) -> ImportResult:
    """Generate Terraform (import blocks + complete bpg resources) and Ansible for every synced guest.

    With `only` (VMIDs) just those guests' Terraform files are regenerated; nothing else is touched.
    Refused at the top of a workspace of several clusters (their code is in clusters/NAME/).

    Files the user edited since they were generated are kept (the new version goes to `<file>.new`)
    unless `force`; with `merge` they are merged three ways when the changes do not overlap.
    With `dry_run` nothing is written. The running guests without a static address are asked for theirs only
    with `addresses` (None: the workspace's `inventory.addresses`); otherwise what they reported before is kept.
    """
    ws.require_one_cluster()
    if addresses and client is None:
        raise ValidationFailed("invalid", {
            "--addresses": "cannot ask the guest agents offline: import without --offline, or pass --no-addresses"})
    asking = client is not None and asks_agents(ws, addresses)
    started = time.perf_counter()
    if not await has_synced(db):
        raise WorkspaceError("the workspace's state database is empty",
                             "Run `proxmox-mpc sync` inside the workspace first (import does it unless --offline).")
    guests = await load_guests(db)
    if only is not None:
        return await _import_only(ws, guests, profile, only, force, dry_run, merge, started)
    # the guest agents are asked while the Terraform files are rendered (only the
    # inventory needs their answers) — or since the sync read the cluster (`agent_reads`)
    if agent_reads is None:
        agent_reads = asyncio.ensure_future(ask_agents(client, guests) if asking and client is not None
                                            else _no_agents())
    if object_reads is None and client is not None:  # read while the guests' files are written
        from pmpc_tui.services.cluster_objects import read_objects

        firewalled: asyncio.Future[set[int]] = asyncio.get_running_loop().create_future()
        firewalled.set_result(firewall_guests(guests) | managed_firewall_guests(ws))
        object_reads = asyncio.ensure_future(read_objects(client, firewalled=firewalled))
    stored = None
    early: asyncio.Future[list[Path]] | None = None
    try:
        rendered = await asyncio.to_thread(_render_terraform, ws, guests, profile)
        decided = await asyncio.to_thread(_decide, ws, rendered, force, merge)
        if not dry_run:  # the new files are written by a child process while the cluster is still read
            early = asyncio.ensure_future(asyncio.to_thread(_write_created, ws, decided))
        agents = await agent_reads
        actual = await object_reads if object_reads is not None else None
        created_done = early is not None and await _written(early)
        outcomes = await asyncio.to_thread(_write_rendered, ws, rendered, decided, dry_run, created_done)
        mapped, desired = rendered.mapped, rendered.desired
        if not dry_run:  # git scans and stores the guest files' contents (another core) while the rest is written
            stored = asyncio.ensure_future(asyncio.to_thread(
                history.store_contents, ws, [o.path for o in outcomes if o.action in history.WRITTEN],
                {o.path: rendered.files[o.path] for o in outcomes if o.action in AS_RENDERED}))
        objects = await _write_objects(ws, actual, force, dry_run, merge) if actual is not None else {}
    except BaseException:
        await _take_back(early)  # a failed import leaves no new file behind, as before the early write
        raise
    finally:
        agent_reads.cancel()
        if object_reads is not None:
            object_reads.cancel()
    outcomes += objects.pop("", [])
    skipped = list(objects.pop("skipped", []))
    ips = _combine_ips(guests, agents, not asking, {h.vmid: (h.ips, h.ip_source) for h in _load_hosts(ws)})
    hosts = inventory_hosts(guests, ips)
    try:
        outcomes += write_generated(ws.root, ws.generated_dir, {"ansible/inventory.yml": render_inventory(hosts)},
                                    force=force, dry_run=dry_run, merge=merge)
    except MergeUnavailable as exc:
        raise WorkspaceError(str(exc)) from None
    if not dry_run:
        atomic_write(ws.inventory_data_path, json.dumps([h.to_dict() for h in hosts], indent=1), backup=False)
    if stored is not None:
        await stored
    # a commit naming the command and guests, with the tracked record of what the workspace manages
    await history.record_outcomes(ws, "import", outcomes, dry_run, await _remember(ws, dry_run))
    known = {guest_file_name(g.kind, g.vmid) for g in guests}
    known |= {guest_file_name(g.kind, g.vmid) for g in desired if g.vmid is not None and not g.imported}
    records = ws.generated_dir / "terraform"
    orphaned = sorted(f"terraform/{p.name}" for p in (records.glob("*.tf") if records.is_dir() else [])
                      if p.name not in known and re.fullmatch(r"(vm|ct)-\d+\.tf", p.name)
                      and (ws.terraform_dir / p.name).exists())
    return ImportResult(
        vms=sum(g.kind == "qemu" for g in guests), containers=sum(g.kind == "lxc" for g in guests),
        files=outcomes, warnings={k: m.warnings for k, m in mapped.items() if m.warnings},
        unmanaged={k: m.unmanaged for k, m in mapped.items() if m.unmanaged}, orphaned=orphaned,
        ansible_hosts=len(hosts), hosts_with_ip=sum(bool(h.ips) for h in hosts),
        duration_ms=int((time.perf_counter() - started) * 1000), dry_run=dry_run,
        objects={k: sum(not b.get("_unread") for b in v.values()) for k, v in objects.items()},
        skipped=skipped, notes=import_notes(objects), **_firewall_counts(guests, actual),
        addresses=_address_counts(guests, ips, asking, agents))


def _firewall_counts(guests: list[GuestState], actual: Any) -> dict[str, int]:
    """How many guests' firewall options the object read took (and left out: no firewall=1 network device)."""
    if actual is None:
        return {}
    wanted = getattr(actual, "firewalled", None)
    read = len(guests) if wanted is None else sum(g.vmid in wanted for g in guests)
    return {"firewalls_read": read, "firewalls_skipped": len(guests) - read}


def import_notes(actual: dict[str, Any]) -> list[str]:
    """The summary's lines about what the object files leave out."""
    from pmpc_tui.iac.objects.access import TOKENS
    from pmpc_tui.iac.objects.base import UNREAD

    notes = []
    images = [b for b in (actual.get("image") or {}).values() if not b.get(UNREAD)]
    if images:
        notes.append(f"terraform/images.tf: {len(images)} image(s) written without a url — PVE does not record "
                     "where a file came from; proxmox-mpc does not need it for a file that exists, terraform does")
    tokens = sum(len(b.get(TOKENS) or []) for b in (actual.get("user") or {}).values())
    if actual.get("user"):
        notes.append("terraform/access.tf: no passwords, and API tokens only by id in comments "
                     f"({tokens} token(s)); root@pam, built-in roles and the pam/pve realms are not managed")
    return notes


async def _write_objects(ws: Workspace, actual: dict[str, Any], force: bool, dry_run: bool, merge: bool,
                         ) -> dict[str, Any]:
    """The cluster objects' files (terraform/pools.tf, backup_jobs.tf, ha.tf and ansible/cluster.yml) from the
    objects read; returns kind → the objects, and under "" the file outcomes."""
    from pmpc_tui.iac.ansible import render_cluster_playbook
    from pmpc_tui.services.cluster_objects import object_files, remember_object_records

    files = object_files(actual)
    files["ansible/cluster.yml"] = render_cluster_playbook(actual)
    try:
        outcomes = await asyncio.to_thread(write_generated, ws.root, ws.generated_dir, files, force=force,
                                           dry_run=dry_run, merge=merge)
    except MergeUnavailable as exc:
        raise WorkspaceError(str(exc)) from None
    if not dry_run:
        remember_object_records(ws, actual, [o.path.removeprefix("terraform/") for o in outcomes
                                             if o.path.startswith("terraform/") and o.action in RECORDED])
    return {"": outcomes, "skipped": getattr(actual, "skipped", []), **actual}


async def _import_only(ws: Workspace, guests: list[GuestState], profile: Profile | None, only: set[int],
                       force: bool, dry_run: bool, merge: bool, started: float) -> ImportResult:
    """`import --guest`: regenerate just those guests' Terraform files (inventory and other files untouched)."""
    chosen = only_guests(guests, only)
    outcomes, mapped, _ = await asyncio.to_thread(_write_terraform, ws, chosen, profile, force, dry_run, merge)
    await history.record_outcomes(ws, "import", outcomes, dry_run, await _remember(ws, dry_run))
    return ImportResult(
        vms=sum(g.kind == "qemu" for g in chosen), containers=sum(g.kind == "lxc" for g in chosen),
        files=outcomes, warnings={k: m.warnings for k, m in mapped.items() if m.warnings},
        unmanaged={k: m.unmanaged for k, m in mapped.items() if m.unmanaged}, orphaned=[],
        ansible_hosts=0, hosts_with_ip=0, duration_ms=int((time.perf_counter() - started) * 1000), dry_run=dry_run)


def only_guests(guests: list[GuestState], only: set[int]) -> list[GuestState]:
    """The synced guests `only` names (`import --guest`); each must exist."""
    missing = sorted(only - {g.vmid for g in guests})
    if missing:
        raise NotFound(f"no guest {', '.join(map(str, missing))} in the last sync",
                       "Check the VMID with `proxmox-mpc list vms` / `list cts`.")
    return [g for g in guests if g.vmid in only]


# --- create -----------------------------------------------------------------------------------
@dataclass
class CreateSpec:
    """What `create vm|ct` asks for; None means "use the workspace default"."""

    kind: str  # qemu | lxc
    name: str
    node: str | None = None
    cores: int | None = None
    memory: int | None = None  # MiB
    disk: int | None = None  # GiB
    storage: str | None = None
    bridge: str | None = None
    clone: str | None = None  # template name or VMID
    ostemplate: str | None = None  # containers: storage:vztmpl/file
    ip: str | None = None  # dhcp or CIDR
    gw: str | None = None
    tags: str | None = None
    vmid: int | None = None
    description: str | None = None


@dataclass
class CreateResult:
    """The guest written into the IaC."""

    kind: str
    vmid: int
    name: str
    node: str
    address: str
    files: list[FileOutcome]
    dry_run: bool = False
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "vmid": self.vmid, "name": self.name, "node": self.node,
                "address": self.address, "dry_run": self.dry_run, "files": [f.as_dict() for f in self.files]}


@dataclass
class _Cluster:
    nodes: dict[str, Node]
    storages: dict[tuple[str, str], Storage]
    bridges: set[tuple[str, str]]
    guests: list[GuestState]


async def _cluster(db: Database) -> _Cluster:
    async with db.session() as session:
        nodes = {n.name: n for n in (await session.exec(select(Node).where(Node.removed_at == None))).all()}  # noqa: E711
        storages = {(s.node, s.storage): s for s in
                    (await session.exec(select(Storage).where(Storage.removed_at == None))).all()}  # noqa: E711
        bridges = {(n.node, n.iface) for n in (await session.exec(select(Network))).all()
                   if n.removed_at is None and n.type in ("bridge", "OVSBridge")}
    return _Cluster(nodes, storages, bridges, await load_guests(db))


def _next_free_vmid(used: set[int]) -> int:
    vmid = 100
    while vmid in used:
        vmid += 1
    return vmid


def _disk_size_gib(config: dict[str, Any]) -> int:
    for key in ("scsi0", "virtio0", "sata0", "ide0", "rootfs"):
        if key in config:
            props = parse_props(str(config[key]), "file")
            if props.get("media") != "cdrom" and "size" in props:
                return -(-parse_size(props["size"]) // GiB)
    return 0


def _validate(ws: Workspace, cluster: _Cluster, desired: DesiredState, spec: CreateSpec) -> tuple[dict[str, Any],
                                                                                                dict[str, str]]:
    """Resolve defaults and check everything; returns (resolved values, errors by flag)."""
    errors: dict[str, str] = {}
    d = ws.config.defaults
    what = "VM" if spec.kind == "qemu" else "container"
    r: dict[str, Any] = {}

    name = spec.name.strip()
    if not DNS_LABEL.match(name):
        errors["--name"] = (f"'{spec.name}' is not a valid DNS label: use letters, digits and hyphens, 1–63 "
                            "characters, not starting or ending with a hyphen (e.g. web-01)")
    else:
        lower = name.lower()
        for g in cluster.guests:
            if (g.name or "").lower() == lower:
                errors["--name"] = f"'{name}' is already used by guest {g.vmid} on {g.node}; choose another name"
        for dg in desired.guests:
            if dg.name.lower() == lower and "--name" not in errors:
                errors["--name"] = (f"'{name}' is already declared in {ws.relative(dg.file)} ({dg.address}); "
                                    "choose another name")
    r["name"] = name

    used = {g.vmid for g in cluster.guests} | {v for v in desired.by_vmid()}
    if spec.vmid is not None:
        if not 100 <= spec.vmid <= 999_999_999:
            errors["--vmid"] = f"{spec.vmid} is out of range: VMIDs are 100–999999999"
        elif spec.vmid in used:
            errors["--vmid"] = (f"VMID {spec.vmid} is already taken; leave --vmid out to use the next free one "
                                f"({_next_free_vmid(used)})")
        r["vmid"] = spec.vmid
    else:
        r["vmid"] = _next_free_vmid(used)

    node_name = spec.node or d.node
    node = cluster.nodes.get(node_name or "")
    if not node_name:
        errors["--node"] = f"which node? give --node ({', '.join(sorted(cluster.nodes))}) or set defaults.node"
    elif node is None:
        errors["--node"] = f"node '{node_name}' does not exist; known nodes: {', '.join(sorted(cluster.nodes))}"
    elif node.status != "online":
        errors["--node"] = f"node '{node_name}' is {node.status}; choose an online node"
    r["node"] = node_name

    template: GuestState | None = None
    if spec.clone:
        candidates = [g for g in cluster.guests if g.kind == spec.kind and str(g.config.get("template", "0")) == "1"]
        template = next((g for g in candidates if spec.clone in (str(g.vmid), g.name)), None)
        if template is None:
            names = ", ".join(f"{g.name} ({g.vmid})" for g in candidates) or "none"
            errors["--clone"] = f"no {what} template '{spec.clone}'; templates: {names}"
    r["template"] = template

    cores = spec.cores if spec.cores is not None else (
        int(template.config.get("cores", 1)) if template else (2 if spec.kind == "qemu" else 1))
    memory = spec.memory if spec.memory is not None else (
        int(template.config.get("memory", 512)) if template else (2048 if spec.kind == "qemu" else 512))
    disk = spec.disk if spec.disk is not None else (
        _disk_size_gib(template.config) if template else (32 if spec.kind == "qemu" else 8))
    if cores < 1:
        errors["--cores"] = "must be at least 1"
    elif node is not None and node.maxcpu and cores > node.maxcpu:
        errors["--cores"] = (f"{cores} cores do not fit on {node.name}, which has {node.maxcpu}; "
                             f"use --cores ≤ {node.maxcpu}")
    if memory < 16:
        errors["--memory"] = "must be at least 16 MiB (the value is in MiB, e.g. --memory 2048)"
    elif node is not None and node.maxmem and memory * MiB > node.maxmem:
        errors["--memory"] = (f"{memory} MiB does not fit on {node.name}, which has {node.maxmem // MiB} MiB; "
                              "use a smaller --memory or another --node")
    if disk < 1:
        errors["--disk"] = "must be at least 1 (GiB)"
    elif template is not None and disk < _disk_size_gib(template.config):
        errors["--disk"] = (f"{disk} GiB is smaller than the template's disk ({_disk_size_gib(template.config)} GiB); "
                            "disks cannot shrink")
    r.update(cores=cores, memory=memory, disk=disk)

    content = "images" if spec.kind == "qemu" else "rootdir"
    on_node = {s: st for (n, s), st in cluster.storages.items() if n == node_name}
    storage = spec.storage or d.storage or next(
        (s for s in ("local-lvm", *sorted(on_node)) if s in on_node and content in on_node[s].content.split(",")), None)
    if node is not None:
        st = on_node.get(storage or "")
        fitting = ", ".join(s for s, x in sorted(on_node.items()) if content in x.content.split(",")) or "none"
        if storage is None:
            errors["--storage"] = f"no storage on {node_name} holds {content}; give --storage"
        elif st is None:
            errors["--storage"] = (f"storage '{storage}' does not exist on {node_name}; "
                                   f"storages for {content}: {fitting}")
        elif content not in st.content.split(","):
            errors["--storage"] = (f"storage '{storage}' on {node_name} does not hold {content} "
                                   f"(it holds {st.content}); use one of: {fitting}")
        elif st.maxdisk and disk * GiB > st.maxdisk - st.disk and "--disk" not in errors:
            free = (st.maxdisk - st.disk) // GiB
            errors["--disk"] = f"{disk} GiB does not fit on '{storage}' ({free} GiB free); use a smaller --disk"
    r["storage"] = storage

    bridge = spec.bridge or d.bridge or "vmbr0"
    if node is not None and (node_name, bridge) not in cluster.bridges:
        known = ", ".join(sorted(b for n, b in cluster.bridges if n == node_name)) or "none"
        errors["--bridge"] = f"bridge '{bridge}' does not exist on {node_name}; bridges there: {known}"
    r["bridge"] = bridge

    ip, gw = (spec.ip or "").strip() or None, (spec.gw or "").strip() or None
    if ip and ip != "dhcp":
        try:
            iface = ipaddress.ip_interface(ip)
            if "/" not in ip:
                raise ValueError
            if iface.version == 4 and iface.network.prefixlen < 31 and iface.ip in (
                    iface.network.network_address, iface.network.broadcast_address):
                errors["--ip"] = f"{ip} is the network or broadcast address of {iface.network}"
        except ValueError:
            errors["--ip"] = f"'{ip}' is not dhcp or an address with prefix length (e.g. 192.168.1.50/24)"
            iface = None
        if gw is None and d.gateway:
            gw = d.gateway
        if gw is not None and iface is not None and "--ip" not in errors:
            try:
                gwa = ipaddress.ip_address(gw)
                if gwa not in iface.network:
                    errors["--gw"] = f"gateway {gw} is not in {iface.network}"
                elif gwa == iface.ip:
                    errors["--gw"] = "the gateway cannot be the guest's own address"
            except ValueError:
                errors["--gw"] = f"'{gw}' is not an IP address"
    elif gw and spec.gw:
        errors["--gw"] = "a gateway needs a static --ip CIDR (with dhcp the gateway comes from DHCP)"
    r.update(ip=ip, gw=gw if ip and ip != "dhcp" else None)

    tags = [t for t in re.split(r"[;,\s]+", spec.tags or "") if t]
    bad = [t for t in tags if not TAG.match(t.lower())]
    if bad:
        errors["--tags"] = (f"invalid tag(s) {', '.join(bad)}: tags use letters, digits and _ - + . "
                            "(separate with commas)")
    r["tags"] = split_tags(";".join(tags))

    if spec.kind == "lxc" and template is None:
        ostemplate = spec.ostemplate or d.ct_template
        if not ostemplate:
            errors["--ostemplate"] = ("which OS template? give --ostemplate STORAGE:vztmpl/FILE (e.g. "
                                      "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst), --clone a container "
                                      "template, or set defaults.ct_template in proxmox-mpc.yaml")
        elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*:vztmpl/\S+", ostemplate):
            errors["--ostemplate"] = f"'{ostemplate}' is not a template volume like local:vztmpl/FILE.tar.zst"
        elif node is not None:
            st = on_node.get(ostemplate.split(":", 1)[0])
            if st is None or "vztmpl" not in st.content.split(","):
                errors["--ostemplate"] = (f"storage '{ostemplate.split(':', 1)[0]}' on {node_name} does not hold "
                                          "container templates")
        r["ostemplate"] = ostemplate
    if spec.kind == "qemu" and spec.ostemplate:
        errors["--ostemplate"] = "only containers use an OS template; VMs use --clone"
    return r, errors


def _new_body(spec: CreateSpec, r: dict[str, Any]) -> dict[str, Any]:
    template: GuestState | None = r["template"]
    ip_config = []
    if r["ip"]:
        v4 = {"address": r["ip"]}
        if r["gw"]:
            v4["gateway"] = r["gw"]
        ip_config = [{"ipv4": [v4]}]
    body: dict[str, Any] = {}
    if spec.kind == "qemu":
        body.update(name=r["name"], node_name=r["node"], vm_id=r["vmid"])
        if spec.description:
            body["description"] = spec.description
        if r["tags"]:
            body["tags"] = r["tags"]
        body.update(started=True, on_boot=False, scsi_hardware="virtio-scsi-single")
        if template is not None:
            clone: dict[str, Any] = {"vm_id": template.vmid, "full": True}
            if template.node != r["node"]:
                clone["node_name"] = template.node
            body["clone"] = [clone]
        body["agent"] = [{"enabled": True}]
        body["cpu"] = [{"cores": r["cores"], "sockets": 1, "type": "x86-64-v2-AES", "units": 100}]
        body["memory"] = [{"dedicated": r["memory"], "floating": r["memory"]}]
        body["operating_system"] = [{"type": "l26"}]
        body["disk"] = [{"interface": "scsi0", "datastore_id": r["storage"], "size": r["disk"], "file_format": "raw",
                         "iothread": True, "discard": "on"}]
        body["network_device"] = [{"model": "virtio", "bridge": r["bridge"], "firewall": False}]
        if ip_config:
            body["initialization"] = [{"datastore_id": r["storage"], "interface": "ide2", "ip_config": ip_config}]
    else:
        body.update(node_name=r["node"], vm_id=r["vmid"])
        if spec.description:
            body["description"] = spec.description
        if r["tags"]:
            body["tags"] = r["tags"]
        body.update(started=True, start_on_boot=False, unprivileged=True)
        if template is not None:
            clone = {"vm_id": template.vmid}
            if template.node != r["node"]:
                clone["node_name"] = template.node
            body["clone"] = [clone]
        body["cpu"] = [{"architecture": "amd64", "cores": r["cores"], "units": 100}]
        body["memory"] = [{"dedicated": r["memory"], "swap": 512}]
        body["disk"] = [{"datastore_id": r["storage"], "size": r["disk"]}]
        body["network_interface"] = [{"name": "eth0", "bridge": r["bridge"], "firewall": False}]
        init: dict[str, Any] = {"hostname": r["name"]}
        if ip_config:
            init["ip_config"] = ip_config
        body["initialization"] = [init]
        ostype = str(template.config.get("ostype", "debian")) if template else _ostype_from_template(r["ostemplate"])
        body["operating_system"] = [{"template_file_id": r.get("ostemplate") or "none", "type": ostype}]
        body["features"] = [{"nesting": True}]
    return body


def _ostype_from_template(volid: str) -> str:
    name = volid.rsplit("/", 1)[-1].lower()
    for ostype in ("debian", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos",
                   "devuan"):
        if name.startswith(ostype):
            return ostype
    return "unmanaged"


def _load_hosts(ws: Workspace) -> list[InventoryHost]:
    try:
        data = json.loads(ws.inventory_data_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    return [InventoryHost(**h) for h in data if isinstance(h, dict)]


async def create_guest(ws: Workspace, db: Database, spec: CreateSpec, dry_run: bool = False) -> CreateResult:
    """Validate `spec` against the synced cluster and the IaC, then write the guest's .tf and inventory entry.

    Nothing is sent to the API (apply does that later). On any validation error, ValidationFailed
    lists every problem by flag and no file is touched.
    """
    if spec.kind not in ("qemu", "lxc"):
        raise ValidationFailed("invalid kind", {"kind": "vm or ct"})
    ws.require_one_cluster()
    if not await has_synced(db):
        raise WorkspaceError("the workspace's state database is empty",
                             "Run `proxmox-mpc sync` inside the workspace first.")
    cluster = await _cluster(db)
    desired = load_desired_state(ws.terraform_dir, ws.parse_cache_path, write_cache=False)  # refuses unparsable code
    resolved, errors = _validate(ws, cluster, desired, spec)
    what = "VM" if spec.kind == "qemu" else "container"
    if errors:
        raise ValidationFailed(f"cannot add {what} '{spec.name}':", errors)
    rel = f"terraform/{guest_file_name(spec.kind, resolved['vmid'])}"
    if (ws.root / rel).exists():
        raise ValidationFailed(f"cannot add {what} '{spec.name}':",
                               {"--vmid": f"{rel} already exists; choose another --vmid or remove the file"})
    label = resource_label(resolved["name"], resolved["vmid"], {g.label for g in desired.guests})
    body = _new_body(spec, resolved)
    title = f"{what} {resolved['vmid']} '{resolved['name']}' on {resolved['node']} — added by `proxmox-mpc create`"
    text = render_guest_file(spec.kind, label, Mapped(body=body), None, title)
    known = _load_hosts(ws)
    if not known:  # synced but never imported: start from what the state DB says
        known = inventory_hosts(cluster.guests, {g.vmid: (ips, "static" if ips else None)
                                                 for g in cluster.guests for ips in [static_ips(g)]})
    hosts = [h for h in known if h.vmid != resolved["vmid"]]
    ips = [str(ipaddress.ip_interface(resolved["ip"]).ip)] if resolved["ip"] and resolved["ip"] != "dhcp" else []
    hosts.append(InventoryHost(name=resolved["name"], vmid=resolved["vmid"], node=resolved["node"], kind=spec.kind,
                               status="planned", tags=resolved["tags"], ips=ips, ip_source="static" if ips else None))
    # the guest file is new (checked above), so it is written even if an old record of that name exists
    outcomes = write_generated(ws.root, ws.generated_dir, {rel: text}, force=True, dry_run=dry_run)
    outcomes += write_generated(ws.root, ws.generated_dir, {"ansible/inventory.yml": render_inventory(hosts)},
                                dry_run=dry_run)
    if not dry_run:
        atomic_write(ws.inventory_data_path, json.dumps([h.to_dict() for h in hosts], indent=1), backup=False)
    await history.record_outcomes(ws, "create", outcomes, dry_run, await _remember(ws, dry_run))
    rtype = VM_TYPE if spec.kind == "qemu" else CT_TYPE
    return CreateResult(kind=spec.kind, vmid=resolved["vmid"], name=resolved["name"], node=resolved["node"],
                        address=f"{rtype}.{label}", files=outcomes, dry_run=dry_run, text=text)
