"""Write generated files without ever silently overwriting a user's edit.

The last generated version of each file is kept under `.proxmox-mpc/generated/`. On regeneration:
unedited files are replaced; an edited file is kept, the new generation is written next to it as
`<file>.new` and a unified diff is reported — unless `force`, which overwrites (keeping `.bak`).
With `merge`, an edited file is merged three ways (base: our last generation, yours, the new
generation; `git merge-file` does the merge): a clean merge keeps your edits and takes the cluster's
changes; one with conflicting hunks is left alone and reported like any other conflict.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pmpc_tui.config.files import atomic_write

CREATED, UPDATED, UNCHANGED, KEPT, CONFLICT, OVERWRITTEN, DELETED, MERGED = (
    "created", "updated", "unchanged", "kept", "conflict", "overwritten", "deleted-by-user", "merged")


class MergeUnavailable(RuntimeError):
    """`merge` was asked for but git is not installed."""


@dataclass
class FileOutcome:
    """What happened (or, in a dry run, would happen) to one generated file."""

    path: str  # relative to the workspace
    action: str
    new_path: str | None = None  # where the new generation went when the user's file was kept
    diff: str | None = None  # unified diff from the file on disk to the new generation (or the merge result)
    merged: str | None = None  # the merged text, for MERGED

    def as_dict(self) -> dict[str, str | None]:
        return {"path": self.path, "action": self.action, "new_path": self.new_path, "diff": self.diff}


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def unified_diff(old: str, new: str, path: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"{path} (yours)", tofile=f"{path} (generated)"))


def merge3(base: str, yours: str, theirs: str) -> str | None:
    """Three-way merge of text; None when hunks conflict."""
    git = shutil.which("git")
    if git is None:
        raise MergeUnavailable("merging needs git (`git merge-file`); install git or merge the .new files by hand")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, text in (("yours", yours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        result = subprocess.run([git, "merge-file", "-p", "-q", *paths], capture_output=True, text=True,
                                check=False)
    return result.stdout if result.returncode == 0 else None


def decide(root: Path, record_dir: Path, rel: str, text: str, force: bool = False,
           merge: bool = False) -> FileOutcome:
    """What writing `text` to `root/rel` would do (reads only)."""
    current = _read(root / rel)
    last = _read(record_dir / rel)
    if current is None:
        if last is not None and not force:
            return FileOutcome(rel, DELETED)
        return FileOutcome(rel, CREATED)
    if current == text:
        return FileOutcome(rel, UNCHANGED)
    if last is not None and current == last:
        return FileOutcome(rel, UPDATED)
    if force:
        return FileOutcome(rel, OVERWRITTEN, diff=unified_diff(current, text, rel))
    if last == text:
        return FileOutcome(rel, KEPT)  # edited by the user; our output has not changed since
    if merge and last is not None:
        merged = merge3(last, current, text)
        if merged is not None:
            return FileOutcome(rel, MERGED, diff=unified_diff(current, merged, rel), merged=merged)
    return FileOutcome(rel, CONFLICT, new_path=rel + ".new", diff=unified_diff(current, text, rel))


def apply(root: Path, record_dir: Path, outcome: FileOutcome, text: str, fsync: bool = True) -> None:
    """Carry out a decision: write the file and/or the `.new` copy, and remember what we generated."""
    if outcome.action in (CREATED, UPDATED, OVERWRITTEN):
        # only a user's edit needs a .bak: an unedited file is identical to its record
        atomic_write(root / outcome.path, text, backup=outcome.action == OVERWRITTEN, fsync=fsync)
        atomic_write(record_dir / outcome.path, text, backup=False, fsync=fsync)
    elif outcome.action == UNCHANGED:
        if _read(record_dir / outcome.path) != text:
            atomic_write(record_dir / outcome.path, text, backup=False, fsync=fsync)
    elif outcome.action == MERGED and outcome.merged is not None:
        atomic_write(root / outcome.path, outcome.merged, fsync=fsync)  # your version is kept as .bak
        atomic_write(record_dir / outcome.path, text, backup=False, fsync=fsync)
        _remove_stale_new(root / outcome.path)
    elif outcome.action == CONFLICT and outcome.new_path:
        atomic_write(root / outcome.new_path, text, backup=False, fsync=fsync)


def _remove_stale_new(path: Path) -> None:
    stale = path.with_name(path.name + ".new")
    if stale.exists():
        stale.unlink()


def write_generated(root: Path, record_dir: Path, files: dict[str, str], force: bool = False,
                    dry_run: bool = False, merge: bool = False) -> list[FileOutcome]:
    """Decide for every file first, then (unless `dry_run`) write them."""
    decided = decide_all(root, record_dir, files, force, merge)
    if not dry_run:
        write_decided(root, record_dir, decided)
    return [o for o, _ in decided]


Decided = list[tuple[FileOutcome, str]]


def decide_all(root: Path, record_dir: Path, files: dict[str, str], force: bool = False,
               merge: bool = False) -> Decided:
    """Each file's outcome with its text (reads only)."""
    present = _present(root, record_dir, files)
    # a file that is neither in the workspace nor in the records is created: no read needed (a fresh import
    # of 1,500 guests tried 3,000 opens, each a hand-over of the GIL the API reads hold meanwhile)
    return [(decide(root, record_dir, rel, text, force, merge) if rel in present else FileOutcome(rel, CREATED),
             text) for rel, text in files.items()]


