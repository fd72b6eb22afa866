"""Plain English that holds up (issue 17): the misreadings it listed, each through the one safety path
(`nl.propose`) every front end uses, on the homelab demo cluster's names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.flow import question
from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()
RUNNING_VMS = ["web-01", "web-02", "db-01", "k8s-cp-1", "k8s-worker-1", "k8s-worker-2", "homeassistant",
               "backup-server"]


def targets(proposal: object) -> list[str]:
    return [t["name"] for t in proposal.targets]  # type: ignore[attr-defined]


def test_shutting_down_everything_except_db_01_never_touches_db_01() -> None:
    p = propose_offline("shut down everything except db-01", NAMES)
    assert p.understood and "db-01" not in targets(p)
    assert not any("db-01" in c for c in p.commands)
    assert set(targets(p)) == {*RUNNING_VMS, "pihole", "nginx-proxy", "grafana", "prometheus", "mqtt"} - {"db-01"}
    assert p.risk == "disruptive" and "left out db-01" in p.explanation
    p = propose_offline("stop all vms but leave db-01 running", NAMES)
    assert p.understood and "db-01" not in targets(p) and len(p.commands) == len(RUNNING_VMS) - 1


def test_an_exception_nobody_can_resolve_is_refused() -> None:
    p = propose_offline("stop everything except the important ones", NAMES)
    assert not p.understood and p.commands == [] and "leaves out" in p.explanation


def test_dont_stop_db_01_is_refused_and_says_why() -> None:
    for text in ("don't stop db-01", "do not reboot anything", "never delete web-02", "leave web-01 running",
                 "Don\u2019t stop db-01"):
        p = propose_offline(text, NAMES)
        assert not p.understood and p.commands == [], text
        assert "not to do" in p.explanation, text


def test_deleting_the_snapshot_of_web_01_never_deletes_the_vm() -> None:
    p = propose_offline("delete the snapshot of web-01", NAMES)
    assert not p.understood and p.commands == []
    assert not any(c.startswith("delete vm") for c in p.commands)
    assert "snapshot" in p.explanation and "web-01" in p.explanation  # it asks which snapshot of web-01


def test_a_guest_named_like_a_subject_is_still_a_guest() -> None:
    assert propose_offline("power off backup-server", NAMES).commands == ["stop vm backup-server"]


def test_a_bug_report_about_the_failed_apply_never_applies() -> None:
    p = propose_offline("generate a bug report about the failed apply", NAMES)
    assert not any(c.split()[0] == "apply" for c in p.commands)
    assert p.commands == ["report-issue 'the failed apply'"] and p.risk == "read"


def test_turn_off_web_01_in_10_minutes_is_refused_because_nothing_is_scheduled() -> None:
    for text in ("turn off web-01 in 10 minutes", "reboot db-01 at 5pm", "shut down the k8s vms tonight",
                 "delete dev-sandbox tomorrow"):
        p = propose_offline(text, NAMES)
        assert not p.understood and p.commands == [], text
        assert "cannot schedule" in p.explanation and "cron" in p.explanation, text


def test_a_condition_is_refused_rather_than_acted_on_now() -> None:
    for text in ("if web-01 is down then start web-02", "stop grafana when prometheus is down",
                 "restart prometheus when it hangs", "whenever web-01 is down start web-02"):
        p = propose_offline(text, NAMES)
        assert not p.understood and "condition" in p.explanation, text


def test_a_question_about_what_happened_is_never_an_order() -> None:
    for text in ("when did web-01 last reboot", "did db-01 restart tonight", "has anyone stopped grafana",
                 "why was web-02 shut down"):
        p = propose_offline(text, NAMES)
        assert not p.understood and p.commands == [], text


def test_an_exception_leaves_its_guests_out_however_it_is_phrased() -> None:
    for text in ("stop all but db-01", "stop everything besides db-01", "shut down all vms apart from db-01",
                 "reboot all vms except those tagged db"):
        p = propose_offline(text, NAMES)
        assert p.understood and "db-01" not in targets(p) and len(p.commands) >= 5, text


def test_kill_all_the_k8s_vms_lists_all_of_them_and_needs_the_count_typed() -> None:
    p = propose_offline("kill all the k8s vms", NAMES)
    assert p.commands == ["stop vm k8s-cp-1", "stop vm k8s-worker-1", "stop vm k8s-worker-2"]
    asked = question(p)
    assert asked is not None and asked.kind == "typed" and asked.expected == "3"
    for name in ("k8s-cp-1", "k8s-worker-1", "k8s-worker-2"):
        assert f"stop vm {name}" in asked.question and f"({name})" in asked.question


def test_every_command_and_target_is_listed_however_many() -> None:
    p = propose_offline("shut down everything except db-01", NAMES)
    asked = question(p)
    assert asked is not None and asked.kind == "typed" and asked.expected == str(len(p.commands)) == "12"
    assert all(c in asked.question for c in p.commands)


def test_a_destructive_proposal_on_one_guest_needs_its_name_typed() -> None:
    asked = question(propose_offline("delete web-02", NAMES))
    assert asked is not None and asked.kind == "typed" and asked.expected == "web-02"
    asked = question(propose_offline("reboot db-01", NAMES))
    assert asked is not None and asked.kind == "yes/no"


def test_stop_every_vm_skips_the_template_and_the_stopped_vms() -> None:
    p = propose_offline("stop every vm", NAMES)
    assert targets(p) == RUNNING_VMS
    assert "skipped" in p.explanation and "debian-12-template: a template" in p.explanation
    assert "win11-desktop: already stopped" in p.explanation


def test_start_all_containers_skips_the_running_ones_and_the_template() -> None:
    p = propose_offline("start all containers", NAMES)
    assert p.commands == ["start ct minio"] and p.risk == "change"


def test_a_selector_with_nothing_left_to_do_says_so() -> None:
    p = propose_offline("stop every vm tagged dev", NAMES)  # dev-sandbox is already stopped
    assert not p.understood and p.commands == [] and "already in that state" in p.explanation


def test_a_guest_named_on_purpose_is_not_skipped() -> None:
    assert propose_offline("start dev-sandbox", NAMES).commands == ["start vm dev-sandbox"]
    assert propose_offline("stop vm 107", NAMES).commands == ["stop vm 107"]  # named as the request named it


def test_hello_what_can_you_do_answers_with_examples() -> None:
    p = propose_offline("hello, what can you do?", NAMES)
    assert not p.understood and p.commands == [] and "list vms" in p.explanation and p.suggestions
    assert propose_offline("hi, list vms", NAMES).commands == ["list vms"]


def test_an_action_risk_comes_from_the_registry_not_the_command_name() -> None:
    from pmpc_tui.commands.confirmation import confirmation_kind
    from pmpc_tui.commands.registry import risk_of_line

    assert risk_of_line("snapshot create vm 101 before") == "change"
    assert risk_of_line("snapshot delete vm 101 before") == "destructive"
    assert risk_of_line("snapshot list vm 101") == "read"
    assert risk_of_line("backup restore pbs:backup/vm/101/x --vmid 150") == "change"
    assert risk_of_line("backup restore pbs:backup/vm/101/x --vmid 101 --force") == "destructive"
    assert risk_of_line("disk detach vm 101 scsi1") == "change" and risk_of_line("disk delete vm 101 unused0") == \
        "destructive"
    assert risk_of_line("tasks") == "read" and risk_of_line("tasks stop UPID:x") == "destructive"
    assert risk_of_line("ask --explain list vms") == "read" and risk_of_line("ask stop web-01") == "never-from-language"
    assert confirmation_kind("snapshot create vm 101 a") == "none" and confirmation_kind("snapshot") == "typed"
    assert propose_offline("snapshot list vm web-01", NAMES).risk == "read"


def test_a_proposal_never_carries_a_command_kept_from_language() -> None:
    from pmpc_tui.nl.proposal import Proposal
    from pmpc_tui.nl.safety import check

    raw = Proposal(["connect lab --url https://10.0.0.1:8006 --token-id a@pam!b --secret-env X --insecure --no-test",
                    "init", "debug on", "profiles", "list vms"], 0.9, "model says")
    p = check(raw, NAMES, "set things up")
    assert p.commands == ["list vms"] and not p.understood  # what remains of a bad answer is not trusted
    assert p.explanation.count("never run from plain English") == 4


def test_names_know_templates_from_the_cluster_rows() -> None:
    from pmpc_tui.services.names import Names, demo_names

    names = Names.from_rows([{"vmid": 100, "name": "tpl", "template": 1}, {"vmid": 101, "name": "web"}], [], [])
    assert names.is_template(100) and not names.is_template(101)
    assert demo_names().templates == {100, 206}


@pytest.mark.parametrize("text", ["list vms", "kill all the k8s vms", "don't stop db-01"])
def test_ask_explain_prints_one_json_object_with_the_demo(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from pmpc_tui.cli.main import main

    code = main(["ask", "--explain", text, "--demo"])
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"understood", "commands", "targets", "risk", "needs_confirmation", "confidence",
                        "explanation"}
    assert code == (0 if out["understood"] else 1)
    if text == "kill all the k8s vms":
        assert out["risk"] == "disruptive" and out["needs_confirmation"] and len(out["targets"]) == 3
        assert out["targets"][0] == {"kind": "vm", "vmid": 104, "name": "k8s-cp-1", "node": "pve2"}
    if text == "don't stop db-01":
        assert out["commands"] == [] and code == 1
