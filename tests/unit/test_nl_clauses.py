"""Plain English, fifth round (nl17l): one clause reader decides whether a request orders anything.

Each clause's mood is read from its structure: an imperative orders, a question may be answered by a read, a report,
an intention, a condition or a purpose orders nothing. The sentences are written for these tests.
"""

from __future__ import annotations

import pytest
from nl_support import NAMES, lines

from pmpc_tui.nl.ground.clauses import (
    CONDITIONAL,
    DECLARATIVE,
    IMPERATIVE,
    INTERROGATIVE,
    NOMINAL,
    PURPOSE,
    QUOTED,
    RETRACTED,
    read,
    split,
)
from pmpc_tui.nl.propose import propose_offline


def moods(text: str) -> list[str]:
    """The moods of the request's clauses, in order."""
    return [c.mood for c in read(text.lower())]


def pieces(text: str) -> list[str]:
    """The clauses' text, trimmed."""
    return [text[a:b].strip() for a, b in split(text)]


# --- the reader: where clauses end -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("stop minio. list its snapshots", ["stop minio", "list its snapshots"]),
    ("stop minio; list its snapshots", ["stop minio", "list its snapshots"]),
    ("stop minio \u2014 list its snapshots", ["stop minio", "list its snapshots"]),
    ("snapshot db-01, and then reboot it", ["snapshot db-01", "and then reboot it"]),
    ("reboot grafana but leave prometheus alone", ["reboot grafana", "but leave prometheus alone"]),
    ("start web-02 if web-01 is down", ["start web-02", "if web-01 is down"]),
    ("back up db-01 so that we can patch it", ["back up db-01", "so that we can patch it"]),
    ('set the notes to "stop here, please"', ["set the notes to", '"stop here, please"']),
    ("add 2 gb to pihole, 1 core too", ["add 2 gb to pihole", "1 core too"]),
])
def test_a_request_is_split_at_sentence_ends_semicolons_dashes_commas_and_subordinators(
        text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


def test_a_decimal_size_or_a_file_name_never_ends_a_clause() -> None:
    assert pieces("give web-01 1.5 gb and save the plan to web.plan") == [
        "give web-01 1.5 gb", "and save the plan to web.plan"]


# --- the reader: each clause's mood ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "halt the media server vm",
    "please migrate web-02 to pve3",
    "pls snapshot mqtt",
    "could you bounce grafana",
    "would you mind suspending win11-desktop",
    "go ahead and wipe the old-test snapshot",
    "i need you to clone web-01",
    "let's resize mqtt's disk",
    "kindly power off minio",
    "Ana: reboot db-01",
    "don't touch db-01",
    "do start grafana",
    "can we have a backup of pihole",
    "bitte starte minio",
])
def test_a_verb_first_after_any_politeness_is_an_order(text: str) -> None:
    assert moods(text)[-1] == IMPERATIVE


@pytest.mark.parametrize("text", [
    "is minio up",
    "are the k8s workers on pve2",
    "did anyone touch db-01",
    "should we migrate web-02",
    "would a rollback of web-01 lose data",
    "which guests are paused",
    "how do i grow a disk",
    "when was pihole last backed up",
    "maybe reboot web-01?",
    "est-ce que grafana tourne",
    "darf ich minio stoppen",
    "kan ik web-02 verplaatsen",
    "posso cancellare old-test",
    "puis-je arrêter mqtt",
])
def test_an_auxiliary_before_its_subject_a_question_word_or_a_question_mark_asks(text: str) -> None:
    assert moods(text)[0] == INTERROGATIVE


@pytest.mark.parametrize("text", [
    "Ana rebooted db-01 an hour ago",
    "we already snapshotted pihole",
    "I'll restart grafana myself",
    "we plan to move web-02 next week",
    "the watchdog killed mqtt",
    "the backup of minio ran at 3am",
    "someone has already deleted old-test",
    "thinking about wiping dev-sandbox",
])
def test_a_subject_before_its_verb_tells(text: str) -> None:
    assert moods(text)[0] == DECLARATIVE


@pytest.mark.parametrize("text", [
    "if minio fills up",
    "unless db-01 is busy",
    "once the storage team approves",
    "as soon as the sync finishes",
    "when grafana hangs",
    "in case pihole stops answering",
    "suppose we removed web-02",
    "wenn pihole hängt",
    "si grafana se cuelga",
])
def test_a_subordinator_before_a_clause_sets_a_condition(text: str) -> None:
    assert moods(text)[0] == CONDITIONAL


@pytest.mark.parametrize(("text", "mood"), [
    ("snapshot web-01 so we can test the upgrade", PURPOSE),
    ("list db-01's snapshots in order to choose one", PURPOSE),
    ("stop mqtt. scratch that", RETRACTED),
    ('the wiki says: "delete old-test"', QUOTED),
    ("the nas status", NOMINAL),
])
def test_purposes_retractions_quotes_and_bare_noun_phrases(text: str, mood: str) -> None:
    assert moods(text)[-1] == mood


def test_a_question_that_is_a_polite_order_is_an_order() -> None:
    clause = read("could you reboot web-02?")[0]
    assert (clause.mood, clause.polite) == (IMPERATIVE, True)


