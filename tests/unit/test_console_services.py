"""The UI-free parts behind the console: storage levels, finished tasks, history, jump parsing, app log."""

from __future__ import annotations

import logging

import pytest

from pmpc_tui.formatting import sparkline, usage_bar
from pmpc_tui.observability.applog import RingLog, entry_matches
from pmpc_tui.services.live import ClusterView, LiveHistory, console_url, finished_tasks, storage_level
from pmpc_tui.tui.navigation import JumpError, parse_jump


def task(upid: str, status: str = "running", start: int = 100, end: int = 0) -> dict[str, object]:
    return {"upid": upid, "status": status, "starttime": start, "endtime": end, "type": "qmstart", "id": "101",
            "node": "pve1", "user": "root@pam"}


@pytest.mark.parametrize(("used", "total", "level"), [
    (0, 0, "ok"), (80, 100, "ok"), (81, 100, "warning"), (90, 100, "warning"), (91, 100, "critical"),
])
def test_storage_levels_follow_the_80_and_90_percent_thresholds(used: int, total: int, level: str) -> None:
    assert storage_level(used, total) == level


def test_finished_tasks_are_those_that_stopped_since_the_last_refresh() -> None:
    before = ClusterView(tasks=[task("A"), task("B", "OK", end=90)], read_at=100.0)
    after = ClusterView(tasks=[task("A", "OK", end=105), task("B", "OK", end=90), task("C", "error", 101, 102),
                               task("D")], read_at=110.0)
    assert [t["upid"] for t in finished_tasks(before, after)] == ["A", "C"]
    assert finished_tasks(None, after) == []  # nothing to compare with on the first refresh


def test_history_keeps_the_last_readings_of_online_nodes() -> None:
    history = LiveHistory(size=3)
    for i in range(5):
        history.record(ClusterView(nodes=[
            {"node": "pve1", "status": "online", "cpu": i / 10, "mem": i, "maxmem": 10},
            {"node": "pve2", "status": "offline", "cpu": 0, "mem": 0, "maxmem": 0}]))
    assert history.cpu("pve1") == [0.2, 0.3, 0.4]
    assert history.mem("pve1") == [0.2, 0.3, 0.4]
    assert history.cpu("pve2") == []


def test_sparkline_and_bar_are_readable_without_colour() -> None:
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    assert sparkline([0.0] * 50, width=20) == "▁" * 20
    assert usage_bar(0.5, width=4) == "██░░  50%"
    assert usage_bar(1.7, width=4) == "████ 100%"


def test_console_url_matches_what_the_pve_web_ui_opens() -> None:
    vm = console_url("https://pve1.example.com:8006", "qemu", 101, "web-01", "pve1")
    assert vm == ("https://pve1.example.com:8006/?console=kvm&novnc=1&vmid=101&vmname=web-01&node=pve1"
                  "&resize=off&cmd=")
    ct = console_url("https://pve1:8006/api2/json", "lxc", 200, "pihole", "pve2")
    assert ct.startswith("https://pve1:8006/?console=lxc&xtermjs=1&vmid=200&vmname=pihole&node=pve2")


@pytest.mark.parametrize(("text", "mode", "target"), [
    ("vms", "vms", ""), (":cts", "cts", ""), ("vm web-01", "vms", "web-01"), ("storage", "nodes", ""),
    ("ta", "tasks", ""), ("LOGS", "logs", ""), ("vms  web ", "vms", "web"),
])
def test_jump_commands_name_views_and_targets(text: str, mode: str, target: str) -> None:
    jump = parse_jump(text)
    assert (jump.view.mode, jump.target) == (mode, target)


@pytest.mark.parametrize(("text", "mode"), [("p", "plan"), ("cl", "cluster"), ("po", "cluster"), ("hea", "health"),
                                             ("co", "console")])
def test_a_short_jump_shared_by_several_views_opens_the_one_whose_name_starts_so(text: str, mode: str) -> None:
    assert parse_jump(text).view.mode == mode


def test_a_jump_that_fits_several_views_equally_names_them() -> None:
    with pytest.raises(JumpError) as info:
        parse_jump("c")
    assert ":cts" in str(info.value) and ":console" in str(info.value) and ":cluster" in str(info.value)


@pytest.mark.parametrize("text", ["", "bogus", "  "])
def test_jump_errors_list_the_views(text: str) -> None:
    with pytest.raises(JumpError) as info:
        parse_jump(text)
    assert "vms" in str(info.value) and "logs" in str(info.value)


def test_app_log_filters_by_level_and_text_and_reads_incrementally() -> None:
    ring = RingLog(capacity=3)
    logger = logging.getLogger("pmpc.test-ring")
    logger.addHandler(ring)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("GET /nodes → 200")
        logger.info("start VM 101 (web-01)")
        logger.warning("stop VM 102 failed")
        logger.error("refresh failed")
    finally:
        logger.removeHandler(ring)
    entries = ring.since(0)
    assert [e.message for e in entries] == ["start VM 101 (web-01)", "stop VM 102 failed", "refresh failed"]
    assert [e.message for e in ring.since(entries[0].seq)] == ["stop VM 102 failed", "refresh failed"]
    assert [e.level for e in entries if entry_matches(e, "WARNING")] == ["WARNING", "ERROR"]
    assert [e.message for e in entries if entry_matches(e, "DEBUG", "VM 10")] == [
        "start VM 101 (web-01)", "stop VM 102 failed"]
    assert entries[0].source == "test-ring"
