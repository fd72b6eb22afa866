"""In-memory model of a Proxmox VE cluster: nodes, storage, bridges, guests, volumes, tasks."""

from __future__ import annotations

import hashlib
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.simulator.firewall import FirewallConfig

GiB = 1024**3
MiB = 1024**2

SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)([KMGT]?)$")
_UNITS = {"": 1, "K": 1024, "M": MiB, "G": GiB, "T": 1024 * GiB}


def parse_size(text: str, default_unit: str = "") -> int:
    """Parse a PVE disk size such as `32G`, `512M` or a plain number (in `default_unit`)."""
    match = SIZE_RE.match(text.strip())
    if not match:
        raise ValueError(f"unable to parse size '{text}'")
    unit = match.group(2) or default_unit
    return int(float(match.group(1)) * _UNITS[unit])


def format_size(size: int) -> str:
    """Format a byte count the way PVE writes `size=` in drive strings."""
    for unit in ("T", "G", "M", "K"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)


def normalize_tags(text: str) -> str:
    """Tags are stored lowercased, de-duplicated, sorted and joined with `;`."""
    parts = {p.strip().lower() for p in re.split(r"[;,\s]+", text) if p.strip()}
    return ";".join(sorted(parts))


def parse_property_string(text: str, default_key: str | None = None) -> dict[str, str]:
    """Split `a=1,b=2` (and a leading bare value for `default_key`) into a dict."""
    result: dict[str, str] = {}
    for index, part in enumerate(p for p in text.split(",") if p != ""):
        if "=" in part:
            key, value = part.split("=", 1)
            result[key.strip()] = value.strip()
        elif index == 0 and default_key:
            result[default_key] = part.strip()
        else:
            raise ValueError(f"value without key, but schema does not define a default key: '{part}'")
    return result


def print_property_string(values: dict[str, str], first: tuple[str, ...] = (), bare_first: bool = False
                          ) -> str:
    """Join a property string: keys in `first` lead (the very first bare if asked), the rest sorted."""
    parts: list[str] = []
    for key in first:
        if key in values:
            parts.append(values[key] if bare_first and not parts else f"{key}={values[key]}")
    parts.extend(f"{k}={values[k]}" for k in sorted(values) if k not in first)
    return ",".join(parts)


@dataclass
class Node:
    name: str
    nodeid: int
    ip: str
    maxcpu: int
    maxmem: int
    maxdisk: int
    cpu_model: str = "AMD EPYC 7302P 16-Core Processor"
    online: bool = True
    boot_time: float = field(default_factory=lambda: time.time() - 864000)
    networks: list[dict[str, Any]] = field(default_factory=list)

    def bridges(self) -> set[str]:
        return {n["iface"] for n in self.networks if n.get("type") in ("bridge", "OVSBridge")}


@dataclass
class Storage:
    storage: str
    type: str
    content: tuple[str, ...]
    total: int
    shared: bool = False
    nodes: tuple[str, ...] | None = None  # None: available on every node
    base_used: int = 0
    options: dict[str, str] = field(default_factory=dict)  # type-specific storage.cfg keys (path, vgname, ...)
    secrets: dict[str, str] = field(default_factory=dict, repr=False)  # password, encryption-key: not in storage.cfg

    def available_on(self, node: str) -> bool:
        return self.nodes is None or node in self.nodes

    def config(self) -> dict[str, Any]:
        """The storage's section of storage.cfg, as `GET /storage/{storage}` shows it (without digest)."""
        entry: dict[str, Any] = {"storage": self.storage, "type": self.type, "content": ",".join(self.content),
                                 **self.options}
        if self.shared:
            entry["shared"] = 1  # PVE marks network storage types shared when it reads storage.cfg
        if self.nodes is not None:
            entry["nodes"] = ",".join(self.nodes)
        return entry


@dataclass
class Pool:
    """A resource pool (user.cfg): a named group of guests and storages."""

    poolid: str
    comment: str | None = None
    vmids: set[int] = field(default_factory=set)
    storages: set[str] = field(default_factory=set)


