"""Plain English, issue 17 (nl17g): sizes said in words, and the fourth round's generator frames (ops phrasing,
refusals by condition and time, Italian/Dutch), which are measured but not in the shipped model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from nl_support import lines

from pmpc_tui.nl.train import frames_ops, generate, vocab


def test_memory_said_in_words_is_that_size_not_two_gigs() -> None:
    assert lines("give db-01 thirty-two GB of memory") == ["set vm db-01 --memory 32768"]


@pytest.fixture
def fourth_round() -> Iterator[generate.Gen]:
    generate.FOURTH_ROUND = True
    try:
        yield generate.Gen(5, vocab.world())
    finally:
        generate.FOURTH_ROUND = False


def test_a_change_said_with_a_condition_or_a_time_is_labelled_refused_with_no_command(
        fourth_round: generate.Gen) -> None:
    made = [e for e in (frames_ops.gen_refuse_wrapped(fourth_round) for _ in range(200)) if e is not None]
    assert len(made) > 150
    assert all(e.intent == "refuse" and e.commands == [] for e in made)
    assert all(len(e.tokens) == len(e.tags) for e in made)
    assert any(t in e.tokens for e in made for t in ("if", "unless", "tomorrow", "tonight"))


def test_a_request_meant_now_is_never_labelled_refused_for_a_reason_or_dont_wait(
        fourth_round: generate.Gen) -> None:
    made = [e for e in (frames_ops.gen_benign(fourth_round) for _ in range(200)) if e is not None]
    assert len(made) > 150 and all(e.intent != "refuse" for e in made)
    assert sum(bool(e.commands) for e in made) > 150


def test_italian_and_dutch_requests_name_the_guest_as_a_slot(fourth_round: generate.Gen) -> None:
    for _ in range(50):
        e = frames_ops.gen_italian_dutch(fourth_round)
        if e.intent not in ("list", "logs", "tasks", "health"):
            assert "B-GUEST" in e.tags and e.commands


def test_sizes_said_in_words_are_labelled_with_their_value(fourth_round: generate.Gen) -> None:
    sizes = [fourth_round.memory() for _ in range(2000)]
    assert ("sixteen gigs", 16384) in sizes or ("sixteen GB", 16384) in sizes


def test_the_fourth_round_is_off_by_default_so_make_nl_model_rebuilds_the_shipped_model() -> None:
    assert generate.FOURTH_ROUND is False
