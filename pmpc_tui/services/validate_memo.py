"""What validate's value rules said about each guest, remembered by its file's content and the rules' version.

The value rules need about half a millisecond per guest; a workspace of 1,500 unchanged files reads
their findings from `.proxmox-mpc/validate-memo.json` instead. An entry is used only while the file's
sha256 and the rules' version (a hash of the source of the modules that decide) are the same.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

# the modules whose code decides what the value rules find (and where they point)
_DECIDING = ("pmpc_tui.iac.rules", "pmpc_tui.iac.bpg", "pmpc_tui.iac.bpg_common", "pmpc_tui.iac.bpg_vm",
             "pmpc_tui.iac.bpg_vm_drives", "pmpc_tui.iac.bpg_cloudinit",
             "pmpc_tui.iac.bpg_ct", "pmpc_tui.iac.checks", "pmpc_tui.iac.vocabulary",
             "pmpc_tui.iac.pveconf", "pmpc_tui.iac.hcl", "pmpc_tui.services.validate")

Entry = dict[str, Any]  # {"sha256": …, "unknown": [[where, message, severity]…], "values": […], "readable": bool}


def rules_version() -> str:
    """A hash of the source of every loaded module that decides a value finding: editing a rule forgets the memo."""
    return source_version(_DECIDING)


def source_version(modules: tuple[str, ...]) -> str:
    """A hash of the source of `modules`: a memo of what they decide is forgotten when one of them is edited."""
    import importlib.util

    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        try:
            digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


def read_memo(path: Path, version_key: str, version: str, body_key: str) -> dict[str, Any]:
    """The body of a memo file written by this code version (empty when missing, unreadable or out of date)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, dict) and data.get(version_key) == version and isinstance(data.get(body_key), dict):
        body: dict[str, Any] = data[body_key]
        return body
    return {}


class ValueMemo:
    """The memo of one validate run: read once, written once when something changed."""

    def __init__(self, path: Path | None, write: bool = True) -> None:
        self.path = path
        self.write = write  # False: read the memo, never write it (a read-only MCP server)
        self.version = rules_version()
        self.known: dict[str, Entry] = {}
        self.fresh: dict[str, Entry] = {}
        if path is not None:
            self.known = read_memo(path, "rules", self.version, "guests")

    def get(self, key: str, sha256: str | None) -> Entry | None:
        """The remembered findings of a guest whose file still has this content (None: run the rules)."""
        entry = self.known.get(key)
        if sha256 is None or not isinstance(entry, dict) or entry.get("sha256") != sha256:
            return None
        self.fresh[key] = entry
        return entry

    def put(self, key: str, sha256: str | None, entry: Entry) -> None:
        if sha256 is not None:
            self.fresh[key] = {"sha256": sha256, **entry}

    def save(self) -> None:
        """Write the memo when it changed (a read-only checkout is validated all the same, only not remembered)."""
        if self.path is None or not self.write or self.fresh == self.known:
            return
        from pmpc_tui.config.files import atomic_write

        try:
            atomic_write(self.path, json.dumps({"rules": self.version, "guests": self.fresh},
                                               separators=(",", ":")), backup=False)
        except OSError:
            pass