def test_a_tag_question_turns_the_order_before_it_into_a_question() -> None:
    assert moods("wipe old-test, shall we?") == [INTERROGATIVE, INTERROGATIVE]


def test_a_past_event_after_when_tells_and_sets_no_condition() -> None:
    assert moods("the sync broke when the link dropped, run it again") == [DECLARATIVE, DECLARATIVE, IMPERATIVE]


def test_a_question_after_tell_me_is_asked_not_a_condition() -> None:
    assert moods("tell me if grafana is up") == [IMPERATIVE, INTERROGATIVE]


# --- what is proposed: only orders act ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Ana power-cycled web-02 earlier today",
    "the watchdog killed mqtt",
    "we intend to remove dev-sandbox",
    "I will probably bounce the k8s workers",
    "the platform team wants to stop win11-desktop",
    "my plan: move web-02 to pve3",
    "I have already taken a snapshot of pihole",
])
def test_a_report_or_an_intention_proposes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "are we allowed to stop db-01?",
    "is removing dev-sandbox a good idea",
    "any objections to bouncing grafana?",
    "do you reckon we should kill grafana",
    "dare I reboot db-01?",
    "ok to restart grafana?",
    "not sure if I should delete dev-sandbox",
    "wipe old-test, shall we?",
    "restarting grafana might fix it",
    "puedo borrar dev-sandbox?",
    "dovremmo eliminare dev-sandbox?",
])
def test_a_question_whether_to_act_proposes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "in the event that web-01 crashes, restart it",
    "reboot grafana provided nobody is using it",
    "should the backup of db-01 fail, delete its snapshot",
    "restart it only if it hangs",
    "what if we shut down pve2's vms",
    "quand web-01 plante, redémarre-le",
])
def test_an_order_under_a_condition_proposes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("could you reboot web-01 please?", ["reboot vm web-01"]),
    ("can we get a snapshot of db-01 called pre-upgrade?", ["snapshot create vm db-01 pre-upgrade"]),
    ("I need you to back up db-01", ["backup create vm db-01"]),
    ("Sam: restart pihole", ["reboot ct pihole"]),
    ("Sam, restart pihole", ["reboot ct pihole"]),
    ("pihole should be restarted", ["reboot ct pihole"]),
    ("peux-tu redémarrer grafana ?", ["reboot ct grafana"]),
])
def test_an_order_however_politely_said_is_carried_out(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("is minio up?", ["describe ct minio"]),
    ("Ana rebooted db-01 an hour ago, which vms are stopped", ["list vms --status stopped"]),
    ("reboot mqtt, Ana already did pihole", ["reboot ct mqtt"]),
    ("snapshot web-02 so that we can test the upgrade", ["snapshot create vm web-02 manual"]),
])
def test_a_read_or_an_order_beside_a_report_is_all_that_is_proposed(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_condition_names_itself_in_the_refusal() -> None:
    proposal = propose_offline("in the event that web-01 crashes, restart it", NAMES)
    assert not proposal.understood and "condition" in proposal.explanation


@pytest.mark.parametrize("text", [
    "the cron job cleaned up old snapshots on db-01 yesterday",
    "what would it take to migrate web-02 to pve3",
    "would rebooting pve2's guests be disruptive",
    "after the freeze is lifted, upgrade db-01 to 8 cores",
    "restart pihole maybe?",
    "¿debería reiniciar grafana?",
    "a reboot of web-01 would be nice",
    "grafana restart done",
])
def test_reports_hedges_and_questions_in_other_shapes_propose_no_change(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("we need web-01 rebooted", ["reboot vm web-01"]),
    ("I want pihole restarted", ["reboot ct pihole"]),
    ("any chance you could restart pihole?", ["reboot ct pihole"]),
    ("would it be possible to reboot web-01?", ["reboot vm web-01"]),
    ("grafana could use a restart", ["reboot ct grafana"]),
    ("minio: restart", ["reboot ct minio"]),
    ("team, please migrate web-02 to pve1", ["migrate vm web-02 pve1 --online"]),
    ("pihole has been acting up, restart it", ["reboot ct pihole"]),
])
def test_a_wish_or_an_order_after_context_is_still_an_order(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("if minio is stopped start it", ["start ct minio"]),
    ("is grafana up? if so, stop it", ["stop ct grafana"]),
    ("pihole is down, bring it back up", ["start ct pihole"]),
    ("if grafana is up, start minio", []),
    ("is grafana up? if so, stop minio", []),
])
def test_a_condition_on_the_guests_own_state_is_read_from_its_two_clauses(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", [
    "j'ai déjà redémarré grafana",
    "hemos borrado dev-sandbox ayer",
    "ich habe web-01 schon neu gestartet",
    "ik heb web-01 al herstart",
    "vielleicht sollten wir minio stoppen",
    "quizás deberíamos apagar web-01",
    "forse dovremmo fermare minio",
    "misschien moeten we web-01 stoppen",
])
def test_a_report_or_a_hedge_in_another_language_proposes_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_state_word_in_ing_opens_a_read_not_a_report() -> None:
    assert moods("running vms on pve2 as json please") == [NOMINAL]
