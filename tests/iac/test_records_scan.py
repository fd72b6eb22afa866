"""The records of generated files are scanned through a memo (#13): a record rewritten, added or removed
after the last scan must be seen at once, or plan would mistake which guests the workspace manages."""

from __future__ import annotations

import os
from pathlib import Path

from pmpc_tui.iac.terraform import scan_guest_resources


def record(label: str, vmid: int) -> str:
    return (f'import {{\n  to = proxmox_virtual_environment_vm.{label}\n  id = "pve1/{vmid}"\n}}\n'
            f'resource "proxmox_virtual_environment_vm" "{label}" {{\n  name  = "{label}"\n  vm_id = {vmid}\n}}\n')


def scanned(folder: Path, memo: Path) -> list[tuple[str, int | None, bool]]:
    return [(g.label, g.vmid, g.imported) for g in scan_guest_resources(folder, memo)]


def test_a_record_rewritten_added_or_removed_after_a_scan_is_seen(tmp_path: Path) -> None:
    folder, memo = tmp_path / "terraform", tmp_path / "records-scan.json"
    folder.mkdir()
    (folder / "vm-101.tf").write_text(record("web", 101))
    (folder / "vm-102.tf").write_text(record("db", 102))
    assert scanned(folder, memo) == [("web", 101, True), ("db", 102, True)]
    assert memo.exists()
    assert scanned(folder, memo) == [("web", 101, True), ("db", 102, True)]  # answered from the memo

    path = folder / "vm-101.tf"
    before = path.stat()
    path.write_text(record("www", 101))  # the same size: only the modification time tells
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    (folder / "vm-103.tf").write_text(record("cache", 103))
    (folder / "vm-102.tf").unlink()
    assert scanned(folder, memo) == [("www", 101, True), ("cache", 103, True)]
    assert scanned(folder, None) == scanned(folder, memo)
