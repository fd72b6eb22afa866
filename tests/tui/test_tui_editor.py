"""The IaC editor screen: open, validate on save, diff against the generated version, drafts on quit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TextArea
from tui_support import editor_app
from tui_support import settle_editor as settle

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.screens.editor import EditorScreen

MAIN_TF = '''resource "proxmox_virtual_environment_vm" "web_01" {
  node_name = "pve1"
  vm_id     = 101
}
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "proxmox-mpc.yaml").write_text("profile: demo\n")
    for rel, text in (("terraform/main.tf", MAIN_TF), ("ansible/inventory.yml", "all:\n  hosts: {}\n"),
                      (".proxmox-mpc/generated/terraform/main.tf", MAIN_TF)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


async def open_in_editor(app: ProxmoxApp, pilot: object, path: Path) -> EditorScreen:
    await settle(app, pilot)
    await pilot.press("7")  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, EditorScreen)
    screen.open_file(path)
    await settle(app, pilot)
    return screen


async def test_saving_a_broken_file_writes_it_and_shows_the_error_position(shared_sim: SimulatorThread,
                                                                           workspace: Path) -> None:
    app = editor_app(shared_sim, workspace)
    path = workspace / "terraform" / "main.tf"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_in_editor(app, pilot, path)
        editor = screen.query_one("#editor", TextArea)
        assert editor.text == MAIN_TF and editor.language == "hcl"
        editor.move_cursor((2, 0))
        await pilot.press(*"  memory = ", "enter")
        assert "modified" in str(screen.query_one("#editor-title", Static).render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        problems = str(screen.query_one("#problems", Static).render())
        assert "1 problem" in problems and "HCL syntax" in problems and "3:" in problems
        assert "memory =" in path.read_text()  # saved anyway: nothing the user typed is lost
        assert (path.parent / "main.tf.bak").read_text() == MAIN_TF
        assert editor.cursor_location[0] == 2  # the cursor jumps to the problem


async def test_a_valid_save_clears_problems_and_yaml_errors_have_line_and_column(shared_sim: SimulatorThread,
                                                                                  workspace: Path) -> None:
    app = editor_app(shared_sim, workspace)
    path = workspace / "ansible" / "inventory.yml"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_in_editor(app, pilot, path)
        editor = screen.query_one("#editor", TextArea)
        editor.load_text("all:\n  hosts:\n    web-01: {ansible_host: 10.0.0.1\n")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "YAML syntax" in str(screen.query_one("#problems", Static).render())
        editor.load_text("all:\n  hosts:\n    web-01: {ansible_host: 10.0.0.1}\n")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert str(screen.query_one("#problems", Static).render()) == ""
        assert any("valid" in n.message for n in app._notifications)


async def test_diff_shows_the_users_changes_against_the_generated_file(shared_sim: SimulatorThread,
                                                                      workspace: Path) -> None:
    app = editor_app(shared_sim, workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_in_editor(app, pilot, workspace / "terraform" / "main.tf")
        screen.query_one("#editor", TextArea).load_text(MAIN_TF.replace("vm_id     = 101", "vm_id     = 111"))
        await pilot.press("ctrl+g")
        await pilot.pause()
        diff = app.screen.query_one("#text-view", TextArea).text
        assert "-  vm_id     = 101" in diff and "+  vm_id     = 111" in diff
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)


async def test_quitting_with_unsaved_edits_asks_and_the_draft_comes_back(shared_sim: SimulatorThread,
                                                                         workspace: Path) -> None:
    path = workspace / "terraform" / "main.tf"
    app = editor_app(shared_sim, workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_in_editor(app, pilot, path)
        screen.query_one("#editor", TextArea).insert("# keep me\n", (0, 0))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "main.tf" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await pilot.pause()
    assert path.read_text() == MAIN_TF  # the file itself is untouched …
    app = editor_app(shared_sim, workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_in_editor(app, pilot, path)
        assert screen.query_one("#editor", TextArea).text.startswith("# keep me\n")  # … and the edit is back
        assert any("Draft restored" in (n.title or "") for n in app._notifications)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert path.read_text().startswith("# keep me\n")
    assert not (workspace / ".proxmox-mpc" / "drafts" / "terraform" / "main.tf").exists()


async def test_without_a_workspace_the_editor_says_how_to_make_one(shared_sim: SimulatorThread) -> None:
    app = editor_app(shared_sim, None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        assert "proxmox-mpc init" in str(app.screen.query_one("#editor-title", Static).render())


async def test_digits_type_into_the_file_and_ctrl_e_goes_to_the_files_where_digits_switch_screens(
        shared_sim: SimulatorThread, workspace: Path) -> None:
    app = editor_app(shared_sim, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_in_editor(app, pilot, workspace / "terraform" / "main.tf")
        editor = screen.query_one("#editor", TextArea)
        editor.move_cursor((0, 0))
        await pilot.press("1", "2", "7")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert editor.text.startswith("127resource")
        assert "1–9 switch screens" in str(screen.query_one("#editor-title", Static).render())
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.focused is screen.query_one("#iac-tree")
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "GuestsScreen"
