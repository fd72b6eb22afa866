"""Workspace history: every change proxmox-mpc writes becomes a git commit naming the command, the guests
and the correlation ID; `history` lists them with the edits made outside proxmox-mpc, `history show` one.

In the repository `init` made, commits are on unless `history.autocommit: false`; inside a repository the
user already had, only with `history.autocommit: true`, and then only the workspace's own files. Files that
look like secrets, and local state, are never staged.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmpc_tui.pve.errors import NotFound, PVEError
from pmpc_tui.workspace import git
from pmpc_tui.workspace.config import STATE_DIRNAME, Workspace, WorkspaceError

if TYPE_CHECKING:
    from pmpc_tui.iac.files import FileOutcome
    from pmpc_tui.services.apply import ApplyResult
    from pmpc_tui.services.plan import Plan

log = logging.getLogger("pmpc.history")
# one commit at a time in this process: the clusters of a workspace of several write (and commit) at the same
# time into one repository, and git allows one index writer
_COMMITTING = threading.Lock()
OWNED_MARK = "git-owned"  # in .proxmox-mpc/: init made this repository, so commits are on by default
APPLIES_DIR = "history/applies"
WRITTEN = ("created", "updated", "overwritten", "merged")  # FileOutcome actions that wrote the file
# never staged, whatever .gitignore says: local state and files that hold or look like secrets
NEVER_STAGED = (f"{STATE_DIRNAME}/*", "*.tfstate", "*.tfstate.*", ".terraform/*", "*.tfvars", "*.tfvars.json",
                "*.secret", ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_ecdsa*",
                "id_ed25519*", "*.bak", "*.new", "crash.log", "*token*", "*password*", "*credential*")
SECRET_TEXT = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|PVEAPIToken=[^\s\"']+=[0-9a-fA-F-]{36}"  # a whole API token with its secret
    r"|(?i:password|passwd|secret|api_token|token_secret)\s*[=:]\s*\"[^\"$*{]{6,}\"",  # a quoted literal value
)
# every SECRET_TEXT match holds one of these (lowercased); only ASCII text is ruled out by them
SECRET_WORDS = (b"private key-----", b"pveapitoken=", b"password", b"passwd", b"secret", b"api_token")
SECRET_KEYS = re.compile(r"(?i)password|secret|token|private")
GUEST_FILE = re.compile(r"(?:^|/)terraform/(vm|ct)-(\d+)\.tf$")
REV_TEXT = re.compile(r"[A-Za-z0-9._~^@{}/-]{1,200}")
TRAILERS = ("Command", "Guests", "Correlation-ID")
MAX_SCAN = 1 << 20  # larger files are not read for secrets (and are refused: nothing we write is that big)


@dataclass
class Commit:
    """One commit of the workspace's history."""

    rev: str
    short: str
    author: str
    date: str
    subject: str
    command: str = ""
    guests: str = ""
    correlation_id: str = ""
    refused: list[str] = field(default_factory=list)  # files not committed because they look like secrets

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Uncommitted:
    """A workspace file changed outside proxmox-mpc (or not yet committed)."""

    path: str
    state: str  # modified, added, deleted, untracked, renamed


@dataclass
class History:
    """`history`: the newest commits and what is uncommitted."""

    commits: list[Commit]
    uncommitted: list[Uncommitted]

    def as_dict(self) -> dict[str, Any]:
        return {"commits": [c.as_dict() for c in self.commits],
                "uncommitted": [asdict(u) for u in self.uncommitted]}


# ---- where the repository is, and whether proxmox-mpc commits ------------------------------------
def repo_root(ws: Workspace) -> Path | None:
    """The git repository the workspace is in (None: not in one, or git missing)."""
    return git.top_level(ws.root)


def workspace_prefix(ws: Workspace, top: Path) -> str:
    """The workspace's folder inside the repository, with a trailing slash (empty at its root)."""
    rel = ws.root.resolve().relative_to(top).as_posix()
    return "" if rel == "." else rel + "/"


def owns_repository(ws: Workspace) -> bool:
    """True when `init` made the repository the workspace is the root of (a cluster's folder: its workspace's)."""
    return (ws.top_root / STATE_DIRNAME / OWNED_MARK).is_file() and repo_root(ws) == ws.top_root.resolve()


def autocommit(ws: Workspace) -> bool:
    """Does proxmox-mpc commit its changes here? (`history.autocommit`, else only in its own repository)."""
    if ws.read_only or ws.config.autocommit is False:
        return False
    if not git.git_available():
        return False
    if ws.config.autocommit is True:
        return repo_root(ws) is not None
    return owns_repository(ws)