def write_decided(root: Path, record_dir: Path, decided: Decided, created_done: bool = False) -> None:
    """Carry out the decisions (`created_done`: the new files were written already, by `write_created`)."""
    # one flush for all files: an fsync per file (two per guest) was 7 of import's ~18 s at 1,500 guests
    writer = _BulkWriter()
    for outcome, text in decided:
        if outcome.action == CREATED:  # most of an import: two plain writes, no backup to keep
            if not created_done:
                writer.put(root / outcome.path, text)
                writer.put(record_dir / outcome.path, text)
        else:
            apply(root, record_dir, outcome, text, fsync=False)
    if any(o.action != UNCHANGED for o, _ in decided) and hasattr(os, "sync"):
        os.sync()


# the child that writes new files (no import of ours: it starts in ~20 ms): stdin holds, per file, a line
# "<path bytes> <text bytes>\n", the path, the text; each file goes to a temporary name, then into place
_WRITER = """
import os, sys
data = sys.stdin.buffer.read(); at = 0; made = set(); suffix = ".%d.tmp" % os.getpid()
while at < len(data):
    end = data.index(b"\\n", at); plen, tlen = map(int, data[at:end].split()); at = end + 1
    path = os.fsdecode(data[at:at + plen]); at += plen
    folder, name = os.path.split(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True); made.add(folder)
    tmp = os.path.join(folder, "." + name + suffix)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    view = memoryview(data)[at:at + tlen]; at += tlen
    while view:
        view = view[os.write(fd, view):]
    os.close(fd); os.replace(tmp, path)
"""


def write_created(root: Path, record_dir: Path, decided: Decided) -> list[Path]:
    """Write the new files of `decided` (each and its record) in a child process: it runs on another core
    while this one still reads the cluster, and hands no GIL over. The paths it wrote (to take back with
    `remove_created` when the command fails before its end); OSError when the child failed."""
    import sys

    paths, chunks = [], []
    for outcome, text in decided:
        if outcome.action != CREATED:
            continue
        data = text.encode("utf-8")
        for path in (root / outcome.path, record_dir / outcome.path):
            name = os.fsencode(path)
            chunks += [b"%d %d\n" % (len(name), len(data)), name, data]
            paths.append(path)
    if not paths:
        return []
    mask = _umask()
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _WRITER], input=b"".join(chunks), capture_output=True,
                          check=False, env={"PATH": os.environ.get("PATH", "")})
    if done.returncode != 0:
        remove_created(paths)
        raise OSError(f"writing the new files failed: {done.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    if mask & 0o644:  # the child's umask took bits of 0644: as _BulkWriter does
        for path in paths:
            os.chmod(path, 0o644)
    return paths


def remove_created(paths: list[Path]) -> None:
    """Take back files `write_created` made (they did not exist before)."""
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _present(root: Path, record_dir: Path, files: dict[str, str]) -> set[str]:
    """The paths of `files` that exist in the workspace or its records (one listing per folder)."""
    listed: dict[str, set[str]] = {}
    present = set()
    for rel in files:
        folder, _, name = rel.rpartition("/")
        names = listed.get(folder)
        if names is None:
            names = listed[folder] = _names(root / folder) | _names(record_dir / folder)
        if name.lower() in names:  # (compared without case: a file system may ignore it)
            present.add(rel)
    return present


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, under the other threads' feet); when it
    cannot be read, one that takes bits (so each file is chmod'ed as before)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o777


def _names(folder: Path) -> set[str]:
    try:
        return {name.lower() for name in os.listdir(folder)}
    except (FileNotFoundError, NotADirectoryError):
        return set()


class _BulkWriter:
    """Writes many new files, each to a temporary name and renamed into place (never half-written), without
    `atomic_write`'s per-file overhead (a random temporary name, a backup check, a text wrapper): a fresh
    import writes 3,000 of them; the caller flushes them all at once."""

    def __init__(self) -> None:
        self._folders: set[Path] = set()
        self._suffix = f".{os.getpid()}.tmp"
        self._chmod = _umask() & 0o644 != 0  # a new file is 0644 already unless the umask takes bits of it

    def put(self, path: Path, text: str) -> None:
        folder = path.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        tmp = f"{folder}/.{path.name}{self._suffix}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(text.encode("utf-8"))
            while view:
                view = view[os.write(fd, view):]
            if self._chmod:
                os.fchmod(fd, 0o644)
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        os.close(fd)
        os.replace(tmp, path)
