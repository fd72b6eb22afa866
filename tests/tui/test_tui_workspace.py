"""The console and workspaces: /init as a form, /sync regenerating the IaC, the editor on the new files."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, TextArea
from tui_support import make_app, settle_until
from tui_support import settle_editor as settle

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.screens.editor import EditorScreen
from pmpc_tui.tui.widgets.repl import ReplPane, repl_session


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    monkeypatch.delenv("PMPC_DATABASE_URL", raising=False)


async def run(app: ProxmoxApp, pilot: object, line: str) -> None:
    app.screen.query_one(ReplPane).input.value = line
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)


def output(app: ProxmoxApp) -> str:
    return "\n".join(str(line) for line in repl_session(app).transcript)


async def test_init_form_then_sync_then_edit(sim: SimulatorThread, tmp_path: Path) -> None:
    ws = tmp_path / "homelab-iac"
    app = make_app(sim)
    async with app.run_test(size=(120, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await run(app, pilot, "/init")
        assert app.screen.__class__.__name__ == "InitForm"
        form = app.screen
        form.query_one("#init-dir", Input).value = str(ws)
        assert form.query_one("#init-node", Select).value == "pve1"
        form.query_one("#init-storage", Select).value = "local-lvm"
        form.query_one("#init-create").press()  # type: ignore[attr-defined]
        await settle_until(app, pilot, lambda: any("Workspace created" in (n.title or "") for n in app._notifications))
        assert (ws / "proxmox-mpc.yaml").is_file() and (ws / "terraform").is_dir()
        assert "local-lvm" in (ws / "proxmox-mpc.yaml").read_text()
        assert app.workspace_root == ws.resolve() or app.workspace_root == ws
        assert any("Workspace created" in (n.title or "") for n in app._notifications)

        await run(app, pilot, "/sync")  # inside a workspace, /sync is import
        assert "imported 11 VMs and 7 containers" in output(app)
        assert (ws / "terraform" / "vm-101.tf").is_file()
        assert (ws / "ansible" / "inventory.yml").is_file()

        await pilot.press("escape")
        await pilot.press("7")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.open_file(ws / "terraform" / "vm-101.tf")
        await settle(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        assert 'vm_id' in editor.text and "web-01" in editor.text
        editor.load_text(editor.text.replace("node_name", "node_nmae", 1))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        problems = str(screen.query_one("#problems").render())
        assert "unknown argument or block 'node_nmae'" in problems and "did you mean 'node_name'" in problems
        await pilot.press("ctrl+g")
        await pilot.pause()
        diff = app.screen.query_one("#text-view", TextArea).text
        assert "-  node_name" in diff and "+  node_nmae" in diff


async def test_sync_with_db_only_leaves_the_workspace_files_alone(shared_sim: SimulatorThread,
                                                                  tmp_path: Path) -> None:
    from pmpc_tui.services.workspace_init import InitOptions, init_workspace

    ws = init_workspace(InitOptions(directory=tmp_path / "ws")).workspace
    app = make_app(shared_sim)
    app.workspace_root = ws.root
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await run(app, pilot, "sync --db-only")
        assert "synced 3 nodes, 11 VMs, 7 containers" in output(app)
        assert not list((ws.root / "terraform").glob("vm-*.tf"))
        assert ws.db_path.is_file()