def start_repository(ws: Workspace) -> str:
    """For `init`: make the workspace a repository unless it is inside one; commit its files. Says what it did."""
    if not git.git_available():
        return ("no history: git is not installed (sudo apt-get install git; then `git init` in the workspace and "
                "set `history: {autocommit: true}` in proxmox-mpc.yaml)")
    top = repo_root(ws)
    if top is not None:
        return (f"inside the git repository {top}: proxmox-mpc commits there only with "
                "`history: {autocommit: true}` in proxmox-mpc.yaml")
    try:
        git.init(ws.root)
        ws.state_dir.mkdir(parents=True, exist_ok=True)
        (ws.state_dir / OWNED_MARK).write_text("made by proxmox-mpc init\n", encoding="utf-8")
        commit_change(ws, "init", None)
    except (PVEError, OSError) as exc:
        return f"no history: {exc}"
    return "made it a git repository: every change proxmox-mpc writes is a commit (`proxmox-mpc history`)"


# ---- committing ----------------------------------------------------------------------------------
def never_staged(path: str) -> bool:
    """True for local state and files named like secrets (any folder)."""
    parts = path.split("/")
    if STATE_DIRNAME in parts[:-1] or ".terraform" in parts[:-1]:
        return True
    name = parts[-1].lower()
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in NEVER_STAGED if "/" not in pattern)


def _local_state(path: str) -> bool:
    parts = path.split("/")
    return STATE_DIRNAME in parts[:-1] or ".terraform" in parts[:-1]


# path → (size, mtime, inode) when scanned, and the verdict: import scans its files while it still reads the
# cluster (store_contents), and the commit takes the verdict of a file that has not changed since
_SCANNED: dict[str, tuple[tuple[int, int, int], bool]] = {}


def holds_secret(file: Path) -> bool:
    """True when the file's text looks like it holds a secret (a private key, a token, a literal password)."""
    try:
        stat = file.stat()
        if stat.st_size > MAX_SCAN:
            return True
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = _SCANNED.get(str(file))
        if known is not None and known[0] == stamp:
            return known[1]
        data = file.read_bytes()
    except OSError:
        return False
    found = _secret_in(data)
    if len(data) == stamp[0]:  # read as it was stat'ed (not changed in between)
        _remember_scan(file, stamp, found)
    return found


def _secret_in(data: bytes) -> bool:
    if data.isascii() and not any(word in data.lower() for word in SECRET_WORDS):
        return False  # SECRET_TEXT cannot match: ~20x faster than running it over an import's 1,500 files
    return bool(SECRET_TEXT.search(data.decode("utf-8", "replace")))


def _remember_scan(file: Path, stamp: tuple[int, int, int], found: bool) -> None:
    if len(_SCANNED) < 100_000:
        _SCANNED[str(file)] = (stamp, found)


def _scan_written(file: Path, data: bytes) -> bool:
    """`holds_secret` of a file just written with `data`: the text in hand is scanned, the file only stat'ed."""
    try:
        stat = file.stat()
    except OSError:
        return False
    if stat.st_size != len(data) or stat.st_size > MAX_SCAN:
        return holds_secret(file)  # changed since (or too big): as any other file
    found = _secret_in(data)
    _remember_scan(file, (stat.st_size, stat.st_mtime_ns, stat.st_ino), found)
    return found


def guests_of(paths: list[str]) -> list[str]:
    """`vm 101`, `ct 200` … for the guest files among `paths`."""
    found = {(m.group(1), int(m.group(2))) for p in paths if (m := GUEST_FILE.search(p))}
    return [f"{kind} {vmid}" for kind, vmid in sorted(found, key=lambda g: (g[1], g[0]))]


def message(command: str, guests: list[str], correlation_id: str, detail: str = "") -> str:
    """The commit message: the command and the guests first, the correlation ID as a trailer."""
    shown = ", ".join(guests[:8]) + (f" and {len(guests) - 8} more" if len(guests) > 8 else "")
    subject = f"proxmox-mpc {command}" + (f": {shown}" if shown else "")
    body = f"\n\n{detail}" if detail else ""
    trailers = [f"Command: {command}", f"Guests: {', '.join(guests) if guests else '-'}",
                f"Correlation-ID: {correlation_id}"]
    return subject + body + "\n\n" + "\n".join(trailers) + "\n"


MANY_PATHS = 32  # above this many files, git status runs over the workspace and is filtered here


