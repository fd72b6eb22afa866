"""Read commands on several clusters at once (`--profile a --profile b`, `--all-profiles`), one of them stopped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from multi_support import requests_seen, two_clusters

from pmpc_tui.cli.main import main
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def clusters(tmp_path: Path) -> Iterator[tuple[SimulatorThread, SimulatorThread]]:
    with two_clusters(tmp_path) as pair:
        yield pair


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_vms_of_two_clusters_in_json_is_grouped_by_cluster(clusters: object,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--profile", "east", "--profile", "west", "list", "vms", "-o", "json")
    assert code == 0
    data = json.loads(out)
    assert [c["cluster"] for c in data["clusters"]] == ["east", "west"]
    assert [c["profile"] for c in data["clusters"]] == ["east", "west"]
    for entry in data["clusters"]:
        assert "error" not in entry and len(entry["result"]) == 11
        assert {"vmid", "name", "status"} <= set(entry["result"][0])


def test_a_table_of_two_clusters_has_a_cluster_column(clusters: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-p", "east", "-p", "west", "list", "nodes")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["CLUSTER", "NODE"]
    assert sum(line.startswith("east ") for line in lines) == 3
    assert sum(line.startswith("west ") for line in lines) == 3


def test_a_cluster_stopped_halfway_is_an_error_entry_while_the_other_answers(
        clusters: tuple[SimulatorThread, SimulatorThread], capsys: pytest.CaptureFixture[str]) -> None:
    _, west = clusters
    code, _, _ = run(capsys, "--all-profiles", "list", "vms", "-o", "json")
    assert code == 0
    west.stop()
    code, out, err = run(capsys, "--all-profiles", "--cluster-timeout", "20", "list", "vms", "-o", "json")
    assert code == 1
    entries = {c["cluster"]: c for c in json.loads(out)["clusters"]}
    assert len(entries["east"]["result"]) == 11
    error = entries["west"]["error"]
    assert error["exit_code"] == 3 and error["message"] and error["next_step"]
    assert "Traceback" not in out + err


def test_a_stopped_cluster_in_a_table_is_named_with_its_error_under_the_others_rows(
        clusters: tuple[SimulatorThread, SimulatorThread], capsys: pytest.CaptureFixture[str]) -> None:
    clusters[1].stop()
    code, out, _ = run(capsys, "-p", "east", "-p", "west", "list", "vms")
    assert code == 1
    assert out.splitlines()[0].startswith("CLUSTER")
    assert any(line.startswith("east ") for line in out.splitlines())
    assert any(line.startswith("west: error:") for line in out.splitlines())


def test_one_profile_keeps_todays_output(clusters: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--profile", "west", "list", "vms", "-o", "json")
    assert code == 0
    single = json.loads(out)
    assert isinstance(single, list) and len(single) == 11
    code, repeated, _ = run(capsys, "-p", "west", "-p", "west", "list", "vms", "-o", "json")
    assert code == 0
    assert [(v["vmid"], v["name"]) for v in json.loads(repeated)] == [(v["vmid"], v["name"]) for v in single]


def test_describe_on_two_clusters_shows_each_under_its_name(clusters: object,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-p", "east", "-p", "west", "describe", "vm", "100")
    assert code == 0
    assert "== east ==" in out and "== west ==" in out


def test_a_command_of_one_cluster_with_two_profiles_is_a_usage_error_and_sends_nothing(
        clusters: tuple[SimulatorThread, SimulatorThread], capsys: pytest.CaptureFixture[str]) -> None:
    before = [requests_seen(s) for s in clusters]
    code, _, err = run(capsys, "-p", "east", "-p", "west", "start", "vm", "100")
    assert code == 64 and "one cluster" in err
    code, _, err = run(capsys, "--all-profiles", "list", "storage", "--status", "running")
    assert code == 64 and "Traceback" not in err
    assert [requests_seen(s) for s in clusters] == before


def test_an_unknown_profile_among_several_is_its_entry_with_the_next_step(
        clusters: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-p", "east", "-p", "nowhere", "list", "vms", "-o", "json")
    assert code == 1
    entries = {c["cluster"]: c for c in json.loads(out)["clusters"]}
    assert "result" in entries["east"] and entries["nowhere"]["error"]["exit_code"] == 3


def test_health_of_every_profile_with_one_stopped_says_which_cluster_is_critical(
        clusters: tuple[SimulatorThread, SimulatorThread], capsys: pytest.CaptureFixture[str]) -> None:
    clusters[1].stop()
    code, out, err = run(capsys, "--all-profiles", "health", "-o", "json")
    assert code == 1
    entries = {c["cluster"]: c for c in json.loads(out)["clusters"]}
    assert set(entries) == {"east", "west"}
    east_checks = {c["check"]: c["status"] for c in entries["east"]["result"]}
    assert "critical" not in east_checks.values()
    west = entries["west"].get("result") or []
    assert "error" in entries["west"] or any(c["status"] == "critical" for c in west)
    assert "Traceback" not in out + err


def test_recent_tasks_of_two_clusters_are_one_table_with_a_cluster_column(
        clusters: object, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("east", "west"):
        assert main(["-p", name, "start", "vm", "109", "--wait"]) == 0
    code, out, _ = run(capsys, "-p", "east", "-p", "west", "tasks")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["CLUSTER", "STARTED"]
    assert {line.split()[0] for line in lines[1:] if "qmstart" in line} == {"east", "west"}


def test_a_cluster_slower_than_its_timeout_is_an_error_entry_and_does_not_hold_up_the_other(
        clusters: tuple[SimulatorThread, SimulatorThread], capsys: pytest.CaptureFixture[str]) -> None:
    import time

    clusters[1].control("POST", "/faults", {"latency_ms": 6000})
    started = time.monotonic()
    code, out, _ = run(capsys, "--all-profiles", "--cluster-timeout", "1.5", "list", "vms", "-o", "json")
    elapsed = time.monotonic() - started
    assert code == 1
    entries = {c["cluster"]: c for c in json.loads(out)["clusters"]}
    assert len(entries["east"]["result"]) == 11
    assert entries["west"]["error"]["message"] == "no answer within 1.5 s"
    assert entries["west"]["error"]["exit_code"] == 3
    assert elapsed < 5.5, f"the slow cluster held the command up for {elapsed:.1f} s"


def test_a_bad_cluster_timeout_is_a_usage_error(clusters: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--all-profiles", "--cluster-timeout", "0", "list", "vms")
    assert code == 64 and "--cluster-timeout" in err


def test_yaml_of_two_clusters_is_grouped_like_json(clusters: object, capsys: pytest.CaptureFixture[str]) -> None:
    from ruamel.yaml import YAML

    code, out, _ = run(capsys, "-p", "east", "-p", "west", "list", "nodes", "-o", "yaml")
    assert code == 0
    data = YAML(typ="safe").load(out)
    assert [(c["cluster"], len(c["result"])) for c in data["clusters"]] == [("east", 3), ("west", 3)]
