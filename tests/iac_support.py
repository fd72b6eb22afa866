"""Helpers for the workspace/IaC tests: a CLI environment on a simulator, real-tool runners, file snapshots."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmpc_tui.cli.main import main
from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.simulator.server import SimulatorThread

SHARED = Path(os.environ.get("PMPC_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
BPG_SCHEMA = SHARED / "terraform" / "bpg-schema.json"
VENV_BIN = Path(sys.executable).parent


@contextlib.contextmanager
def cli_environment(sim: SimulatorThread, home: Path) -> Iterator[None]:
    """Config/state dirs under `home` and an active profile 'lab' for the simulator."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PMPC_CONFIG_DIR", str(home / "config"))
        mp.setenv("PMPC_STATE_DIR", str(home / "state"))
        mp.delenv("PMPC_PROFILE", raising=False)
        mp.delenv("PMPC_DATABASE_URL", raising=False)
        mp.delenv("PMPC_WORKSPACE", raising=False)
        mp.setenv("LAB_TOKEN", sim.info.token_secret)
        assert main(["connect", "lab", "--url", sim.info.url, "--token-id", sim.info.token_id, "--secret-env",
                     "LAB_TOKEN", "--fingerprint", sim.info.fingerprint]) == 0
        yield


def run_cli(cwd: Path, *argv: str) -> int:
    """Run `proxmox-mpc ARGV` with `cwd` as the working directory."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return main(list(argv))
    finally:
        os.chdir(old)


def api(sim: SimulatorThread, method: str, path: str, /, **data: Any) -> Any:
    """One API call to the simulator through the project's client."""
    async def go() -> Any:
        user, name = sim.info.token_id.split("!", 1)
        settings = ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)
        async with PVEClient(settings) as client:
            return await getattr(client, method)(path, **data)
    return asyncio.run(go())


def api_done(sim: SimulatorThread, method: str, path: str, /, **data: Any) -> Any:
    """One API call that starts a task, waiting for the task to end (PVE keeps the guest locked until then)."""
    async def go() -> Any:
        user, name = sim.info.token_id.split("!", 1)
        settings = ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)
        async with PVEClient(settings) as client:
            upid = await getattr(client, method)(path, **data)
            return await client.wait_task(str(upid), timeout=60, poll=0.05)
    return asyncio.run(go())


def tool(name: str) -> str:
    """Path of a real tool (the venv's bin first); skips the test only when it is genuinely absent."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def run_tool(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", TF_IN_AUTOMATION="1")
    return subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, timeout=120, env=env, check=False)


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `root` with its mtime (ns) and contents (the log files aside)."""
    logs = root / ".proxmox-mpc" / "logs"  # operational logs change with every command, by design
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and logs not in p.parents}


def ansible_inventory(ansible_dir: Path) -> dict[str, Any]:
    result = run_tool(tool("ansible-inventory"), "-i", "inventory.yml", "--list", cwd=ansible_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


META_ARGUMENTS = {"lifecycle", "depends_on", "count", "for_each", "provider"}
# blocks the schema file names without listing their arguments: names from the provider's documentation
UNLISTED_BLOCKS = {
    "efi_disk": {"datastore_id", "file_format", "type", "pre_enrolled_keys"},
    "tpm_state": {"datastore_id", "version"},
    "mount_point": {"volume", "path", "size", "backup", "read_only", "shared", "replicate", "acl", "quota",
                    "mount_options"},
}


def schema_problems(body: dict[str, Any], schema: dict[str, Any], where: str, top: bool = True) -> list[str]:
    """Names in `body` the bpg schema does not know, and required names it lacks."""
    problems = []
    for key, value in body.items():
        if top and key in META_ARGUMENTS:
            continue
        entry = schema.get(key)
        if entry is None:
            problems.append(f"{where}.{key}: not an argument of the provider")
            continue
        is_block = isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
        if is_block:
            for i, item in enumerate(value):
                if "block" in entry:
                    problems += schema_problems(item, entry["block"], f"{where}.{key}[{i}]", top=False)
                elif key in UNLISTED_BLOCKS:
                    problems += [f"{where}.{key}[{i}].{k}: unknown" for k in item if k not in UNLISTED_BLOCKS[key]]
                else:
                    problems.append(f"{where}.{key}: written as a block but the provider has an attribute")
        elif "block" in entry and entry.get("attribute") and isinstance(value, dict):  # `x = { … }`
            problems += schema_problems(value, entry["block"], f"{where}.{key}", top=False)
        elif "block" in entry:
            problems.append(f"{where}.{key}: written as an attribute but the provider has a block")
    for key, entry in schema.items():
        if entry.get("required") and key not in body:
            problems.append(f"{where}.{key}: required but missing")
    return problems