@dataclass
class Volume:
    volid: str
    storage: str
    node: str | None  # None for shared storage
    content: str  # images, rootdir, iso, vztmpl, backup
    format: str
    size: int
    vmid: int | None = None
    ctime: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Guest:
    vmid: int
    kind: str  # "qemu" or "lxc"
    node: str
    config: dict[str, Any]
    status: str = "stopped"  # running, stopped, paused
    started_at: float = 0.0
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshot_parent: str | None = None  # the snapshot the current state descends from (PVE's `parent:`)
    pending: dict[str, Any] = field(default_factory=dict)  # the config's [PENDING] section
    pending_delete: dict[str, bool] = field(default_factory=dict)  # key -> force
    netin: int = 0
    netout: int = 0
    firewall: FirewallConfig = field(default_factory=FirewallConfig)  # the guest's `<vmid>.fw`

    @property
    def name(self) -> str:
        return str(self.config.get("name" if self.kind == "qemu" else "hostname", f"VM {self.vmid}"))

    @property
    def is_template(self) -> bool:
        return bool(int(self.config.get("template", 0) or 0))

    @property
    def lock(self) -> str | None:
        value = self.config.get("lock")
        return str(value) if value else None

    def digest(self) -> str:
        """SHA-1 of the config as PVE writes it to /etc/pve — changes whenever the config does."""
        text = "".join(f"{k}: {self.config[k]}\n" for k in sorted(self.config))
        if self.pending or self.pending_delete:
            text += "\n[PENDING]\n" + "".join(f"{k}: {self.pending[k]}\n" for k in sorted(self.pending))
            if self.pending_delete:
                text += "delete: " + ",".join(("!" if f else "") + k for k, f in sorted(self.pending_delete.items()))
        return hashlib.sha1(text.encode()).hexdigest()

    def maxmem(self) -> int:
        raw = self.config.get("memory", 512 if self.kind == "lxc" else 2048)
        if isinstance(raw, str):
            raw = parse_property_string(raw, "current").get("current", "2048")
        return int(raw) * MiB

    def cpus(self) -> int:
        if self.kind == "lxc":
            return int(self.config.get("cores", 1) or 1)
        return int(self.config.get("cores", 1) or 1) * int(self.config.get("sockets", 1) or 1)


@dataclass
class Task:
    upid: str
    node: str
    pid: int
    pstart: int
    starttime: int
    type: str
    id: str
    user: str
    status: str = "running"
    exitstatus: str | None = None
    endtime: int | None = None
    log: list[str] = field(default_factory=list)

    def add_log(self, line: str) -> None:
        self.log.append(line)


def make_upid(node: str, pid: int, pstart: int, starttime: int, task_type: str, task_id: str, user: str) -> str:
    """UPID:node:PID:PSTART:STARTTIME:type:id:user: — hex fields zero-padded to 8, trailing colon."""
    return f"UPID:{node}:{pid:08X}:{pstart:08X}:{starttime:08X}:{task_type}:{task_id}:{user}:"


# The UPID grammar as PVE writes it; the simulator keeps its own copy (it imports nothing else of the package).
UPID_RE = re.compile(
    r"^UPID:(?P<node>[a-zA-Z0-9][a-zA-Z0-9\-.]*):(?P<pid>[0-9A-Fa-f]{8}):(?P<pstart>[0-9A-Fa-f]{8,9}):"
    r"(?P<starttime>[0-9A-Fa-f]{8}):(?P<type>[^:\s]+):(?P<id>[^:\s]*):(?P<user>[^:\s]+):$"
)


