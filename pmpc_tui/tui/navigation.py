"""Where the console can go: the views, their keys and aliases, and parsing of `:` jump commands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """A main screen: its mode name, number key, aliases for `:` and the palette, and a description."""

    mode: str
    key: str
    title: str
    aliases: tuple[str, ...]
    help: str

    @property
    def shortcut(self) -> str:
        """The number key, or for a view without one its `:` jump."""
        return self.key or f":{self.aliases[0]}"


VIEWS: tuple[View, ...] = (
    View("dashboard", "1", "Dashboard", ("dashboard", "dash", "home", "overview"),
         "nodes, guests by status, storage warnings, recent tasks"),
    View("vms", "2", "VMs", ("vms", "vm", "qemu", "virtual-machines"), "virtual machines"),
    View("cts", "3", "Containers", ("cts", "ct", "lxc", "containers"), "LXC containers"),
    View("nodes", "4", "Nodes/Storage", ("nodes", "node", "storage", "no"), "nodes and storage use"),
    View("tasks", "5", "Tasks", ("tasks", "task", "t"), "running and recent tasks with live logs"),
    View("logs", "6", "Logs", ("logs", "log"), "the console's own log"),
    View("editor", "7", "IaC editor", ("editor", "iac", "code", "edit"), "the workspace's Terraform and Ansible"),
    View("plan", "9", "Plan", ("plan", "apply", "diff", "drift"), "what applying the code would change; apply it"),
    View("health", "0", "Health", ("health", "status", "doctor"), "API, credentials, database, tools, cluster"),
    View("history", "H", "History", ("history", "hist", "commits", "git"),
         "the workspace's commits with their diffs, and edits not yet committed"),
    View("console", "8", "Console", ("console", "repl", "shell", "cli"), "run any command (the REPL, full screen)"),
    View("cluster", "", "Cluster", ("cluster", "pools", "pool", "ha", "backupjobs", "backup-jobs", "jobs", "firewall",
                                    "fw", "sdn", "vnets", "storagecfg", "access", "users", "acl", "images", "isos"),
         "pools, HA, backup jobs, firewall, SDN, storage definitions, access and images, marked against the code"),
)
BY_ALIAS = {alias: view for view in VIEWS for alias in view.aliases}
# the Cluster view's tab each of its aliases opens (`:ha` → the HA tab)
CLUSTER_TABS = {"pools": "pools", "pool": "pools", "ha": "ha", "backupjobs": "backup", "backup-jobs": "backup",
                "jobs": "backup", "firewall": "firewall", "fw": "firewall", "sdn": "sdn", "vnets": "sdn",
                "storagecfg": "storage", "access": "access", "users": "access", "acl": "access", "images": "images",
                "isos": "images"}


@dataclass(frozen=True)
class Jump:
    """Where a `:` command leads: a view, optionally a guest (by VMID or name) or a filter, or a tab."""

    view: View
    target: str = ""
    tab: str = ""  # the Cluster view's tab (`:ha`)


class JumpError(ValueError):
    """The text names no view; the message lists what does."""


def parse_jump(text: str) -> Jump:
    """`vms` → VMs view; `vm 101` / `vm web-01` → that guest; `vms web` → VMs filtered by `web`."""
    words = text.strip().lstrip(":").split(maxsplit=1)
    if not words:
        raise JumpError("type a view name: " + ", ".join(v.aliases[0] for v in VIEWS))
    view = BY_ALIAS.get(words[0].lower())
    if view is None:
        view = _by_prefix(words[0].lower())
    word = words[0].lower()
    alias = word if word in view.aliases else next((a for a in view.aliases if a.startswith(word)), "")
    return Jump(view, words[1].strip() if len(words) > 1 else "", CLUSTER_TABS.get(alias, ""))


def _by_prefix(word: str) -> View:
    """The one view an abbreviation names; where several aliases fit, the view whose own name starts so wins."""
    matches = [v for v in VIEWS if any(a.startswith(word) for a in v.aliases)]
    if len(matches) > 1:
        matches = [v for v in matches if v.aliases[0].startswith(word)] or matches
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise JumpError(f"':{word}' could be " + ", ".join(f":{v.aliases[0]}" for v in matches) + " — type more")
    raise JumpError(f"no view called '{word}' — try " + ", ".join(f":{v.aliases[0]}" for v in VIEWS))


def jump_suggestions() -> list[str]:
    """Everything the `:` prompt completes."""
    return [alias for view in VIEWS for alias in view.aliases]
