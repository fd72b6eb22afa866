"""proxmox-mpc.yaml: which profile a workspace talks to and the defaults `create` uses."""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pmpc_tui.config.files import atomic_write
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.workspace.webhooks import WebhookConfig, parse_webhooks

WORKSPACE_FILE = "proxmox-mpc.yaml"
STATE_DIRNAME = ".proxmox-mpc"
# 0.108 fixed the import diffs on keyboard/agent defaults; the argument schema we check is 0.111's
PROVIDER_VERSION = ">= 0.111.0, < 1.0.0"
CLUSTERS_DIRNAME = "clusters"  # a workspace of several clusters: clusters/NAME/terraform, clusters/NAME/ansible
CLUSTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
# `inventory.addresses`: where import takes the inventory's addresses — the guests' configs only (and what the
# guest agents reported before), or also the guest agents / container interfaces of running guests
ADDRESS_SOURCES = ("config", "agent")


class WorkspaceError(PVEError):
    """A workspace problem the user can fix (message says how); exits with 64 like invalid input."""

    exit_code = ExitCode.USAGE


class WorkspaceFileUnreadable(WorkspaceError):
    """proxmox-mpc.yaml is not UTF-8 text, not YAML, or holds values of the wrong type (exit 65)."""

    exit_code = ExitCode.DOES_NOT_PARSE


@dataclass
class Defaults:
    """Values `create` uses when a flag is not given."""

    node: str | None = None
    storage: str | None = None
    bridge: str = "vmbr0"
    ct_template: str | None = None  # e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst
    gateway: str | None = None


@dataclass
class ClusterConfig:
    """One cluster of a workspace of several: its profile and the defaults that differ from the workspace's."""

    profile: str | None = None
    defaults: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, **({"defaults": dict(self.defaults)} if self.defaults else {})}


def check_cluster_name(name: str, where: str = WORKSPACE_FILE) -> str:
    """`name` when it can be a folder under clusters/ (letters, digits, _ . -), else WorkspaceError."""
    if not isinstance(name, str) or not CLUSTER_NAME.match(name):
        raise WorkspaceError(f"{where}: '{name}' is not a cluster name",
                             "Use letters, digits, '_', '.' and '-' (at most 63, not starting with '.' or '-').")
    return name


