"""The tracked record of what a workspace manages: `terraform/.managed.json`, committed with the code.

A guest or cluster object named here is planned for deletion when its code is removed — also in a
fresh checkout (CI), which has no `.proxmox-mpc/`. It sits next to the code it describes (Terraform
reads only `*.tf`), so the commit that adds or removes a resource carries the record too. Older
workspaces kept this only in `.proxmox-mpc/` (`generated/`, `created.json`, `created-objects.json`);
those are still read, and their entries are copied here the next time import, create or apply writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.workspace.config import Workspace

MANAGED_FILE = ".managed.json"
FORMAT_VERSION = 1


@dataclass
class Managed:
    """Guests (VMID → resource address) and cluster objects ((kind, id) → address) the workspace manages."""

    guests: dict[int, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION,
                "guests": {str(k): v for k, v in sorted(self.guests.items())},
                "objects": [[kind, key, address] for (kind, key), address in sorted(self.objects.items())]}


def managed_path(ws: Workspace) -> Path:
    return ws.terraform_dir / MANAGED_FILE


def read_managed(ws: Workspace) -> Managed:
    """The tracked record (empty when missing or damaged: then only the local records count)."""
    try:
        data = json.loads(managed_path(ws).read_text(encoding="utf-8"))
        guests = {int(k): str(v) for k, v in dict(data.get("guests") or {}).items()}
        objects = {(str(kind), str(key)): str(address) for kind, key, address in data.get("objects") or []}
    except (OSError, ValueError, TypeError, AttributeError):
        return Managed()
    return Managed(guests, objects)


def save_managed(ws: Workspace, guests: dict[int, str], objects: dict[tuple[str, str], str]) -> str | None:
    """Write the record (what is known now, added to what it held); its workspace-relative path when it changed."""
    from pmpc_tui.config.files import atomic_write

    if ws.read_only:
        return None
    path = managed_path(ws)
    old = read_managed(ws)
    new = Managed({**old.guests, **guests}, {**old.objects, **objects})
    text = json.dumps(new.to_dict(), indent=1) + "\n"
    try:
        if path.read_text(encoding="utf-8") == text:
            return None
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text, backup=False)
    return ws.relative(path)
