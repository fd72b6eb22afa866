"""Command palette (Ctrl+P) providers: the views, the command registry, and every VM and container."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from pmpc_tui.tui.navigation import VIEWS

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp


class ViewsProvider(Provider):
    """`Go to VMs`, `Go to Tasks`, …"""

    async def discover(self) -> Hits:
        app = cast("ProxmoxApp", self.app)
        for view in VIEWS:
            yield DiscoveryHit(f"Go to {view.title}", partial(app.jump_to, view.mode),
                               help=f"{view.shortcut} · {view.help}")

    async def search(self, query: str) -> Hits:
        app = cast("ProxmoxApp", self.app)
        matcher = self.matcher(query)
        for view in VIEWS:
            text = f"Go to {view.title}"
            score = max(matcher.match(text), *(matcher.match(a) for a in view.aliases))
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.jump_to, view.mode),
                          help=f"{view.shortcut} · {view.help}")


class GuestsProvider(Provider):
    """Type part of a VM or container name (or its VMID); Enter jumps to it."""

    async def search(self, query: str) -> Hits:
        app = cast("ProxmoxApp", self.app)
        view = app.cluster_view
        if view is None:
            return
        matcher = self.matcher(query)
        for kind, rows in (("qemu", view.vms), ("lxc", view.containers)):
            label = "VM" if kind == "qemu" else "CT"
            for row in rows:
                text = f"{label} {row['vmid']} {row['name']}"
                score = matcher.match(text)
                if score > 0:
                    yield Hit(score, matcher.highlight(text), partial(app.goto_guest, row["vmid"]),
                              help=f"{row['status']} on {row['node']}  {row['tags']}".rstrip())


GUEST_COMMANDS = ("describe", "start", "stop", "shutdown", "reboot", "suspend", "resume", "delete")


def command_line(app: ProxmoxApp, name: str) -> str:
    """The line a palette command starts with: a guest command names the guest chosen on screen."""
    from pmpc_tui.tui.screens.guests import GuestsScreen

    screen = app.screen
    if name in GUEST_COMMANDS and isinstance(screen, GuestsScreen) and screen.table.selected_vmid is not None:
        return f"{name} {'vm' if screen.kind == 'qemu' else 'ct'} {screen.table.selected_vmid}"
    return name


class CommandsProvider(Provider):
    """Every command of the registry (the same ones the CLI and REPL run), with its help text."""

    async def search(self, query: str) -> Hits:
        from pmpc_tui.commands.registry import COMMANDS

        app = cast("ProxmoxApp", self.app)
        matcher = self.matcher(query)
        words = query.split(maxsplit=1)
        view = app.cluster_view
        if len(words) == 2 and words[0].lower() == "describe" and view is not None:  # `describe web` → that guest
            guest = self.matcher(words[1])
            for kind, rows in (("qemu", view.vms), ("lxc", view.containers)):
                for row in rows:
                    text = f"Describe {'VM' if kind == 'qemu' else 'CT'} {row['vmid']} {row['name']}"
                    score = guest.match(f"{row['vmid']} {row['name']}")
                    if score > 0:
                        yield Hit(score + 1, text, partial(app.describe_guest, row["vmid"]),
                                  help=f"open its details · {row['status']} on {row['node']}")
        guided = "Init workspace (guided form)"
        score = max(matcher.match(guided), matcher.match("/init"))
        if score > 0:
            yield Hit(score, matcher.highlight(guided), partial(app.run_action, "init_workspace"),
                      help="create proxmox-mpc.yaml, terraform/, ansible/ and the state database here")
        for command in COMMANDS:
            text = f"Run: {command.name}"
            score = max(matcher.match(text), matcher.match(command.help))
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.prepare_command, command_line(app, command.name)),
                          help=command.help)

    async def discover(self) -> Hits:
        from pmpc_tui.commands.registry import COMMANDS

        app = cast("ProxmoxApp", self.app)
        for command in COMMANDS:
            if command.name in ("sync", "tasks", "list"):
                yield DiscoveryHit(f"Run: {command.name}", partial(app.prepare_command, command.name),
                                   help=command.help)


class NaturalLanguageProvider(Provider):
    """Plain English: shows the commands it stands for; Enter puts the request in the console, which asks
    before running anything that changes state."""

    async def search(self, query: str) -> Hits:
        from pmpc_tui.nl.parser import looks_like_english
        from pmpc_tui.nl.propose import propose_offline
        from pmpc_tui.services.names import Names

        if not looks_like_english(query):
            return
        app = cast("ProxmoxApp", self.app)
        view = app.cluster_view
        names = Names.from_view(view)
        # in a worker thread: the first request loads the embedded model (~0.1-0.3 s), later ones take a few ms
        proposal = await asyncio.to_thread(propose_offline, query, names)  # the palette only shows
        if proposal.understood:
            text = "≈ " + "; ".join(proposal.commands[:3]) + (" …" if len(proposal.commands) > 3 else "")
            yield Hit(1.0, text, partial(app.prepare_command, query.strip()),
                      help=f"{proposal.explanation} · {proposal.risk}")