class Cluster:
    """The whole simulated cluster. All mutation happens on the simulator's event loop."""

    def __init__(self, name: str, seed: int = 1) -> None:
        self.name = name
        self.rng = random.Random(seed)
        self.nodes: dict[str, Node] = {}
        self.storages: dict[str, Storage] = {}
        self.pools: dict[str, Pool] = {}
        self.backup_jobs: dict[str, dict[str, Any]] = {}  # jobs.cfg's vzdump jobs: id -> options, in order
        self.ha_resources: dict[str, dict[str, Any]] = {}  # ha/resources.cfg: sid (`vm:101`) -> options
        self.ha_rules: dict[str, dict[str, Any]] = {}  # ha/rules.cfg: rule id -> type and options
        self.guests: dict[int, Guest] = {}
        self.volumes: dict[str, Volume] = {}
        self.tasks: dict[str, Task] = {}
        self.task_order: list[str] = []
        self._pid = 100000 + self.rng.randrange(100000)
        self.mac_counter = self.rng.randrange(0x100000)
        self.firewall = FirewallConfig()  # cluster.fw: options, rules, security groups, aliases, IP sets
        # sdn/{zones,vnets,subnets}.cfg as edited ("config") and as last applied ("running"); the global lock token
        self.sdn: dict[str, Any] = {"config": {"zones": {}, "vnets": {}, "subnets": {}},
                                    "running": {"zones": {}, "vnets": {}, "subnets": {}}, "lock": None}

    # --- lookups -----------------------------------------------------------------------------
    def guest(self, vmid: int, kind: str | None = None, node: str | None = None) -> Guest | None:
        g = self.guests.get(vmid)
        if g is None or (kind and g.kind != kind) or (node and g.node != node):
            return None
        return g

    def storage_volumes(self, storage: str, node: str) -> list[Volume]:
        st = self.storages[storage]
        return [v for v in self.volumes.values()
                if v.storage == storage and (st.shared or v.node == node)]

    def storage_digest(self) -> str:
        """SHA-1 of storage.cfg as PVE writes it; every entry of `GET /storage` carries it."""
        text = "".join(f"{st.type}: {sid}\n" + "".join(f"\t{k} {v}\n" for k, v in sorted(st.config().items())
                                                      if k not in ("storage", "type"))
                       for sid, st in sorted(self.storages.items()))
        return hashlib.sha1(text.encode()).hexdigest()

    def find_volume(self, volid: str, node: str) -> Volume | None:
        """The volume `volid` as seen from `node` (local storage holds per-node volumes)."""
        for key in (volid, f"{node}/{volid}"):
            vol = self.volumes.get(key)
            if vol is not None and vol.volid == volid and vol.node in (None, node):
                return vol
        return None

    def sdn_vnets_on(self, node: str) -> set[str]:
        """Applied VNets a guest on `node` may use as a bridge (their zone spans the node)."""
        running = self.sdn["running"]
        out = set()
        for vnet, options in running["vnets"].items():
            zone = running["zones"].get(options.get("zone"))
            if zone is not None and node in (zone.get("nodes") or node).split(","):
                out.add(vnet)
        return out

    def pool_of(self, vmid: int) -> str | None:
        """The pool a guest belongs to (a guest is in at most one pool)."""
        return next((p.poolid for p in self.pools.values() if vmid in p.vmids), None)

    def storage_used(self, storage: str, node: str) -> int:
        st = self.storages[storage]
        return st.base_used + sum(v.size for v in self.storage_volumes(storage, node))

    def node_mem_used(self, node: str) -> int:
        base = 2 * GiB
        return base + sum(int(g.maxmem() * self._mem_ratio(g)) for g in self.guests.values()
                          if g.node == node and g.status == "running")

    def node_mem_committed(self, node: str) -> int:
        return sum(g.maxmem() for g in self.guests.values() if g.node == node and g.status == "running")

    def next_free_vmid(self, start: int = 100) -> int:
        vmid = start
        while vmid in self.guests:
            vmid += 1
        return vmid

    # --- live figures (deterministic per guest, moving with time) ----------------------------
    def _mem_ratio(self, g: Guest) -> float:
        return 0.35 + (g.vmid * 37 % 40) / 100

    def guest_cpu(self, g: Guest) -> float:
        if g.status != "running":
            return 0.0
        phase = (time.time() / 7 + g.vmid) % 10
        return round(0.01 + (g.vmid * 13 % 30) / 100 * (0.6 + 0.4 * abs(5 - phase) / 5), 6)

    def guest_mem(self, g: Guest) -> int:
        return int(g.maxmem() * self._mem_ratio(g)) if g.status == "running" else 0

    def guest_uptime(self, g: Guest) -> int:
        return int(time.time() - g.started_at) if g.status in ("running", "paused") else 0

    def guest_maxdisk(self, g: Guest) -> int:
        key = "rootfs" if g.kind == "lxc" else None
        if key:
            vol = parse_property_string(str(g.config.get("rootfs", "")), "volume")
            return parse_size(vol.get("size", "0"))
        for disk_key in ("scsi0", "virtio0", "sata0", "ide0"):
            if disk_key in g.config:
                vol = parse_property_string(str(g.config[disk_key]), "file")
                if vol.get("media") != "cdrom":
                    return parse_size(vol.get("size", "0"))
        return 0

    def node_cpu(self, node: str) -> float:
        n = self.nodes[node]
        used = sum(self.guest_cpu(g) * g.cpus() for g in self.guests.values()
                   if g.node == node and g.status == "running")
        return round(min(1.0, 0.01 + used / max(1, n.maxcpu)), 6)

    # --- identifiers --------------------------------------------------------------------------
    def new_mac(self) -> str:
        self.mac_counter = (self.mac_counter + 1) % 0x1000000
        c = self.mac_counter
        return f"BC:24:11:{(c >> 16) & 0xFF:02X}:{(c >> 8) & 0xFF:02X}:{c & 0xFF:02X}"

    def new_task(self, node: str, task_type: str, task_id: str, user: str) -> Task:
        self._pid += 1
        now = int(time.time())
        pstart = int((now - self.nodes[node].boot_time) * 100) & 0xFFFFFFFF
        upid = make_upid(node, self._pid, pstart, now, task_type, task_id, user)
        task = Task(upid, node, self._pid, pstart, now, task_type, task_id, user)
        self.tasks[upid] = task
        self.task_order.append(upid)
        if len(self.task_order) > 5000:
            old = self.task_order.pop(0)
            self.tasks.pop(old, None)
        return task

    def next_disk_name(self, storage: str, vmid: int, kind: str) -> tuple[str, str]:
        """Next free volume id on `storage` for a guest, and its format."""
        st = self.storages[storage]
        index = 0
        while True:
            if st.type in ("dir", "nfs", "cifs"):
                fmt = "raw" if kind == "lxc" else "qcow2"
                volname = f"{vmid}/vm-{vmid}-disk-{index}.{fmt}"
            elif st.type == "zfspool" and kind == "lxc":
                fmt, volname = "subvol", f"subvol-{vmid}-disk-{index}"
            else:
                fmt, volname = "raw", f"vm-{vmid}-disk-{index}"
            volid = f"{storage}:{volname}"
            if volid not in self.volumes:
                return volid, fmt
            index += 1

    def allocate_volume(self, storage: str, node: str, vmid: int, kind: str, size: int) -> Volume:
        volid, fmt = self.next_disk_name(storage, vmid, kind)
        st = self.storages[storage]
        vol = Volume(volid, storage, None if st.shared else node,
                     "rootdir" if kind == "lxc" else "images", fmt, size, vmid)
        self.volumes[volid] = vol
        return vol

    def free_space(self, storage: str, node: str) -> int:
        return self.storages[storage].total - self.storage_used(storage, node)
