"""Plain English, issue 17 (nl17p): the intent classifier can learn from the real requests of the tuning sets, read
at training time only and never from the held-out or unseen sets."""

from __future__ import annotations

from pathlib import Path

from pmpc_tui.nl.train import real
from pmpc_tui.nl.train.real import Swapper, intent_of, real_examples, sources

ROOT = Path(__file__).resolve().parents[2]
UNSEEN = ("nl_heldout.yaml", "nl_dev7.yaml", "nl_dev8.yaml")


def test_training_reads_every_tuning_set_and_never_a_held_out_or_unseen_one() -> None:
    read = {p.name for p in sources()}
    assert read == {"nl_requests.yaml", "nl_dev.yaml", "nl_dev2.yaml", "nl_dev3.yaml", "nl_dev4.yaml",
                    "nl_dev5.yaml", "nl_dev6.yaml"}
    assert not read & set(UNSEEN)
    assert all(p.parent == ROOT / "benchmarks" for p in sources())
    assert dict(real.REAL_SETS)["nl_dev2.yaml"] == "tune"  # its final part is nobody's to read
    assert {p for p, part in real.REAL_SETS if part != "all"} == {"nl_dev2.yaml"}


def test_a_set_left_out_is_not_read_at_all() -> None:
    assert "nl_dev3.yaml" not in {p.name for p in sources("nl_dev3.yaml")}

    def said(item: dict[str, object]) -> str:
        return " ".join(real.tokenize(str(item["text"])))

    others = {said(i) for name, part in real.REAL_SETS if name != "nl_dev3.yaml" for i in real.load_set(name, part)}
    own = [said(i) for i in real.load_set("nl_dev3.yaml", "all") if said(i) not in others]
    learnt = {e.text for e in real_examples("nl_dev3.yaml")}
    assert len(own) > 300 and not [t for t in own if t in learnt]


def test_every_tuning_request_with_one_command_kind_becomes_an_example() -> None:
    examples = real_examples()
    items = [i for name, part in real.REAL_SETS for i in real.load_set(name, part)]
    assert len(examples) == sum(intent_of(i) is not None for i in items) > 1800
    assert {" ".join(real.tokenize(str(items[0]["text"]))), " ".join(real.tokenize(str(items[-1]["text"])))} <= \
        {e.text for e in examples}


def test_a_request_is_labelled_by_its_expected_command() -> None:
    assert intent_of({"text": "x", "commands": ["snapshot create vm db-01 --name a"]}) == "snapshot_create"
    assert intent_of({"text": "x", "commands": ["reboot vm a", "reboot vm b"]}) == "reboot"
    assert intent_of({"text": "x", "commands": ["storage content local --type iso"]}) == "storage_content"
    assert intent_of({"text": "x", "commands": [], "category": "negation"}) == "refuse"
    assert intent_of({"text": "x", "commands": [], "category": "chitchat"}) == "none"
    assert intent_of({"text": "x", "commands": ["stop vm a", "start vm b"]}) is None


def test_extra_copies_swap_a_guest_for_another_of_its_kind_everywhere_it_is_named() -> None:
    swapper = Swapper(3)
    tokens = ["reboot", "pihole", "then", "check", "pihole", "on", "pve2"]
    seen = set()
    for _ in range(20):
        out = swapper.copy(tokens)
        assert out[1] == out[4] and swapper.kind[out[1].lower()] == "ct"
        assert out[6].lower() in swapper.nodes
        seen.add(out[1])
    assert len(seen) > 3


def test_the_package_never_reads_the_request_sets_at_run_time() -> None:
    run_time = [p for p in (ROOT / "pmpc_tui").rglob("*.py") if "train" not in p.parts]
    assert not [p for p in run_time if "nl_dev" in p.read_text() or "nl_requests" in p.read_text()]


def test_slot_labels_come_from_the_command_lines_only_when_every_name_is_said_as_written() -> None:
    homelab = real.homelab_names()

    def labels(text: str, lines: list[str]) -> list[tuple[str, str]] | None:
        item = {"text": text, "commands": lines}
        tokens = real.tokenize(text)
        tags = real.aligned(item, tokens, str(intent_of(item)), homelab)
        return None if tags is None else [(t, g) for t, g in zip(tokens, tags, strict=True) if g != "O"]

    assert labels("roll web-02 back to the snapshot nightly", ["snapshot rollback vm web-02 nightly"]) == \
        [("web-02", "B-GUEST"), ("nightly", "B-SNAP")]
    assert labels("could you halt the virtual machine db-01", ["stop vm db-01"]) == \
        [("virtual", "B-KIND"), ("machine", "I-KIND"), ("db-01", "B-GUEST")]
    assert labels("shift 103 over to pve3", ["migrate vm 103 pve3 --online"]) == \
        [("103", "B-GUEST"), ("pve3", "B-NODE")]
    assert labels("bounce the windows box", ["reboot vm win11-desktop"]) is None  # named by a description
    assert labels("reboot db-01 and every other vm", ["reboot vm db-01", "reboot vm web-01"]) is None  # a selection
    assert labels("give db-01 more ram, 8 gigs", ["set vm db-01 --memory 8192"]) is None  # a size: not an intent here
    assert labels("clone web-01 as web-09", ["clone vm web-01 --name web-09"]) == \
        [("web-01", "B-GUEST"), ("web-09", "B-NEWNAME")]


def test_the_tagger_s_real_examples_leave_the_left_out_set_out_too() -> None:
    own = {" ".join(real.tokenize(str(i["text"]))) for i in real.load_set("nl_dev6.yaml", "all")}
    rest = {" ".join(real.tokenize(str(i["text"]))) for n, p in real.REAL_SETS if n != "nl_dev6.yaml"
            for i in real.load_set(n, p)}
    learnt = {e.text for e in real.tagged_examples("nl_dev6.yaml")}
    assert len(learnt) > 300 and not (own - rest) & learnt
