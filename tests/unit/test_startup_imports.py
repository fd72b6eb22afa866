"""Commands that need no cluster start fast (#13: < 0.3 s above a bare interpreter): they import no heavy library.

A tripwire for new code: object kinds (`iac/objects/`), ruamel.yaml, python-hcl2/lark, SQLAlchemy and the HTTP
stack are imported inside the functions that need them, never at the top of a module on these paths.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmpc_tui.services.workspace_init import InitOptions, init_workspace

HEAVY = ("asyncio", "ruamel.yaml", "sqlalchemy", "sqlmodel", "alembic", "hcl2", "lark", "pmpc_tui.iac.objects",
         "textual", "proxmoxer", "requests", "jinja2", "yaml")
REPORT = f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"


def _loaded(script: str, cwd: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMPC_") or k in ("PMPC_CONFIG_DIR",
                                                                                     "PMPC_STATE_DIR")}
    done = subprocess.run([sys.executable, "-c", "import sys\n" + script + REPORT], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])  # our own child's printed list


def test_help_loads_no_event_loop_and_no_heavy_library(tmp_path: Path) -> None:
    script = "from pmpc_tui.cli.main import build_parser\nbuild_parser().format_help()\n"
    assert _loaded(script, tmp_path) == []


def test_validate_offline_on_guest_files_loads_only_the_event_loop(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    root = tmp_path / "infra"
    init_workspace(InitOptions(directory=root, node="pve1"))
    (root / "terraform" / "vm-100.tf").write_text(
        'resource "proxmox_virtual_environment_vm" "web" {\n  node_name = "pve1"\n  vm_id     = 100\n'
        '  name      = "web"\n}\n')
    script = "from pmpc_tui.cli.main import main\nmain(['validate', '--offline'])\n"
    _loaded(script, root)  # the first run remembers what it read in .proxmox-mpc/
    assert _loaded(script, root) == ["asyncio"]
