"""The console's History view: commits on the left, the highlighted one's diff on the right, the edits made
outside proxmox-mpc first and counted in the header; reached with H and `:history`."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import RichLog, Static
from tui_support import make_app, settle_editor, settle_until
from workspace_copy_support import Template, copy_workspace

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.keyed_table import KeyedTable

pytestmark = pytest.mark.skipif(subprocess.run(["which", "git"], capture_output=True).returncode != 0,
                                reason="git is not installed (make test installs it)")


def diff_text(app: Any) -> str:
    return "\n".join(str(line.text) for line in app.screen.query_one("#history-diff", RichLog).lines)


@pytest.fixture
def workspace(sim: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              homelab_template: Template) -> Path:
    """A workspace imported from `sim` (a copy of the worker's homelab import, tests/workspace_copy_support.py)."""
    from iac_support import cli_environment

    with cli_environment(sim, tmp_path):
        ws = copy_workspace(homelab_template, tmp_path / "ws", sim.info.url)
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    return ws


async def test_history_view_lists_commits_with_diffs_and_the_edits_made_outside(sim: SimulatorThread,
                                                                                workspace: Path) -> None:
    edited = workspace / "terraform" / "vm-101.tf"
    edited.write_text(edited.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_editor(app, pilot)
        await settle_until(app, pilot, lambda: "1 uncommitted edit(s)" in str(app.sub_title))
        await pilot.press("H")
        await settle_until(app, pilot, lambda: "dedicated = 4096" in diff_text(app))
        table = app.screen.query_one("#history-table", KeyedTable)
        assert [str(table.get_row_at(i)[2]) for i in range(table.row_count)] == ["not committed", "import", "init"]
        assert "1 uncommitted edit(s)" in str(app.screen.query_one("#history-summary", Static).render())
        assert "-    dedicated = 2048" in diff_text(app)
        await pilot.press("j")
        await settle_until(app, pilot, lambda: "Command: import" in diff_text(app))
        assert "+++ b/terraform/vm-101.tf" in diff_text(app)
        await pilot.press("1")
        await pilot.press("colon")
        await pilot.pause()
        await pilot.press(*"history", "enter")
        await settle_editor(app, pilot)
        assert app.current_mode == "history"


@pytest.fixture
def fixed_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace whose commits are the same on every run: fixed author, dates and correlation IDs."""
    from pmpc_tui.observability.correlation import correlation_id
    from pmpc_tui.services.history import commit_change, start_repository
    from pmpc_tui.workspace.config import Workspace, WorkspaceConfig

    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "alice")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "alice@example.com")
        monkeypatch.setenv(f"GIT_{name}_DATE", "2026-01-02T03:04:05+00:00")
    ws = Workspace(tmp_path / "ws", WorkspaceConfig(profile="lab"))
    (ws.root / "terraform").mkdir(parents=True)
    ws.save()
    (ws.root / ".gitignore").write_text(".proxmox-mpc/\n")
    start_repository(ws)
    token = correlation_id.set("3f2a9c1e")
    try:
        for vmid, memory in ((101, 2048), (102, 1024)):
            (ws.root / "terraform" / f"vm-{vmid}.tf").write_text(
                f'resource "proxmox_virtual_environment_vm" "vm_{vmid}" {{\n  vm_id = {vmid}\n'
                f'  memory {{\n    dedicated = {memory}\n  }}\n}}\n')
        commit_change(ws, "import", None)
        path = ws.root / "terraform" / "vm-101.tf"
        path.write_text(path.read_text().replace("2048", "4096"))
        commit_change(ws, "edit", ["terraform/vm-101.tf"])
    finally:
        correlation_id.reset(token)
    return ws.root


def test_the_history_view_looks_as_accepted_at_80x24(snap_compare: Any, shared_sim: SimulatorThread,
                                                      fixed_workspace: Path) -> None:
    app = make_app(shared_sim)
    app.workspace_root = fixed_workspace

    async def before(pilot: Any) -> None:
        await settle_editor(app, pilot)
        await pilot.press("H")
        await settle_until(app, pilot, lambda: "dedicated" in diff_text(app))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


async def test_a_save_in_the_editor_is_a_commit_naming_the_guest(sim: SimulatorThread, workspace: Path) -> None:
    from textual.widgets import TextArea
    from tui_support import editor_app

    from pmpc_tui.tui.screens.editor import EditorScreen

    path = workspace / "terraform" / "vm-101.tf"
    app = editor_app(sim, workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_editor(app, pilot)
        await pilot.press("7")
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.open_file(path)
        await settle_editor(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        editor.load_text(editor.text.replace("dedicated = 2048", "dedicated = 3072", 1))
        await pilot.press("ctrl+s")
        await settle_until(app, pilot, lambda: "3072" in path.read_text())
    log = subprocess.run(["git", "log", "-1", "--format=%s%n%b", "--name-only"], cwd=workspace, capture_output=True,
                         text=True, check=True).stdout
    assert log.startswith("proxmox-mpc edit: vm 101") and "terraform/vm-101.tf" in log
    status = subprocess.run(["git", "status", "--porcelain"], cwd=workspace, capture_output=True, text=True).stdout
    assert status == ""