def _changed(top: Path, pathspecs: list[str], within: str = ".") -> list[str]:
    """Paths (relative to the repository) under `pathspecs` that differ from HEAD, ignored files left out.

    git matches each file against each pathspec, so an import's 1,500 files are one status of the
    workspace (`within`) whose entries are picked here."""
    wanted = set(pathspecs) if len(pathspecs) > MANY_PATHS else None
    out = git.run(top, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--",
                        *([within] if wanted is not None else pathspecs)]).stdout  # status reads no pathspec file
    found = [entry[3:].decode("utf-8", "replace") for entry in out.split(b"\0") if len(entry) > 3]
    return found if wanted is None else [p for p in found if p in wanted]


def _nothing_staged(top: Path) -> bool:
    """True when the index holds nothing the user staged (then a plain commit takes only what we add)."""
    return git.run(top, ["diff", "--cached", "--quiet"], check=False).returncode == 0


def commit_change(ws: Workspace, command: str, paths: list[str] | None, guests: list[str] | None = None,
                  detail: str = "") -> Commit | None:
    """Commit `paths` (relative to the workspace; None: all its files) if proxmox-mpc commits here.

    Only the named files are committed (anything else the user staged stays staged); secret-looking,
    ignored and local-state files are never staged. None when there was nothing to commit."""
    with _COMMITTING:
        return _commit_change(ws, command, paths, guests, detail)


