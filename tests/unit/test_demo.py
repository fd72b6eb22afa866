"""`proxmox-mpc --demo` and `proxmox-mpc simulator` as a newcomer runs them, in real child processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from pmpc_tui.simulator.server import SimulatorProcess


def run_cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pmpc_tui", *argv], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_demo_lists_the_homelab_vms(tmp_path: object) -> None:
    result = run_cli("--demo", "list", "vms", "-o", "json", env={"PMPC_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    names = {vm["name"] for vm in json.loads(result.stdout)}
    assert {"web-01", "db-01", "homeassistant"} <= names
    assert "DEMO cluster" in result.stderr
    assert not (tmp_path / "config.yaml").exists()  # type: ignore[operator]  # demo saves nothing


def test_simulator_json_prints_connection_details_first() -> None:
    with SimulatorProcess() as proc:
        info = proc.info
        assert info.url.startswith("https://127.0.0.1:")
        assert len(info.fingerprint.split(":")) == 32
        assert info.token_id == "root@pam!pmpc" and info.auditor_token_id == "auditor@pve!readonly"
        assert info.password and info.token_secret and info.auditor_token_secret


def test_simulator_human_banner_shows_credentials() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "pmpc_tui", "simulator", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(5)]
    finally:
        proc.terminate()
        proc.wait(10)
    text = "".join(lines)
    assert "listening on https://127.0.0.1:" in text
    assert "fingerprint" in text and "root@pam!pmpc=" in text and "auditor@pve!readonly=" in text


def test_help_starts_without_importing_heavy_modules() -> None:
    code = ("import sys; from pmpc_tui.cli.main import build_parser; build_parser().format_help(); "
            "heavy = [m for m in ('proxmoxer', 'sqlalchemy', 'textual', 'requests', 'cryptography') "
            "if m in sys.modules]; print(','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_bad_simulator_option_is_rejected() -> None:
    result = run_cli("simulator", "--fault-rate", "1.5")
    assert result.returncode == 64
    assert "--fault-rate" in result.stderr
