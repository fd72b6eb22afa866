"""Screens that show the app's latest cluster data, and the typed way to reach the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

from pmpc_tui.services.live import ClusterView

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp


def proxmox_app(node: DOMNode) -> ProxmoxApp:
    """The running console app, typed (instead of `getattr(self.app, …)`)."""
    return cast("ProxmoxApp", node.app)


class ClusterRefreshed(Message):
    """The app read the cluster again; the visible screen re-renders from `view`."""

    def __init__(self, view: ClusterView) -> None:
        super().__init__()
        self.view = view


class LiveScreen(Screen[None]):
    """Renders the app's newest ClusterView when shown, when shown again, and after every refresh.

    Subclasses implement `show_view`; the app posts `ClusterRefreshed` after each background refresh.
    """

    def on_mount(self) -> None:
        self.show_view(self.cluster_view)

    def on_screen_resume(self) -> None:
        self.show_view(self.cluster_view)

    def on_cluster_refreshed(self, message: ClusterRefreshed) -> None:
        self.show_view(message.view)

    @property
    def proxmox(self) -> ProxmoxApp:
        return proxmox_app(self)

    @property
    def cluster_view(self) -> ClusterView | None:
        return self.proxmox.cluster_view

    def show_view(self, view: ClusterView | None) -> None:
        raise NotImplementedError