def _commit_change(ws: Workspace, command: str, paths: list[str] | None, guests: list[str] | None,
                   detail: str) -> Commit | None:
    from pmpc_tui.observability.correlation import correlation_id

    top = repo_root(ws)
    if top is None:
        return None
    prefix = workspace_prefix(ws, top)
    specs = [prefix + p for p in paths] if paths is not None else [prefix or "."]
    if not specs:
        return None
    candidates = _changed(top, specs, prefix or ".")
    local = {p for p in candidates if _local_state(p[len(prefix):])}  # never staged, nothing to say
    refused = [p for p in candidates if p not in local
               and (never_staged(p[len(prefix):]) or ((top / p).is_file() and holds_secret(top / p)))]
    left_out = local | set(refused)  # sets: an import's 1,500 paths were compared pairwise
    chosen = [p for p in candidates if p not in left_out]
    for path in refused:
        log.warning("history: not committed, it looks like a secret: %s", path)
    if not chosen:
        return None
    stdin = git.nul_list(chosen)
    alone = _nothing_staged(top)  # a commit of named paths builds a second index: slow for 1,500 files
    git.run(top, ["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], stdin=stdin)
    touched = guests if guests is not None else guests_of(chosen)
    cid = correlation_id.get()
    text = message(command, touched, cid, detail)
    if alone:
        git.run(top, ["commit", "-q", "-m", text], extra_env=git.identity(top))
    else:
        git.run(top, ["commit", "-q", "-m", text, "--pathspec-from-file=-", "--pathspec-file-nul"],
                stdin=stdin, extra_env=git.identity(top))
    rev = git.text(top, ["rev-parse", "HEAD"]).strip()
    return Commit(rev, rev[:12], "", "", text.splitlines()[0], command, ", ".join(touched), cid,
                  [p[len(prefix):] for p in refused])


def store_contents(ws: Workspace, paths: list[str], texts: dict[str, str] | None = None) -> None:
    """Scan guest files just written (workspace-relative paths; `texts`: what was written to them, so they are
    not read back) for secrets and put the contents of the others into the repository's object store as one
    pack (`git fast-import`, blobs only: nothing is staged or committed), so the commit that follows finds
    both done: import runs it (git in a process of its own) while it still reads the cluster. Only where
    proxmox-mpc commits; a failure only costs the time it would have saved."""
    guest_files = [p for p in paths if GUEST_FILE.search(p) and not never_staged(p)]
    if not guest_files or not autocommit(ws):
        return
    top = repo_root(ws)
    if top is None:
        return
    prefix = workspace_prefix(ws, top)
    # scanned now (the commit takes the verdict of a file unchanged since); a secret-looking file is not stored
    stream = []
    for path in guest_files:
        file = top / (prefix + path)
        text = texts.get(path) if texts is not None else None
        try:
            data = text.encode("utf-8") if text is not None else file.read_bytes()
        except OSError:
            continue
        if not (_scan_written(file, data) if text is not None else holds_secret(file)):
            stream += [b"blob\ndata %d\n" % len(data), data, b"\n"]
    if not stream:
        return
    try:  # one pack file: `hash-object -w` wrote 1,500 loose objects (~0.6 s of system time on a busy disk)
        git.run(top, ["fast-import", "--quiet", "--done"], stdin=b"".join([*stream, b"done\n"]), check=False)
    except PVEError as exc:
        log.debug("history: contents not stored ahead of the commit: %s", exc)


async def record(ws: Workspace, command: str, paths: list[str] | None, guests: list[str] | None = None) -> None:
    """The hook after a write (import, create, revert): commit it when proxmox-mpc commits here; never fails
    the write — a git problem is logged."""
    if not autocommit(ws):
        return
    try:
        await asyncio.to_thread(commit_change, ws, command, paths, guests)
    except PVEError as exc:
        log.warning("history: the change was written but not committed: %s", exc)


def record_now(ws: Workspace, command: str, detail: str = "") -> str:
    """`record` for a synchronous caller (init adding a cluster): commit the workspace's changed files; what it did."""
    if not autocommit(ws):
        return ""
    try:
        commit = commit_change(ws, command, None, [], detail)
    except PVEError as exc:
        return f"written but not committed: {exc}"
    return f"committed as {commit.short}" if commit is not None else ""


def _command(default: str) -> str:
    from pmpc_tui.observability.correlation import operation_name

    name = operation_name.get()
    return default if name in ("-", "") else name


async def record_outcomes(ws: Workspace, command: str, outcomes: list[FileOutcome], dry_run: bool,
                          also: list[str] | None = None) -> None:
    """The import/create hook: commit the files it wrote (not the user's kept edits) and `also` (e.g. the
    updated terraform/.managed.json), under the running command."""
    written = [o.path for o in outcomes if o.action in WRITTEN] + (also or [])
    if not dry_run and written:
        await record(ws, _command(command), written)


def record_edit(root: Path, path: Path) -> None:
    """The editor's hook after a save (called in a worker thread): commit the saved file."""
    try:
        ws = Workspace.load(root)
        if autocommit(ws):
            commit_change(ws, "edit", [path.resolve().relative_to(ws.root.resolve()).as_posix()])
    except (PVEError, ValueError, OSError) as exc:
        log.warning("history: the save was written but not committed: %s", exc)


def _plain(key: str, value: Any) -> Any:
    return "(hidden)" if SECRET_KEYS.search(key) and value not in (None, "") else value


def apply_summary(plan: Plan, result: ApplyResult, user: str, correlation_id: str, when: str) -> dict[str, Any]:
    """What an apply changed, by whom and under which correlation ID (values of secret-like keys hidden)."""
    outcome = {s.address: s for s in result.steps}
    changes = []
    for change in plan.changes:
        step = outcome.get(change.address)
        changes.append({"address": change.address, "vmid": change.vmid, "name": change.name, "node": change.node,
                        "action": change.action, "impact": change.impact,
                        "attributes": [{"key": c.key, "before": _plain(c.key, c.before),
                                        "after": _plain(c.key, c.after)} for c in change.changes],
                        "status": "not run" if step is None else "done" if step.ok else "failed",
                        "message": step.message if step else ""})
    return {"time": when, "run": result.run_id, "user": user, "correlation_id": correlation_id,
            "status": "failed" if result.failed else "done", "changes": changes}


async def record_apply(ws: Workspace, plan: Plan, result: ApplyResult, also: list[str] | None = None) -> None:
    """The hook after an apply: write history/applies/<time>.json and commit it with `also` (the workspace's
    other files the apply wrote, e.g. terraform/.managed.json) when proxmox-mpc commits."""
    if not autocommit(ws):
        return
    try:
        await asyncio.to_thread(_commit_apply, ws, plan, result, also or [])
    except (PVEError, OSError) as exc:
        log.warning("history: the apply's summary was not committed: %s", exc)


def _commit_apply(ws: Workspace, plan: Plan, result: ApplyResult, also: list[str]) -> Commit | None:
    import getpass
    from datetime import UTC, datetime

    from pmpc_tui.config.files import atomic_write
    from pmpc_tui.observability.correlation import correlation_id

    now = datetime.now(UTC)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    summary = apply_summary(plan, result, user, correlation_id.get(), now.isoformat(timespec="seconds"))
    rel = f"{APPLIES_DIR}/{now.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    target = ws.root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, json.dumps(summary, indent=1, default=str) + "\n", backup=False)
    guests = [f"{'vm' if c.kind == 'qemu' else 'ct'} {c.vmid}" + (f" {c.name}" if c.name else "")
              for c in plan.changes if c.vmid is not None]
    done = len(result.steps) - len(result.failed)
    command = _command("apply")
    detail = f"apply #{result.run_id}: {done} of {len(result.steps)} steps done, by {user}"
    return commit_change(ws, command, [rel, *also], guests, detail)


# ---- reading -------------------------------------------------------------------------------------
def require_repository(ws: Workspace) -> Path:
    """The repository's root, or an error that says how to get one."""
    git.require_git()
    top = repo_root(ws)
    if top is None:
        raise WorkspaceError(f"{ws.root} is not in a git repository, so it has no history",
                             "Run `git init` there and set `history: {autocommit: true}` in proxmox-mpc.yaml "
                             "(workspaces made by `proxmox-mpc init` are repositories already).")
    return top


def uncommitted(ws: Workspace) -> list[Uncommitted]:
    """Workspace files that differ from the last commit (edits made outside proxmox-mpc), secrets left out."""
    top = repo_root(ws)
    if top is None:
        return []
    prefix = workspace_prefix(ws, top)
    out = git.run(top, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--",
                        prefix or "."]).stdout
    states = {"M": "modified", "A": "added", "D": "deleted", "?": "untracked", "R": "renamed", "T": "modified"}
    found = []
    for entry in out.split(b"\0"):
        if len(entry) <= 3:
            continue
        code = entry[:2].decode().strip() or "M"
        path = entry[3:].decode("utf-8", "replace")[len(prefix):]
        if not never_staged(path):
            found.append(Uncommitted(path, states.get(code[0], "modified")))
    return found


def list_history(ws: Workspace, limit: int = 20) -> History:
    """The newest `limit` commits touching the workspace, and its uncommitted edits."""
    if limit < 1 or limit > 100_000:
        raise WorkspaceError("--limit must be between 1 and 100000")
    top = require_repository(ws)
    if git.run(top, ["rev-parse", "--verify", "-q", "HEAD"], check=False).returncode != 0:
        return History([], uncommitted(ws))
    fields = "%x1f".join(["%H", "%h", "%an", "%aI", "%s"] + [f"%(trailers:key={t},valueonly,separator=%x2C )"
                                                            for t in TRAILERS])
    out = git.text(top, ["log", f"-n{limit}", f"--format={fields}%x1e", "--", workspace_prefix(ws, top) or "."])
    commits = []
    for record_text in out.split("\x1e"):
        parts = record_text.strip("\n").split("\x1f")
        if len(parts) == 8:
            commits.append(Commit(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5].strip(),
                                  parts[6].strip(), parts[7].strip()))
    return History(commits, uncommitted(ws))


