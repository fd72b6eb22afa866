"""Plans that overlap in one process (the console, the web server), and a command run in-process, leave garbage
collection as they found it."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmpc_tui.services.plan import _fewer_collections


@pytest.fixture(autouse=True)
def usual_thresholds() -> Iterator[None]:
    """Each test starts from the interpreter's usual thresholds, whatever ran before it in this worker."""
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


async def test_two_overlapping_plans_put_the_collectors_thresholds_back_when_the_last_ends() -> None:
    before = gc.get_threshold()
    first_in, second_in, first_out = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def first() -> None:
        with _fewer_collections():
            first_in.set()
            await second_in.wait()
        first_out.set()

    async def second() -> None:
        await first_in.wait()
        with _fewer_collections():
            second_in.set()
            await first_out.wait()
            assert gc.get_threshold() != before  # still quiet while this plan runs
            assert gc.get_freeze_count() > 0

    await asyncio.gather(first(), second())
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_command_run_in_process_leaves_the_callers_garbage_collection_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from pmpc_tui.cli.main import main

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    before = gc.get_threshold()
    assert main(["profiles"]) == 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_plan_and_an_import_that_overlap_put_the_thresholds_back_whichever_ends_first() -> None:
    from pmpc_tui.services.iac import fewer_collections as importing

    before = gc.get_threshold()
    plan = _fewer_collections()
    imp = importing()
    plan.__enter__()
    imp.__enter__()
    plan.__exit__(None, None, None)  # the plan ends first, the import still runs: still quiet
    assert gc.get_threshold() != before
    imp.__exit__(None, None, None)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
