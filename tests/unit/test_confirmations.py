"""One rule decides every confirmation from the registry's risk class: what asks, how, and which targets it names."""

from __future__ import annotations

from pmpc_tui.commands.confirmation import NONE, TYPED, YES_NO, Target, confirmation_for, confirmation_kind, refusal
from pmpc_tui.commands.registry import COMMANDS, DESTRUCTIVE, DISRUPTIVE
from pmpc_tui.nl.flow import question
from pmpc_tui.nl.parser import Proposal, parse_request


def test_disruptive_commands_ask_yes_no_and_destructive_ones_want_a_typed_answer() -> None:
    for command in COMMANDS:
        expected = {DISRUPTIVE: YES_NO, DESTRUCTIVE: TYPED}.get(command.risk, NONE)
        assert confirmation_kind(command.name) == expected, command.name
    assert confirmation_kind("list") == NONE and confirmation_kind("stop") == YES_NO
    assert confirmation_kind("delete") == TYPED and confirmation_kind("no-such-command") == NONE


def test_a_bulk_delete_names_every_guest_and_wants_the_count_typed() -> None:
    targets = [Target("VM 107", "build"), Target("VM 109", "dev-sandbox"), Target("CT 204", "pihole")]
    asked = confirmation_for("delete", targets)
    assert asked is not None and asked.kind == TYPED and asked.expected == "3"
    for label in ("VM 107 (build)", "VM 109 (dev-sandbox)", "CT 204 (pihole)"):
        assert label in asked.question
    one = confirmation_for("delete", targets[:1])
    assert one is not None and one.expected == "build"


def test_reads_and_changes_run_without_a_question() -> None:
    assert confirmation_for("list", [Target("VM 101")]) is None
    assert confirmation_for("start", [Target("VM 101")]) is None
    assert refusal("start", [Target("vm 101")]) is None
    assert "VM 101" in (refusal("stop", [Target("VM 101")]) or "")


def test_plain_english_asks_before_a_disruptive_command() -> None:
    asked = question(parse_request("reboot vm 101"))
    assert asked is not None and asked.kind == YES_NO and "reboot" in asked.question


def test_plain_english_shows_every_delete_of_a_proposal_whatever_the_model_called_its_safety() -> None:
    commands = [f"delete vm {vmid}" for vmid in range(101, 108)]
    asked = question(Proposal(commands, 1.0, "seven deletions"))  # safety left at read: the registry decides
    assert asked is not None and all(c in asked.question for c in commands)
    assert asked.kind == TYPED and asked.expected == "7"  # seven guests: the count is typed
