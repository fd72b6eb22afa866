"""proxmox-mpc.yaml: which profile a workspace talks to and the defaults `create` uses."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field, fields
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
class WorkspaceConfig:
    """The contents of proxmox-mpc.yaml."""

    profile: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    provider_version: str = PROVIDER_VERSION
    version: int = 1
    webhooks: list[WebhookConfig] = field(default_factory=list)  # outgoing webhooks (`serve`)
    autocommit: bool | None = None  # `history.autocommit`: None = only in the repository init made

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": self.version, "profile": self.profile,
                                "defaults": asdict(self.defaults),
                                "terraform": {"provider_version": self.provider_version}}
        if self.webhooks:
            data["webhooks"] = [hook.to_dict() for hook in self.webhooks]
        if self.autocommit is not None:
            data["history"] = {"autocommit": self.autocommit}
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
                   webhooks=webhooks, autocommit=autocommit)


@dataclass
class Workspace:
    """A workspace on disk and where its parts live."""

    root: Path
    config: WorkspaceConfig
    read_only: bool = False  # caches are read, never written (a read-only MCP server writes nothing)

    @property
    def config_path(self) -> Path:
        return self.root / WORKSPACE_FILE

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