def _clusters(raw: Any, known: set[str]) -> dict[str, ClusterConfig]:
    """The `clusters:` mapping of proxmox-mpc.yaml (NAME: {profile: P, defaults: {...}})."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: 'clusters' must be a mapping such as "
                                      "'clusters: {lab: {profile: lab}}'")
    out: dict[str, ClusterConfig] = {}
    for name, entry in raw.items():
        try:
            check_cluster_name(str(name))
        except WorkspaceError as exc:
            raise WorkspaceFileUnreadable(exc.message, exc.hint) from None
        entry = entry or {}
        profile = entry.get("profile") if isinstance(entry, dict) else None
        defaults = entry.get("defaults") or {} if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(profile, str | None) or not isinstance(defaults, dict):
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: cluster '{name}' must be a mapping such as "
                                          "'{profile: lab, defaults: {node: pve1}}'")
        unknown = {str(k) for k in defaults} - known
        if unknown or any(v is not None and not isinstance(v, str) for v in defaults.values()):
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: cluster '{name}': defaults must be text, known: "
                                          f"{', '.join(sorted(known))}")
        twin = next((other for other, entry in out.items() if profile and entry.profile == profile), None)
        if twin is not None:  # two folders of code for one cluster: each apply would undo the other's
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: clusters '{twin}' and '{name}' both use profile "
                                          f"'{profile}'", "Give each cluster its own profile.")
        out[str(name)] = ClusterConfig(profile=profile, defaults={str(k): v for k, v in defaults.items()})
    return out


def _addresses(raw: Any) -> str | None:
    """The `inventory:` mapping of proxmox-mpc.yaml: `{addresses: config|agent}`."""
    if raw is None:
        return None
    addresses = raw.get("addresses") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or set(map(str, raw)) - {"addresses"} or addresses not in (None, *ADDRESS_SOURCES):
        raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: 'inventory' must be a mapping such as "
                                      "'inventory: {addresses: agent}' (addresses: config or agent)")
    return addresses


@dataclass
class WorkspaceConfig:
    """The contents of proxmox-mpc.yaml."""

    profile: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    provider_version: str = PROVIDER_VERSION
    version: int = 1
    webhooks: list[WebhookConfig] = field(default_factory=list)  # outgoing webhooks (`serve`)
    autocommit: bool | None = None  # `history.autocommit`: None = only in the repository init made
    clusters: dict[str, ClusterConfig] = field(default_factory=dict)  # several clusters: one folder each
    addresses: str | None = None  # `inventory.addresses` (ADDRESS_SOURCES); None: not set, "config"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": self.version, "profile": self.profile,
                                "defaults": asdict(self.defaults),
                                "terraform": {"provider_version": self.provider_version}}
        if self.clusters:
            data["clusters"] = {name: entry.to_dict() for name, entry in self.clusters.items()}
        if self.webhooks:
            data["webhooks"] = [hook.to_dict() for hook in self.webhooks]
        if self.autocommit is not None:
            data["history"] = {"autocommit": self.autocommit}
        if self.addresses is not None:
            data["inventory"] = {"addresses": self.addresses}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkspaceConfig:
        known = {f.name for f in fields(Defaults)}
        raw = data.get("defaults") or {}
        if not isinstance(raw, dict):
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: 'defaults' must be a mapping")
        unknown = {str(k) for k in raw} - known
        if unknown:
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: unknown defaults {', '.join(sorted(unknown))} "
                                          f"(known: {', '.join(sorted(known))})")
        for key, value in [("profile", data.get("profile")), *((f"defaults.{k}", v) for k, v in raw.items())]:
            if value is not None and not isinstance(value, str):
                raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: '{key}' must be text, not {type(value).__name__}")
        terraform = data.get("terraform") or {}
        version = data.get("version", 1)
        if not isinstance(terraform, dict) or isinstance(version, bool) or not isinstance(version, int):
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: 'version' must be a whole number and 'terraform' "
                                          "a mapping")
        try:
            webhooks = parse_webhooks(data.get("webhooks"), WORKSPACE_FILE)
        except ValueError as exc:
            raise WorkspaceFileUnreadable(str(exc)) from None
        history = data.get("history") or {}
        autocommit = history.get("autocommit") if isinstance(history, dict) else None
        if not isinstance(history, dict) or not isinstance(autocommit, bool | None):
            raise WorkspaceFileUnreadable(f"{WORKSPACE_FILE}: 'history' must be a mapping such as "
                                          "'history: {autocommit: true}'")
        return cls(profile=data.get("profile"), defaults=Defaults(**raw),
                   provider_version=str(terraform.get("provider_version", PROVIDER_VERSION)), version=version,
                   webhooks=webhooks, autocommit=autocommit, clusters=_clusters(data.get("clusters"), known),
                   addresses=_addresses(data.get("inventory")))


@dataclass
class Workspace:
    """A workspace on disk and where its parts live."""

    root: Path
    config: WorkspaceConfig
    read_only: bool = False  # caches are read, never written (a read-only MCP server writes nothing)
    cluster: str | None = None  # one cluster of a workspace of several: root is clusters/NAME
    top: Path | None = None  # that workspace's own root (where proxmox-mpc.yaml is); None: `root`

    @property
    def top_root(self) -> Path:
        """The folder holding proxmox-mpc.yaml (a cluster's folder is below it)."""
        return self.top if self.top is not None else self.root

    @property
    def config_path(self) -> Path:
        return self.top_root / WORKSPACE_FILE

    @property
    def clusters_dir(self) -> Path:
        return self.top_root / CLUSTERS_DIRNAME

    def cluster_names(self) -> list[str]:
        """The clusters of a workspace of several, in the file's order (empty: one cluster, `terraform/`)."""
        return list(self.config.clusters)

    def require_one_cluster(self) -> None:
        """WorkspaceError for code read or written at the top of a workspace of several clusters (MCP, web,
        console paths that are not per cluster yet): its code is in clusters/NAME/, never in terraform/."""
        if self.cluster is None and self.config.clusters:
            raise WorkspaceError(f"{self.root} holds several clusters ({', '.join(self.config.clusters)}): this "
                                 "works on one cluster's folder",
                                 "Run it in clusters/NAME/, or use the CLI (`plan`, `apply` … work per cluster).")

    def for_cluster(self, name: str) -> Workspace:
        """Cluster `name`'s part of this workspace: its folder as root, its profile and defaults."""
        entry = self.config.clusters.get(name)
        if entry is None:
            known = ", ".join(self.config.clusters) or "none: this workspace has one cluster, in terraform/"
            raise WorkspaceError(f"no cluster '{name}' in {self.config_path} (clusters: {known})",
                                 "Add one with `proxmox-mpc init --cluster NAME --profile PROFILE` in the workspace.")
        defaults = replace(self.config.defaults, **{k: v for k, v in entry.defaults.items() if v is not None})
        # its own profile only, never the workspace's: two clusters without one must not both reach that cluster
        config = replace(self.config, profile=entry.profile, defaults=defaults, clusters={})
        return Workspace(root=self.clusters_dir / name, config=config, read_only=self.read_only, cluster=name,
                         top=self.top_root)

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIRNAME

    @property
    def db_path(self) -> Path:
        return self.state_dir / "state.db"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def generated_dir(self) -> Path:
        """Last generated version of every generated file, to tell user edits from our output."""
        return self.state_dir / "generated"

    @property
    def terraform_dir(self) -> Path:
        return self.root / "terraform"

    @property
    def ansible_dir(self) -> Path:
        return self.root / "ansible"

    @property
    def parse_cache_path(self) -> Path:
        """Parsed .tf files by content hash (see `load_desired_state`)."""
        return self.state_dir / "parse-cache.json"

    @property
    def inventory_data_path(self) -> Path:
        return self.state_dir / "inventory.json"

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    @classmethod
    def load(cls, root: Path, remember: bool = True) -> Workspace:
        """Read `root/proxmox-mpc.yaml` (what it held is remembered in the state folder, unless not `remember`)."""
        path = root / WORKSPACE_FILE
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise WorkspaceError(f"{path}: cannot read it ({exc.strerror or exc})") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise WorkspaceFileUnreadable(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                          "Save the file as UTF-8.") from None
        memo = root / STATE_DIRNAME / CONFIG_MEMO
        data = _remembered(memo, text)
        if data is not None:
            return cls(root=root, config=WorkspaceConfig.from_dict(data))
        data = _read_yaml(path, text)
        workspace = cls(root=root, config=WorkspaceConfig.from_dict(data))
        if remember:
            _remember(memo, text, data)
        return workspace

    def save(self) -> None:
        """Write proxmox-mpc.yaml atomically."""
        if self.cluster is not None:
            raise WorkspaceError(f"cluster '{self.cluster}' has no file of its own; {self.config_path} is saved "
                                 "through the workspace")
        atomic_write(self.config_path, dump_yaml(self.config.to_dict(), header=CONFIG_HEADER))


# what proxmox-mpc.yaml held, by its text: importing ruamel.yaml to read it cost every command ~30 ms of its start
CONFIG_MEMO = "workspace-yaml.json"


def _read_yaml(path: Path, text: str) -> dict[str, Any]:
    from ruamel.yaml import YAML, YAMLError

    try:
        data = YAML(typ="safe").load(text) or {}
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise WorkspaceFileUnreadable(f"{where}: not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise WorkspaceFileUnreadable(f"{path}: expected a mapping at the top level")
    return data


def _remembered(memo: Path, text: str) -> dict[str, Any] | None:
    """What the YAML parser made of exactly this text before (None: parse it)."""
    import json

    try:
        saved = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(saved, dict) and saved.get("text") == text and isinstance(saved.get("data"), dict):
        return saved["data"]
    return None


def _remember(memo: Path, text: str, data: dict[str, Any]) -> None:
    """Keep the parsed config when JSON gives it back unchanged (no dates, no keys other than text) and the
    state folder exists (a fresh checkout gets none from this)."""
    import json

    try:
        encoded = json.dumps({"text": text, "data": data}, separators=(",", ":"))
    except (TypeError, ValueError):
        return
    if json.loads(encoded)["data"] != data or not memo.parent.is_dir():
        return
    try:
        atomic_write(memo, encoded, backup=False, fsync=False)
    except OSError:
        pass  # a read-only checkout: read all the same


CONFIG_HEADER = """\
# proxmox-mpc workspace. Commands run anywhere below this directory use it.
# profile: the connection profile (see `proxmox-mpc profiles`); secrets are never stored here.
# defaults: what `proxmox-mpc create` uses when a flag is not given.
"""


def dump_yaml(data: Any, header: str = "") -> str:
    """Block-style YAML text (ruamel), with an optional comment header."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return header + buf.getvalue()
