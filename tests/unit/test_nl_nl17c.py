"""Plain English, issue 17 third round (the model): requests the retrained model used to misread — backups read as
`start`, a task's UPID read as a migration, terse and foreign day-2 requests, workspace verbs in admin phrasing —
and a destructive reading the model is unsure of, which asks instead of proposing."""

from __future__ import annotations

import sys
from pathlib import Path

from pmpc_tui.nl.model_parser import SHAKY, analyse
from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    p = propose_offline(text, NAMES)
    return p.commands if p.understood else []


def test_backing_up_a_guest_is_never_read_as_starting_it() -> None:
    assert lines("back up web-02 (dry run)") == ["backup create vm web-02 --dry-run"]
    assert lines("vzdump grafana") == ["backup create ct grafana"]
    assert lines("back up the ct mqtt please") == ["backup create ct mqtt"]


def test_a_selection_of_guests_is_backed_up_one_line_per_kind() -> None:
    p = propose_offline("backup every vm tagged k8s", NAMES)
    assert p.commands == ["backup create vm k8s-cp-1 k8s-worker-1 k8s-worker-2"]


def test_a_task_named_by_its_upid_is_read_as_that_task_whatever_its_type() -> None:
    upid = "UPID:pve1:0000AB12:00C0FFEE:6745E000:qmigrate:104:root@pam:"
    assert lines(f"show me the log of {upid}") == [f"tasks log {upid}"]
    p = propose_offline(f"abort {upid}", NAMES)
    assert p.commands == [f"tasks stop {upid}"] and p.needs_confirmation


def test_workspace_verbs_said_the_way_admins_say_them() -> None:
    assert lines("what would terraform do") == ["plan"]
    assert lines("is the code in sync with the cluster") == ["drift"]
    assert lines("check my code") == ["validate"]
    assert lines("pull the latest state") == ["sync"]
    p = propose_offline("push my changes", NAMES)
    assert p.commands == ["apply"] and p.needs_confirmation


def test_german_spanish_and_french_day_two_requests() -> None:
    assert lines("sichere grafana auf pbs") == ["backup create ct grafana --storage pbs"]
    assert lines("dale 4 gigas de ram a web-01") == ["set vm web-01 --memory 4096"]
    assert lines("welche VMs laufen auf pve2") == ["list vms --node pve2 --status running"]


def test_a_new_guest_in_terse_spec_phrasing_is_a_create() -> None:
    assert lines("new ct dns-02, 1 core, 512 MiB, ip 192.168.1.54/24, gw 192.168.1.1") == [
        "create ct --name dns-02 --cores 1 --memory 512 --ip 192.168.1.54/24 --gw 192.168.1.1"]


def test_a_shaky_destructive_reading_is_a_question_not_a_proposal() -> None:
    for text in ("bakcup web-01 pls", "unprotect vm 109"):
        intents, _tokens, _tags = analyse(text, NAMES)
        p = propose_offline(text, NAMES)
        if intents[0][0] in ("delete", "template", "snapshot_rollback", "snapshot_delete", "disk_delete") \
                and intents[0][1] < SHAKY:
            assert p.commands == [] and not p.understood, text
        assert not any(c.startswith(("delete", "template", "disk delete")) for c in p.commands), text


def test_chit_chat_after_an_acknowledgement_runs_nothing() -> None:
    for text in ("ok", "cool cool. how do i cook pasta?", "turn off the pve2 node"):
        assert lines(text) == [], text
