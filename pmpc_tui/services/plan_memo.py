"""Guests that compared equal to their code, remembered by the content of both sides (plan and drift).

Comparing one guest (its config and its code, each turned into the canonical view) costs a fraction of a
millisecond; 1,500 unchanged guests cost every plan and drift about half a second. `.proxmox-mpc/compare-memo.json`
keeps, per resource address, a hash of everything the comparison reads — the guest's kind, config and status
as the cluster has them, the config and start state the code asks for, whether it is a clone — and of the source
of the modules that compare. A guest is skipped only when that hash is the one remembered, so a change on
either side (or in the comparing code) is always compared again. Only guests without a difference are
remembered: a difference is worked out, with its impact, every time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

# the modules whose code decides whether a guest differs from its code
_DECIDING = ("pmpc_tui.iac.bpg", "pmpc_tui.iac.bpg_common", "pmpc_tui.iac.bpg_vm", "pmpc_tui.iac.bpg_vm_drives",
             "pmpc_tui.iac.bpg_cloudinit", "pmpc_tui.iac.bpg_ct", "pmpc_tui.iac.pveconf",
             "pmpc_tui.services.changes", "pmpc_tui.services.plan", "pmpc_tui.services.plan_memo")


class CompareMemo:
    """The memo of one plan: read once, written once when it changed."""

    def __init__(self, path: Path | None, write: bool = True) -> None:
        from pmpc_tui.services.validate_memo import source_version

        self.path = path
        self.write = write  # False: read, never write (a read-only MCP server)
        self.version = source_version(_DECIDING)
        self.known: dict[str, str] = {}
        self.fresh: dict[str, str] = {}
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("code") == self.version and isinstance(data.get("equal"), dict):
            self.known = {k: v for k, v in data["equal"].items() if isinstance(v, str)}

    def key(self, kind: str, actual: dict[str, Any], status: str | None, desired: dict[str, Any],
            started: bool | None, cloned: bool) -> str | None:
        """The hash of one comparison's inputs (None when they are not plain JSON: then it is always compared)."""
        try:
            text = json.dumps([kind, status, started, cloned, actual, desired], sort_keys=True,
                              separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None
        return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()

    def equal(self, address: str, key: str | None) -> bool:
        """True when this guest compared equal with exactly these inputs before."""
        if key is None or self.known.get(address) != key:
            return False
        self.fresh[address] = key
        return True

    def remember(self, address: str, key: str | None) -> None:
        """This guest compared equal with these inputs."""
        if key is not None:
            self.fresh[address] = key

    def save(self) -> None:
        """Write the memo when it changed."""
        if self.path is None or not self.write or self.fresh == self.known:
            return
        from pmpc_tui.config.files import atomic_write

        try:
            atomic_write(self.path, json.dumps({"code": self.version, "equal": self.fresh}, separators=(",", ":")),
                         backup=False)
        except OSError:
            pass
