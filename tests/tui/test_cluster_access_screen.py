"""The Cluster view's Access and Images tabs (`:access`, `:images`) against the simulator: users, groups, custom
roles and ACL entries; ISO images and container templates per node — each marked against the workspace's code."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TabbedContent
from tui_support import make_app, settle, settle_until

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.navigation import parse_jump
from pmpc_tui.tui.screens.cluster import ClusterScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


async def open_tab(sim: SimulatorThread, jump: str, workspace: Path | None,
                   check: object) -> None:
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *jump, "enter")
        await settle_until(app, pilot, lambda: isinstance(app.screen, ClusterScreen) and app.screen.objects is not None)
        assert isinstance(app.screen, ClusterScreen)
        check(app.screen)  # type: ignore[operator]


def cells(screen: ClusterScreen, table: str, column: str) -> dict[str, str]:
    widget = screen.query_one(f"#{table}-table", KeyedTable)
    return {str(row.key.value): str(widget.get_cell(row.key, column)) for row in widget.ordered_rows}


def test_access_and_image_jumps_open_their_tabs() -> None:
    assert [parse_jump(t).tab for t in ("access", "users", "acl", "images", "isos")] == \
        ["access", "access", "access", "images", "images"]


async def test_the_access_tab_lists_users_groups_roles_and_acl_entries_marked_against_the_code(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    tf = imported_workspace / "terraform" / "access.tf"
    tf.write_text(tf.read_text().replace('"Weekend gamer"', '"Edited in code"'))

    def check(screen: ClusterScreen) -> None:
        assert screen.query_one("#cluster-tabs", TabbedContent).active == "access"
        what = cells(screen, "access", "what")
        assert what["user:alice@pve"] == "admins"
        assert what["acl:/pool/production?family?PVEVMUser"] == "/pool/production → PVEVMUser"
        assert what["role:BackupOperator"] == "4 privileges"
        assert "group:family" in what and "user:root@pam" not in what and "role:PVEAdmin" not in what
        marks = cells(screen, "access", "code")
        assert marks["user:bob@pve"] == "~ drift"
        assert {m for k, m in marks.items() if k != "user:bob@pve"} == {"✓ code"}

    await open_tab(sim, "access", imported_workspace, check)


async def test_the_images_tab_lists_isos_and_templates_per_node(sim: SimulatorThread,
                                                                imported_workspace: Path) -> None:
    tf = imported_workspace / "terraform" / "images.tf"
    tf.write_text(tf.read_text() + '\nresource "proxmox_download_file" "alpine" {\n  node_name    = "pve1"\n'
                  '  datastore_id = "local"\n  content_type = "iso"\n'
                  '  url          = "https://dl.example.com/alpine.iso"\n}\n')

    def check(screen: ClusterScreen) -> None:
        assert screen.query_one("#cluster-tabs", TabbedContent).active == "images"
        files = cells(screen, "images", "file")
        assert files["image:pve2/local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"] == \
            "debian-12-standard_12.7-1_amd64.tar.zst"
        assert cells(screen, "images", "type")["image:pve1/local:iso/debian-12.7.0-amd64-netinst.iso"] == "iso"
        marks = cells(screen, "images", "code")
        assert marks["image:pve1/local:iso/alpine.iso"] == "? gone"  # only in the code: apply downloads it
        assert {m for k, m in marks.items() if "alpine" not in k} == {"✓ code"}

    await open_tab(sim, "images", imported_workspace, check)
