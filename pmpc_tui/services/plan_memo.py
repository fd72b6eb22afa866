"""Guests that compared equal to their code, remembered by the content of both sides (plan and drift).

Comparing one guest (its config and its code, each turned into the canonical view) costs a fraction of a
millisecond; 1,500 unchanged guests cost every plan and drift about half a second. `.proxmox-mpc/compare-memo.json`
keeps, per resource address, a hash of everything the comparison reads — the guest's config (PVE's pending
values applied; PVE's digest of its config file stands for it when the read carried one) and status as the
cluster has them; its code, as the sha256 of its .tf file and its address
(a resource body is what that file's text says, nothing else: no variables are resolved) — and of the source
of the modules that read the code and compare. A guest is skipped only when that hash is the one
remembered, so a change on either side (or in the parsing or comparing code) is always compared again.
Only guests without a difference are remembered: a difference is worked out, with its impact, every time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmpc_tui.iac.terraform import DesiredGuest

# the modules whose code decides what a .tf file says and whether a guest differs from it
_DECIDING = ("pmpc_tui.iac.terraform", "pmpc_tui.iac.hcl", "pmpc_tui.iac.hclfast", "pmpc_tui.iac.bpg",
             "pmpc_tui.iac.bpg_common", "pmpc_tui.iac.bpg_vm", "pmpc_tui.iac.bpg_vm_drives",
             "pmpc_tui.iac.bpg_cloudinit", "pmpc_tui.iac.bpg_ct", "pmpc_tui.iac.pveconf",
             "pmpc_tui.services.changes", "pmpc_tui.services.plan", "pmpc_tui.services.plan_memo")


class CompareMemo:
    """The memo of one plan: read once, written once when it changed."""

    def __init__(self, path: Path | None, files: dict[Path, str], write: bool = True) -> None:
        from pmpc_tui.services.validate_memo import read_memo, source_version

        self.path = path
        self.files = files  # the sha256 of each .tf file the code was read from
        self.write = write  # False: read, never write (a read-only MCP server)
        self.version = source_version(_DECIDING)
        self.known: dict[str, str] = {}
        self.fresh: dict[str, str] = {}
        if path is not None:
            equal = read_memo(path, "code", self.version, "equal")
            self.known = {k: v for k, v in equal.items() if isinstance(v, str)}

    def key(self, guest: DesiredGuest, actual: dict[str, Any], status: str | None, digest: str | None = None,
            pending: list[dict[str, Any]] | None = None) -> str | None:
        """The hash of one comparison's inputs (None when unknown or not plain JSON: then it is always compared).
        With PVE's `digest` of the guest's config file (its current and pending values: what the config read
        shows is a function of it) that stands for the config, and only the `pending` values applied are added."""
        code = self.files.get(guest.file)
        if code is None:
            return None
        seen: Any = ["digest", digest, pending or []] if digest else actual
        try:
            text = json.dumps([guest.kind, guest.address, code, status, seen], sort_keys=True,
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
