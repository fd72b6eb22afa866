"""The inventory's addresses: static ones from the configs on every import; the guest agents (VMs) and the
container interfaces of running guests are asked only with `import --addresses` or the workspace's setting,
and what they reported is kept by the imports after."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import api, cli_environment, run_cli
from ruamel.yaml import YAML

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def ws(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        assert run_cli(tmp_path, "init", "lab") == 0
        yield tmp_path / "lab"


def hostvars(ws: Path) -> dict[str, dict[str, Any]]:
    """Each inventory host's variables, as inventory.yml holds them."""
    data = YAML(typ="safe").load((ws / "ansible" / "inventory.yml").read_text())
    return {name: dict(v or {}) for name, v in data["all"]["hosts"].items()}


def agent_address(sim: SimulatorThread) -> str:
    """The address homeassistant's (VM 108, DHCP, running) guest agent reports."""
    agent = api(sim, "get", "/nodes/pve3/qemu/108/agent/network-get-interfaces")["result"]
    return next(a["ip-address"] for i in agent if i["name"] != "lo" for a in i["ip-addresses"]
                if a["ip-address-type"] == "ipv4")


def set_addresses(ws: Path, value: str) -> None:
    path = ws / "proxmox-mpc.yaml"
    path.write_text(path.read_text() + f"inventory:\n  addresses: {value}\n")


def test_a_plain_import_asks_no_guest_agent_and_the_summary_names_the_flag(
        ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(ws, "import") == 0
    out = capsys.readouterr().out
    hosts = hostvars(ws)
    assert hosts["web-01"]["ansible_host"] == "192.168.1.21"  # static: ipconfig0 ip=192.168.1.21/24
    assert hosts["pihole"]["ansible_host"] == "192.168.1.53"  # static: net0 ip=192.168.1.53/24
    assert "ansible_host" not in hosts["homeassistant"]  # running, DHCP: its agent was not asked
    assert "ansible_host" not in hosts["mqtt"]  # running container, DHCP: its interfaces were not read
    line = next(line for line in out.splitlines() if line.startswith("inventory: "))
    assert "running guests without a static address were not asked" in line
    assert "import --addresses asks their guest agents" in line


def test_import_with_addresses_asks_the_agents_and_a_later_plain_import_keeps_them(
        ws: Path, sim: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(ws, "import", "--addresses") == 0
    assert hostvars(ws)["homeassistant"]["ansible_host"] == agent_address(sim)
    assert hostvars(ws)["homeassistant"]["proxmox_ip_source"] == "agent"
    assert "ansible_host" in hostvars(ws)["mqtt"]
    capsys.readouterr()
    assert run_cli(ws, "import", "-o", "json") == 0
    counts = json.loads(capsys.readouterr().out)["addresses"]
    assert hostvars(ws)["homeassistant"]["ansible_host"] == agent_address(sim)  # nothing lost
    assert counts["asked"] is False and counts["kept"] >= 2 and counts["not_asked"] >= counts["kept"]
    assert counts["static"] >= 2


def test_the_workspace_setting_asks_the_agents_and_no_addresses_overrides_it(
        ws: Path, sim: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    set_addresses(ws, "agent")
    assert run_cli(ws, "import", "--no-addresses") == 0
    assert "ansible_host" not in hostvars(ws)["homeassistant"]
    capsys.readouterr()
    assert run_cli(ws, "sync") == 0  # sync in a workspace is import: the setting holds for it too
    assert "were not asked" not in capsys.readouterr().out
    assert hostvars(ws)["homeassistant"]["ansible_host"] == agent_address(sim)


def test_an_unknown_address_source_in_the_workspace_file_is_refused(
        ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_addresses(ws, "dhcp")
    capsys.readouterr()
    assert run_cli(ws, "import") == 65
    err = capsys.readouterr().err
    assert "'inventory' must be a mapping such as 'inventory: {addresses: agent}'" in err
    assert "Traceback" not in err and not (ws / "ansible" / "inventory.yml").exists()


def test_offline_import_cannot_ask_the_agents(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(ws, "sync", "--db-only") == 0
    capsys.readouterr()
    assert run_cli(ws, "import", "--offline", "--addresses") == 64
    err = capsys.readouterr().err
    assert "cannot ask the guest agents offline" in err and "Traceback" not in err


def test_the_connection_files_follow_a_changed_profile_after_an_import(ws: Path, sim: SimulatorThread) -> None:
    assert run_cli(ws, "import") == 0
    variables = ws / "terraform" / "variables.tf"
    assert sim.info.url in variables.read_text()
    moved = sim.info.url.replace("127.0.0.1", "localhost")
    assert moved != sim.info.url
    assert run_cli(ws, "connect", "lab", "--url", moved, "--token-id", sim.info.token_id, "--secret-env",
                   "LAB_TOKEN", "--fingerprint", sim.info.fingerprint) == 0
    assert run_cli(ws, "import") == 0  # the connection files are remembered by what they are made of
    assert moved in variables.read_text()


def test_an_import_that_fails_leaves_no_new_guest_file_behind(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the new guest files are written while the cluster is read; a failure after that takes them back
    (ws / "ansible" / "cluster.yml").mkdir(parents=True)  # import cannot write its cluster playbook
    capsys.readouterr()
    assert run_cli(ws, "import") != 0
    assert "Traceback" not in capsys.readouterr().err
    assert sorted((ws / "terraform").glob("vm-*.tf")) == []
    assert sorted((ws / ".proxmox-mpc" / "generated" / "terraform").glob("vm-*.tf")) == []
    (ws / "ansible" / "cluster.yml").rmdir()
    assert run_cli(ws, "import") == 0  # and the next import writes (and commits) them
    assert (ws / "terraform" / "vm-101.tf").exists()
