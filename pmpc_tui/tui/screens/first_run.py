"""First run: no profile yet. Connect to a cluster (with a connection test) or try the demo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.profiles import ConnectionForm

if TYPE_CHECKING:
    from pmpc_tui.pve.client import ConnectionSettings
    from pmpc_tui.simulator.server import SimulatorProcess

WELCOME = """[b]Welcome to proxmox-mpc[/b] — no connection profile yet.
Connect with an API token (ideally one with only the privileges it needs),
or try everything on a simulated demo cluster first."""


@dataclass
class Connected:
    """What the first-run screen hands back: settings to connect with, a label, and a demo process if any."""

    settings: ConnectionSettings
    label: str
    demo: SimulatorProcess | None = None


class FirstRunScreen(Screen[Connected]):
    """A connect form with "Test connection" and "Save and connect", and a "Try the demo" button."""

    BINDINGS = [Binding("ctrl+t", "test", "Test connection"), Binding("ctrl+s", "save", "Save and connect"),
                Binding("ctrl+d", "demo", "Try the demo"), Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="first-run"):  # compact: the buttons and the result fit 80x24 without scrolling
            yield Static(WELCOME, id="welcome")
            for label, field in (
                ("Profile name", Input(value="homelab", id="fr-name", compact=True)),
                ("API URL", Input(placeholder="https://pve1.example.com:8006", id="fr-url", compact=True)),
                ("API token id", Input(placeholder="USER@REALM!TOKEN, e.g. root@pam!proxmox-mpc", id="fr-token",
                                       compact=True)),
                ("Token secret", Input(password=True, placeholder="kept in a 0600 file in the config directory",
                                       id="fr-secret", compact=True)),
                ("Fingerprint", Input(placeholder="optional SHA-256 to pin (a failed test shows it)",
                                      id="fr-fingerprint", compact=True)),
            ):
                with Horizontal(classes="fr-row"):
                    yield Label(label, classes="fr-label")
                    yield field
            yield Checkbox("Skip TLS verification (not recommended)", id="fr-insecure", compact=True)
            with Horizontal(id="fr-buttons"):
                yield Button("Test connection", id="fr-test", compact=True)
                yield Button("Save and connect", id="fr-save", variant="primary", compact=True)
                yield Button("Try the demo", id="fr-demo", variant="success", compact=True)
            yield Static("", id="fr-status")
        yield Footer()

    def _form(self) -> tuple[ConnectionForm, str]:
        def value(widget_id: str) -> str:
            return self.query_one(widget_id, Input).value.strip()

        form = ConnectionForm(name=value("#fr-name"), url=value("#fr-url"), token_id=value("#fr-token") or None,
                              fingerprint=value("#fr-fingerprint") or None,
                              insecure=self.query_one("#fr-insecure", Checkbox).value)
        return form, value("#fr-secret")

    def _status(self, text: str) -> None:
        self.query_one("#fr-status", Static).update(text)

    def _error(self, exc: PVEError) -> str:
        from rich.markup import escape

        text = f"[b red]✖[/b red] {escape(str(exc))}"
        fingerprint = getattr(exc, "fingerprint", None)
        if fingerprint:
            self.query_one("#fr-fingerprint", Input).value = fingerprint
            text += ("\n  The server's certificate fingerprint is now in the field above. Compare it with the one "
                     "PVE shows (Datacenter → Node → Certificates) before you trust it.")
        return text

    @on(Button.Pressed, "#fr-test")
    def action_test(self) -> None:
        self._status("testing…")
        self.test_connection()

    @on(Button.Pressed, "#fr-save")
    def action_save(self) -> None:
        self._status("testing, then saving…")
        self.save_and_connect()

    @on(Button.Pressed, "#fr-demo")
    def action_demo(self) -> None:
        self._status("starting the demo cluster (Proxmox VE API simulator, homelab scenario)…")
        self.start_demo()

    @work(exclusive=True, group="first-run")
    async def test_connection(self) -> None:
        """Log in with the form's values and report version, nodes and latency."""
        from pmpc_tui.services.connection import test_connection
        from pmpc_tui.services.profiles import settings_with_secret

        form, secret = self._form()
        try:
            details = await test_connection(settings_with_secret(form, secret))
        except PVEError as exc:
            self._status(self._error(exc))
            return
        self._status(f"[b green]✔ connected[/b green] to PVE {details['version']} · cluster {details['cluster']} · "
                     f"{details['nodes_online']}/{details['nodes']} nodes online · {details['latency_ms']} ms · "
                     f"TLS {details['tls']}")

    @work(exclusive=True, group="first-run")
    async def save_and_connect(self) -> None:
        """Test, then save the profile (secret in a 0600 file) and open the console on it."""
        import asyncio

        from pmpc_tui.config.profiles import ProfileStore
        from pmpc_tui.services.connection import test_connection
        from pmpc_tui.services.profiles import save_typed_profile, settings_with_secret

        form, secret = self._form()
        try:
            settings = settings_with_secret(form, secret)
            await test_connection(settings)
            profile = await asyncio.to_thread(save_typed_profile, ProfileStore(), form, secret)
        except PVEError as exc:
            self._status(self._error(exc))
            return
        self.dismiss(Connected(settings, f"{profile.name} · {profile.url}"))

    @work(exclusive=True, group="first-run")
    async def start_demo(self) -> None:
        """Start the simulator in a child process and connect to it (nothing is saved)."""
        import asyncio

        from pmpc_tui.services.demo import demo_settings, start_demo_cluster

        try:
            proc = await asyncio.to_thread(start_demo_cluster)
        except (OSError, RuntimeError) as exc:
            self._status(f"[b red]✖ the demo cluster did not start: {exc}[/b red]")
            return
        self.dismiss(Connected(demo_settings(proc), "DEMO · simulated cluster", demo=proc))
