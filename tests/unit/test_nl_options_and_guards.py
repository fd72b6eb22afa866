"""Plain English, second round of issue 17: options said in words, "X but don't Y", guests left out after a
selection, and the requests that must never become an action (deletion by selector, shrinking, deferrals)."""

from __future__ import annotations

import sys
from pathlib import Path

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    p = propose_offline(text, NAMES)
    return p.commands if p.understood else []


def test_a_dry_run_said_in_words_becomes_the_dry_run_option() -> None:
    assert lines("migrate web-02 to pve1, dry run first") == ["migrate vm web-02 pve1 --online --dry-run"]
    assert lines("back up web-02 (dry run)") == ["backup create vm web-02 --dry-run"]


def test_as_json_is_added_to_reads_only() -> None:
    assert lines("list nodes as json") == ["list nodes -o json"]
    assert all("-o json" not in line for line in lines("reboot db-01 as json"))


def test_dont_wait_and_without_downtime_are_options_not_negations() -> None:
    assert lines("snapshot mqtt as before-acl, don't wait for it") == [
        "snapshot create ct mqtt before-acl --no-wait"]
    assert lines("move homeassistant to pve1 without downtime") == ["migrate vm homeassistant pve1 --online"]


def test_back_up_db_01_but_dont_stop_it_backs_up_and_never_stops() -> None:
    assert lines("back up db-01 but don't stop it") == ["backup create vm db-01"]
    p = propose_offline("stop db-01 but don't stop it", NAMES)
    assert not p.understood and p.commands == []


def test_a_guest_named_by_vmid_stays_a_vmid() -> None:
    assert lines("reboot vm 103") == ["reboot vm 103"]
    assert lines("describe ct 203") == ["describe ct 203"]


def test_guests_after_all_but_skip_or_leave_where_it_is_are_left_out() -> None:
    assert not any("db-01" in c for c in lines("stop all vms but db-01"))
    assert not any("web-01" in c for c in lines("shut down every vm, skip web-01"))
    assert not any("pihole" in c for c in lines("migrate the pve1 containers to pve2, leave pihole where it is"))


def test_deleting_by_selector_asks_for_names_and_deletes_nothing() -> None:
    for text in ("delete all my vms", "wipe everything on pve1", "remove every container tagged dev"):
        p = propose_offline(text, NAMES)
        assert not p.understood and not any(c.startswith("delete") for c in p.commands), text


def test_shrinking_a_disk_is_refused_because_pve_only_grows_disks() -> None:
    p = propose_offline("shrink web-02's disk to 16G", NAMES)
    assert not p.understood and p.commands == []


def test_waiting_before_acting_and_foreign_negations_are_refused() -> None:
    for text in ("wait 5 min then stop k8s-worker-1", "reinicia grafana mañana", "lösche bitte nicht db-01",
                 "n'arrête surtout pas le pihole"):
        p = propose_offline(text, NAMES)
        assert not p.understood and p.commands == [], text


def test_a_task_quoted_by_its_upid_is_stopped_only_when_asked() -> None:
    upid = "UPID:pve2:00003F21:0098AB12:6745B000:qmigrate:103:root@pam:"
    p = propose_offline(f"cancel task {upid}", NAMES)
    assert p.commands == [f"tasks stop {upid}"] and p.needs_confirmation


def test_options_a_new_guest_is_given_in_words() -> None:
    assert lines("new ct dns-02, 1 core, 512 MiB, ip 192.168.1.54/24, gw 192.168.1.1") == [
        "create ct --name dns-02 --cores 1 --memory 512 --ip 192.168.1.54/24 --gw 192.168.1.1"]
    assert lines("add a container called wireguard on pve1, bridge vmbr1") == [
        "create ct --name wireguard --node pve1 --bridge vmbr1"]


def test_what_would_change_if_i_applied_is_answered_by_a_plan_and_never_applies() -> None:
    assert lines("what would change if I applied?") == ["plan"]
    for text in ("what would change if i apply the code? apply it", "if the plan is clean, apply"):
        p = propose_offline(text, NAMES)
        assert not p.understood and not any(c.startswith("apply") for c in p.commands), text
