"""Screens that show the app's latest cluster data."""

from __future__ import annotations

from textual.screen import Screen

from pmpc_tui.services.live import ClusterView


class LiveScreen(Screen[None]):
    """Renders the app's newest ClusterView when shown, when shown again, and after every refresh.

    Subclasses implement `show_view`; the app calls it after each background refresh.
    """

    def on_mount(self) -> None:
        self.show_view(self.cluster_view)

    def on_screen_resume(self) -> None:
        self.show_view(self.cluster_view)

    @property
    def cluster_view(self) -> ClusterView | None:
        return getattr(self.app, "cluster_view", None)

    def show_view(self, view: ClusterView | None) -> None:
        raise NotImplementedError
