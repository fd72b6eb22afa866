"""Create a workspace: proxmox-mpc.yaml, .proxmox-mpc/, terraform/, ansible/ and a .gitignore."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.config.files import atomic_write
from pmpc_tui.services.workspace_clusters import add_clusters
from pmpc_tui.workspace.config import WORKSPACE_FILE, Defaults, Workspace, WorkspaceConfig, WorkspaceError

if TYPE_CHECKING:
    from pmpc_tui.config.profiles import Profile

GITIGNORE_LINES = (
    "# proxmox-mpc: local state, logs, Terraform state and secrets stay out of git",
    ".proxmox-mpc/",
    "*.tfstate",
    "*.tfstate.*",
    ".terraform/",
    "*.tfvars",
    "*.tfvars.json",
    "crash.log",
    "*.secret",
    ".env",
    "*.bak",
    "*.new",
)


@dataclass
class InitOptions:
    """What `init` asks for (the TUI's /init form fills the same fields)."""

    directory: Path = field(default_factory=Path.cwd)
    profile: str | None = None
    node: str | None = None
    storage: str | None = None
    bridge: str = "vmbr0"
    ct_template: str | None = None
    gateway: str | None = None
    clusters: list[tuple[str, Profile | None]] = field(default_factory=list)  # several: NAME and its profile


@dataclass
class InitResult:
    """The new workspace and the paths created (relative to its root)."""

    workspace: Workspace
    created: list[str]
    history: str = ""  # whether it became a git repository (see services/history.py)

    def as_dict(self) -> dict[str, object]:
        return {"root": str(self.workspace.root), "created": self.created,
                "profile": self.workspace.config.profile, "history": self.history}


def static_files(ws: Workspace, profile: Profile | None) -> dict[str, str]:
    """Provider/variables and Ansible config/playbooks for `ws` (relative path → text)."""
    from pmpc_tui.iac.ansible import ansible_files
    from pmpc_tui.iac.terraform import provider_files

    url = profile.url if profile else "https://pve.example.com:8006"
    insecure = bool(profile and (not profile.verify_tls or profile.fingerprint))
    files = {f"terraform/{k}": v for k, v in
             provider_files(ws.config.provider_version, f"{url.rstrip('/')}/", insecure).items()}
    token_id = (profile.token_name if profile else None) or "mpc"
    files.update({f"ansible/{k}": v for k, v in
                  ansible_files(url, profile.user if profile else "root@pam", token_id, not insecure).items()})
    return files


STATIC_MEMO = "static-files.json"


def remembered_static_files(ws: Workspace, profile: Profile | None) -> dict[str, str]:
    """`static_files` (provider, variables, Ansible config and playbooks), remembered in the state folder by
    what they are made of: an unchanged workspace neither imports Jinja2 nor compiles its templates
    (~0.1 s of every import)."""
    import json

    key = _static_key(ws, profile)
    try:
        saved = json.loads((ws.state_dir / STATIC_MEMO).read_text(encoding="utf-8"))
        if key and saved["key"] == key and all(isinstance(v, str) for v in saved["files"].values()):
            return dict(saved["files"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    files = static_files(ws, profile)
    remember_static_files(ws, profile, files, key)
    return files


def remember_static_files(ws: Workspace, profile: Profile | None, files: dict[str, str], key: str = "") -> None:
    """Keep what `static_files` rendered for the next import (init renders them first), when the state
    folder exists."""
    import json

    key = key or _static_key(ws, profile)
    if key and not ws.read_only and ws.state_dir.is_dir():
        try:
            atomic_write(ws.state_dir / STATIC_MEMO, json.dumps({"key": key, "files": files}), backup=False,
                         fsync=False)
        except OSError:
            pass  # read-only: rendered each time


def _static_key(ws: Workspace, profile: Profile | None) -> str:
    """What `static_files` reads: the profile's connection (never its secret), the provider version, and the
    templates and modules that render them (by size and time)."""
    import hashlib
    import json

    from pmpc_tui.iac import ansible, render, terraform

    sources = [Path(m.__file__ or "") for m in (ansible, render, terraform)] + [Path(__file__)]
    sources += sorted((Path(render.__file__ or "").parent / "templates").glob("*.j2"))
    stamps = []
    for path in sources:
        try:
            stat = path.stat()
        except OSError:
            return ""  # cannot tell: render (an empty key never matches a saved one)
        stamps.append([path.name, stat.st_size, stat.st_mtime_ns])
    connection = [profile.url, profile.user, profile.token_name, profile.verify_tls, bool(profile.fingerprint)] \
        if profile is not None else None
    inputs = [connection, ws.config.provider_version, stamps]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()



def init_workspace(options: InitOptions, profile: Profile | None = None) -> InitResult:
    """Create the workspace in `options.directory` (made if missing); refuses an existing workspace."""
    text = str(options.directory)
    if not text.strip() or "\0" in text or len(text) > 4096:
        raise WorkspaceError("init needs a directory name", "Give a path, e.g. `proxmox-mpc init homelab-iac`.")
    try:
        root = Path(options.directory).expanduser().resolve()
        if options.clusters and (root / WORKSPACE_FILE).exists():
            return add_clusters_to(root, options.clusters)
        return _init(options, profile)
    except OSError as exc:  # not writable, name too long, /proc, a full disk …
        where = exc.filename or options.directory
        raise WorkspaceError(f"cannot create the workspace in {where}: {exc.strerror or exc}",
                             "Choose a directory you can write to.") from None


def _init(options: InitOptions, profile: Profile | None) -> InitResult:
    from pmpc_tui.iac.files import write_generated

    root = Path(options.directory).expanduser().resolve()
    parent = next((p for p in (root, *root.parents) if p.exists()), Path("/"))
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise WorkspaceError(f"cannot create the workspace in {root}: {parent} is not writable",
                             "Choose a directory you can write to.")
    if (root / WORKSPACE_FILE).exists():
        raise WorkspaceError(f"{root} is already a proxmox-mpc workspace ({WORKSPACE_FILE} exists)",
                             "Use it as it is, or edit proxmox-mpc.yaml to change its profile and defaults.")
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} exists and is not a directory", "Choose another directory.")
    several = bool(options.clusters)
    config = WorkspaceConfig(profile=None if several else options.profile or (profile.name if profile else None),
                             defaults=Defaults(node=options.node, storage=options.storage, bridge=options.bridge,
                                               ct_template=options.ct_template, gateway=options.gateway))
    ws = Workspace(root=root, config=config)
    created: list[str] = []
    for folder in (ws.state_dir, ws.logs_dir) if several else (ws.state_dir, ws.logs_dir, ws.generated_dir,
                                                              ws.terraform_dir, ws.ansible_dir):
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(ws.relative(folder) + "/")
    gitignore = root / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    missing = [line for line in GITIGNORE_LINES if line not in existing.splitlines()]
    if missing:
        prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
        atomic_write(gitignore, prefix + "\n".join(missing) + "\n", backup=bool(existing))
        created.append(".gitignore")
    if several:
        add_clusters(ws, [(name, p.name if p else None) for name, p in options.clusters])
        for name, cluster_profile in options.clusters:
            created += cluster_folders(ws.for_cluster(name), cluster_profile)
    else:
        files = static_files(ws, profile)
        outcomes = write_generated(root, ws.generated_dir, files)
        remember_static_files(ws, profile, files)  # import starts from them without Jinja2
        created.extend(o.path for o in outcomes if o.action == "created")
    ws.save()  # last: a half-made directory is not yet a workspace
    created.insert(0, WORKSPACE_FILE)
    from pmpc_tui.services.history import start_repository

    return InitResult(ws, created, start_repository(ws))


def cluster_folders(cws: Workspace, profile: Profile | None) -> list[str]:
    """Make one cluster's folder (terraform/, ansible/, its state) with its provider and Ansible files; the paths
    made, relative to the workspace."""
    from pmpc_tui.iac.files import write_generated

    created: list[str] = []
    for folder in (cws.state_dir, cws.generated_dir, cws.terraform_dir, cws.ansible_dir):
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(folder.relative_to(cws.top_root).as_posix() + "/")
    outcomes = write_generated(cws.root, cws.generated_dir, static_files(cws, profile))
    prefix = cws.root.relative_to(cws.top_root).as_posix()
    created.extend(f"{prefix}/{o.path}" for o in outcomes if o.action == "created")
    return created


def add_clusters_to(root: Path, clusters: list[tuple[str, Profile | None]]) -> InitResult:
    """`init --cluster NAME --profile P` in an existing workspace: add the clusters, make their folders."""
    from pmpc_tui.services.history import record_now

    ws = Workspace.load(root)
    try:
        names = add_clusters(ws, [(name, p.name if p else None) for name, p in clusters])
        created = [path for name, p in clusters for path in cluster_folders(ws.for_cluster(name), p)]
    except OSError as exc:
        raise WorkspaceError(f"cannot add the cluster in {exc.filename or root}: {exc.strerror or exc}",
                             "Choose a directory you can write to.") from None
    ws.save()
    created.append(WORKSPACE_FILE)
    return InitResult(ws, created, record_now(ws, "init", f"added cluster(s) {', '.join(names)}"))
