"""Issue #13: a refresh that arrives as the rows that changed (the refresh child's read) gives the very table a
whole rebuild gives — cells, search text, order and column widths — while touching only those rows."""

from __future__ import annotations

import random
from typing import Any

import pytest

from pmpc_tui.services.live import GuestDelta
from pmpc_tui.tui.widgets.guest_table import patch_rows, prepare_rows


def guest(vmid: int, **changes: Any) -> dict[str, Any]:
    row = {"vmid": vmid, "name": f"vm-{vmid}", "node": f"pve{vmid % 3 + 1}", "status": "running", "cpu": 0.12,
           "mem": 1_000_000_000, "maxmem": 2 * 2**30, "maxdisk": 10 * 2**30, "uptime": 3600, "tags": "web",
           "template": 0, "lock": "", "cpus": 2}
    return {**row, **changes}


def changed_guests(rows: list[dict[str, Any]], rng: random.Random) -> tuple[list[dict[str, Any]], list[int]]:
    """A refresh's changes: CPU, uptime, a stop, a rename, a lock, a very long name, a guest gone and one new."""
    picks = rng.sample(rows, 40)
    changed = [guest(r["vmid"], cpu=rng.random(), uptime=rng.randrange(0, 10**6)) for r in picks[:30]]
    changed += [guest(picks[30]["vmid"], status="stopped", cpu=0.0, mem=0, uptime=0),
                guest(picks[31]["vmid"], name="db-renamed"), guest(picks[32]["vmid"], lock="backup"),
                guest(picks[33]["vmid"], name="x" * 40), guest(99_999, name="brand-new")]
    return changed, [picks[35]["vmid"]]


@pytest.mark.parametrize("sort_column", ["vmid", "cpu", "name"])
def test_a_refresh_applied_as_its_changed_rows_shows_the_same_table_as_one_built_afresh(sort_column: str) -> None:
    rng = random.Random(7)
    rows = [guest(vmid) for vmid in range(100, 1100)]
    shown = prepare_rows(rows, {}, {}, {}, frozenset({101}), sort_column, False)
    changed, removed = changed_guests(rows, rng)
    by_vmid = {r["vmid"]: r for r in rows} | {r["vmid"]: r for r in changed}
    for vmid in removed:
        del by_vmid[vmid]
    after = [by_vmid[vmid] for vmid in sorted(by_vmid)]
    patched = patch_rows(GuestDelta(rows, after, changed, removed), shown.by_key, shown.data, shown.haystacks,
                         shown.order, frozenset({101}), sort_column, False, shown.widths)
    afresh = prepare_rows(after, {}, {}, {}, frozenset({101}), sort_column, False)
    assert patched.data == afresh.data
    assert patched.haystacks == afresh.haystacks
    assert patched.order == afresh.order
    assert patched.widths == afresh.widths
    assert patched.changed <= {str(r["vmid"]) for r in changed}  # nothing else is redrawn


def test_a_refresh_that_moves_no_searched_field_leaves_the_filter_nothing_to_do() -> None:
    rows = [guest(vmid) for vmid in range(100, 600)]
    shown = prepare_rows(rows, {}, {}, {}, frozenset(), "vmid", False)
    changed = [guest(200, cpu=0.5, uptime=7200), guest(300, cpu=0.9)]
    after = [{r["vmid"]: r for r in changed}.get(r["vmid"], r) for r in rows]
    patched = patch_rows(GuestDelta(rows, after, changed, []), shown.by_key, shown.data, shown.haystacks,
                         shown.order, frozenset(), "vmid", False, shown.widths)
    assert patched.order is shown.order and patched.haystacks is shown.haystacks
    assert patched.changed == {"200", "300"}
    assert patched.data["200"][5] == "50%" and patched.data["101"] is shown.data["101"]