def working_diff(ws: Workspace) -> str:
    """The uncommitted edits as a diff against the last commit, new files listed (secrets and state left out)."""
    top = require_repository(ws)
    prefix = workspace_prefix(ws, top)
    has_head = git.run(top, ["rev-parse", "--verify", "-q", "HEAD"], check=False).returncode == 0
    diff = git.text(top, ["diff", "--no-color", "--stat", "--patch", *(["HEAD"] if has_head else []), "--",
                          prefix or "."]) if has_head else ""
    kept = [u for u in uncommitted(ws) if u.state == "untracked"]
    return diff + "".join(f"new file (not committed): {u.path}\n" for u in kept)


def uncommitted_count(root: Path) -> int:
    """How many workspace files differ from the last commit (0 outside a repository or without git)."""
    try:
        return len(uncommitted(Workspace.load(root)))
    except (PVEError, OSError):
        return 0


def resolve(ws: Workspace, rev: str) -> str:
    """REV (a hash, HEAD~2, a tag …) → its full commit hash; a short error for anything else."""
    top = require_repository(ws)
    if not REV_TEXT.fullmatch(rev) or rev.startswith("-") or ".." in rev:
        raise WorkspaceError(f"{rev[:60]!r} is not a revision", "Give a commit from `proxmox-mpc history`, "
                             "e.g. 3f2a9c1e or HEAD~1.")
    done = git.run(top, ["rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}"], check=False)
    if done.returncode != 0:
        raise NotFound(f"no commit {rev!r} in the workspace's history", "`proxmox-mpc history` lists them.")
    return done.stdout.decode().strip()


def show(ws: Workspace, rev: str) -> dict[str, Any]:
    """One commit: who, when, its message and its diff of the workspace's files."""
    full = resolve(ws, rev)
    top = require_repository(ws)
    header = git.text(top, ["show", "-s", "--format=%H%x1f%an%x1f%aI%x1f%B", full]).split("\x1f", 3)
    diff = git.text(top, ["show", "--format=", "--patch", "--stat", "--no-color", full, "--",
                          workspace_prefix(ws, top) or "."])
    return {"rev": header[0], "author": header[1], "date": header[2], "message": header[3].strip(), "diff": diff}
