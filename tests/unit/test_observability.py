"""Observability: correlation IDs through a sync, /logs filters, health going critical, the report
bundle — and planted secrets (token secret, password, ticket cookie) never showing up anywhere."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def cli(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        yield tmp_path


def out_json(capsys: pytest.CaptureFixture[str], *argv: str, cwd: Path) -> tuple[int, object]:
    capsys.readouterr()
    code = run_cli(cwd, *argv, "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def log_lines(home: Path) -> list[dict[str, object]]:
    return [json.loads(line) for path in sorted((home / "state" / "logs").glob("proxmox-mpc.jsonl*"))
            for line in path.read_text().splitlines()]


def test_one_correlation_id_follows_a_sync_into_every_api_call(cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(cli, "debug", "on") == 0
    assert run_cli(cli, "sync") == 0
    assert run_cli(cli, "list", "vms") == 0
    entries = log_lines(cli)
    sync_cids = {e["cid"] for e in entries if e["op"] == "sync"}
    assert len(sync_cids) == 1
    cid = sync_cids.pop()
    api = [e for e in entries if e["logger"] == "pmpc.api" and e["cid"] == cid]
    assert any("GET /cluster/resources" in str(e["msg"]) for e in api)
    assert sum("/config" in str(e["msg"]) for e in api) == 18  # every guest config read, same ID
    list_cids = {e["cid"] for e in entries if e["op"] == "list"}
    assert len(list_cids) == 1 and cid not in list_cids

    code, found = out_json(capsys, "logs", "--cid", cid, cwd=cli)
    assert code == 0 and found and all(e["cid"] == cid for e in found)  # type: ignore[union-attr, index]
    code, found = out_json(capsys, "logs", "--op", "list", "--since", "10m", cwd=cli)
    assert found and {e["op"] for e in found} == {"list"}  # type: ignore[union-attr, index]
    run_cli(cli, "describe", "vm", "999")  # fails: logged as a failed operation
    code, found = out_json(capsys, "logs", "--level", "warning", cwd=cli)
    assert any("describe failed" in e["msg"] for e in found)  # type: ignore[union-attr, index]
    assert all(e["level"] in ("WARNING", "ERROR") for e in found)  # type: ignore[union-attr, index]
    code, found = out_json(capsys, "logs", "--grep", "cluster/resources", "--limit", "3", cwd=cli)
    assert 0 < len(found) <= 3  # type: ignore[arg-type]
    assert run_cli(cli, "logs", "--since", "soon") == 64


def test_health_turns_critical_when_storage_is_full_or_a_node_is_down(
        sim: SimulatorThread, cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, checks = out_json(capsys, "health", cwd=cli)
    by_name = {c["check"]: c for c in checks}  # type: ignore[union-attr, index]
    api = by_name["api"]
    p95 = re.search(r"p95 (\d+) ms", api["detail"])
    # under load (two test workers and other jobs on 2 cores) loopback calls can pass 500 ms: the test holds
    # the rule (p95 under 500 ms is ok, else a warning), not this machine's speed
    assert code == 0 and p95 is not None and api["status"] == ("ok" if int(p95.group(1)) < 500 else "warning")
    assert by_name["nodes"]["detail"] == "3/3 online" and by_name["quorum"]["status"] == "ok"
    assert {"database", "workspace", "terraform", "ansible", "git", "storage", "tasks"} <= set(by_name)
    sim.control("POST", "/storage/local-lvm", {"used_fraction": 0.97, "node": "pve2"})
    code, checks = out_json(capsys, "health", cwd=cli)
    storage = next(c for c in checks if c["check"] == "storage")  # type: ignore[union-attr, index]
    assert code == 1 and storage["status"] == "critical" and "local-lvm on pve2" in storage["detail"]
    assert storage["next_step"]
    sim.control("POST", "/storage/local-lvm", {"used_fraction": 0.1, "node": "pve2"})
    sim.control("POST", "/nodes/pve3", {"online": False})
    code, checks = out_json(capsys, "health", cwd=cli)
    nodes = next(c for c in checks if c["check"] == "nodes")  # type: ignore[union-attr, index]
    assert code == 1 and nodes["status"] == "critical" and "pve3" in nodes["detail"]


def test_planted_secrets_never_reach_logs_reports_health_or_screens(
        sim: SimulatorThread, cli: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.cli.main import main
    from pmpc_tui.pve import redact

    password = sim.info.password
    monkeypatch.setenv("LAB_PASSWORD", password)
    assert main(["connect", "pw", "--url", sim.info.url, "--user", "root@pam", "--secret-env", "LAB_PASSWORD",
                 "--fingerprint", sim.info.fingerprint]) == 0  # password (ticket) login
    assert run_cli(cli, "debug", "on") == 0
    for argv in (["sync"], ["list", "vms"], ["describe", "vm", "999"], ["start", "vm", "101", "--wait"],
                 ["-p", "lab", "list", "cts"], ["health"]):
        run_cli(cli, *argv)
    tickets = [v for v in redact._known if v.startswith("PVE:")]
    assert tickets, "the password login should have produced a ticket"
    logging.getLogger("pmpc.test").warning("a careless line: cookie PVEAuthCookie=%s pw=%s", tickets[0], password)
    capsys.readouterr()
    assert run_cli(cli, "report-issue", "start fails", "--anonymize") == 0
    shown = capsys.readouterr().out
    bundle = next((cli / "state" / "reports").glob("report-*.zip"))
    with zipfile.ZipFile(bundle) as z:
        bundle_text = "\n".join(z.read(n).decode() for n in z.namelist())
    logs_text = "\n".join(p.read_text() for p in (cli / "state" / "logs").glob("proxmox-mpc.jsonl*"))
    _code, health = out_json(capsys, "health", cwd=cli)
    planted = [sim.info.token_secret, password, *tickets]
    for text in (logs_text, bundle_text, json.dumps(health), shown):
        for secret in planted:
            assert secret not in text
    assert "a careless line" in logs_text and "***" in logs_text
    assert "127.0.0.1" not in bundle_text and "pve1" not in bundle_text  # anonymized consistently
    assert "host-" in bundle_text
    assert "suggested prompt" in shown


def test_redaction_masks_known_values_and_secret_shaped_assignments() -> None:
    from pmpc_tui.pve.redact import redact, register_secret

    register_secret("s3cr3t-value-123")
    text = ("Authorization: PVEAPIToken=root@pam!mpc=aaaa-bbbb Cookie: PVEAuthCookie=PVE:root@pam:XYZ; "
            "password=hunter22 token s3cr3t-value-123 CSRFPreventionToken: 1234:abcd")
    masked = redact(text)
    for leaked in ("aaaa-bbbb", "PVE:root@pam:XYZ", "hunter22", "s3cr3t-value-123", "1234:abcd"):
        assert leaked not in masked
    assert "PVEAPIToken=root@pam!mpc=***" in masked


async def test_health_screen_shows_checks_and_a_down_node(sim: SimulatorThread) -> None:
    from textual.widgets import Static
    from tui_support import make_app, settle

    from pmpc_tui.tui.widgets.keyed_table import KeyedTable

    sim.control("POST", "/nodes/pve3", {"online": False})
    app = make_app(sim)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        table = app.screen.query_one("#health-table", KeyedTable)
        assert table.get_cell("nodes", "status") == "✖ CRITICAL" and "pve3" in table.get_cell("nodes", "detail")
        assert table.get_cell("api", "status") == "✔ ok"
        assert "CRITICAL" in str(app.screen.query_one("#health-summary", Static).render())
        shown = "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))
        assert sim.info.token_secret not in shown
        logging.getLogger("pmpc.test").warning("careless: secret=%s", sim.info.token_secret)
        await pilot.press("6", "D")
        await pilot.pause()
        from textual.widgets import RichLog

        screen_text = "\n".join(str(line.text) for line in app.screen.query_one("#app-log", RichLog).lines)
        assert "careless" in screen_text and sim.info.token_secret not in screen_text
