"""The refresh child sends only what the console shows differently from its previous read."""

from __future__ import annotations

from typing import Any

from pmpc_tui.services.live import cluster_view_of
from pmpc_tui.services.refresh_child import Snapshot


def resource(vmid: int, **changes: Any) -> dict[str, Any]:
    row = {"type": "qemu", "vmid": vmid, "name": f"web-{vmid}", "node": "pve1", "status": "running", "cpu": 0.1234,
           "mem": 1_000_000_000, "maxmem": 2_147_483_648, "maxdisk": 10 * 2**30, "uptime": 600, "maxcpu": 2}
    return {**row, **changes}


def test_a_read_that_shows_the_same_sends_no_guest_rows_and_only_changed_ones_after_that() -> None:
    snapshot = Snapshot()
    first, delta = snapshot.changes(cluster_view_of([resource(100), resource(101)], [], 1.0))
    assert sum(len(m[2]) for m in first) == 2 and delta.nodes == []
    # CPU within the same whole percent, uptime within the same minute: nothing the table shows changed
    same, delta = snapshot.changes(cluster_view_of([resource(100, cpu=0.1236, uptime=630), resource(101)], [], 2.0))
    assert same == [] and delta.nodes is None and delta.removed == {}
    stopped, delta = snapshot.changes(cluster_view_of([resource(100, status="stopped")], [], 3.0))
    assert [row["vmid"] for m in stopped for row in m[2]] == [100]
    assert delta.removed == {"qemu": [101]}
