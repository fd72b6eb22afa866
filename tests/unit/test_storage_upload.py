"""Uploading a local ISO image or template through the CLI to the bundled simulator (streamed above 10 MiB)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("upload")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


def _file(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        block = os.urandom(1024 * 1024)
        for _ in range(size // len(block)):
            out.write(block)
        out.write(block[: size % len(block)])
    return path


def _content(sim: SimulatorThread, node: str, storage: str) -> dict[str, int]:
    return {r["volid"]: r["size"] for r in api(sim, "get", f"/nodes/{node}/storage/{storage}/content")}


def test_a_small_iso_upload_lands_in_the_storage_with_its_size(lab, capsys, tmp_path) -> None:
    sim, home = lab
    iso = _file(tmp_path / "tiny-rescue.iso", 300 * 1024)
    capsys.readouterr()
    code = run_cli(home, "-o", "json", "upload", str(iso), "--node", "pve1", "--storage", "local")
    data = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK, data
    assert data["volid"] == "local:iso/tiny-rescue.iso" and data["exitstatus"] == "OK"
    assert _content(sim, "pve1", "local")["local:iso/tiny-rescue.iso"] == 300 * 1024


def test_a_template_over_10_mib_is_streamed_with_progress_and_its_checksum_verified(lab, capsys, tmp_path) -> None:
    sim, home = lab
    size = 24 * 1024 * 1024 + 5
    tpl = _file(tmp_path / "alpine-3.22-default_amd64.tar.xz", size)
    checksum = "sha256:" + hashlib.sha256(tpl.read_bytes()).hexdigest()
    capsys.readouterr()
    code = run_cli(home, "upload", str(tpl), "--node", "pve2", "--storage", "local", "--checksum", checksum)
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.err
    assert "sent" in out.err + out.out  # progress lines while the bytes go out
    assert _content(sim, "pve2", "local")["local:vztmpl/alpine-3.22-default_amd64.tar.xz"] == size


def test_an_upload_with_a_wrong_checksum_fails_and_lands_nothing(lab, capsys, tmp_path) -> None:
    sim, home = lab
    iso = _file(tmp_path / "wrong-sum.iso", 64 * 1024)
    code = run_cli(home, "upload", str(iso), "--node", "pve1", "--storage", "local", "--checksum", "md5:" + "a" * 32)
    err = capsys.readouterr().err
    assert code == ExitCode.ERROR and "checksum mismatch" in err
    assert "local:iso/wrong-sum.iso" not in _content(sim, "pve1", "local")


def test_an_upload_under_another_name_is_stored_under_that_name(lab, capsys, tmp_path) -> None:
    sim, home = lab
    iso = _file(tmp_path / "download (1).iso", 1000)
    assert run_cli(home, "upload", str(iso), "--node", "pve1", "--storage", "local",
                   "--filename", "netboot.xyz.iso") == ExitCode.OK
    assert "local:iso/netboot.xyz.iso" in _content(sim, "pve1", "local")


def test_an_upload_to_a_storage_without_iso_content_is_refused_before_sending(lab, capsys, tmp_path) -> None:
    sim, home = lab
    iso = _file(tmp_path / "x.iso", 1000)
    writes = sim.sim.api.write_count
    code = run_cli(home, "upload", str(iso), "--node", "pve1", "--storage", "pbs")
    assert code == ExitCode.CONFLICT and sim.sim.api.write_count == writes


def test_the_simulator_streams_a_large_upload_body_to_disk_beyond_the_request_size_limit(lab, tmp_path) -> None:
    """A 40 MiB body passes the 8 MiB limit of other requests and is never held in memory as a whole."""
    import tracemalloc

    from pmpc_tui.simulator import httpserver

    sim, _home = lab
    big = _file(tmp_path / "big-image.iso", 40 * 1024 * 1024)
    assert big.stat().st_size > httpserver.MAX_BODY
    tracemalloc.start()
    try:
        upid = api(sim, "post", "/nodes/pve1/storage/local/upload", content="iso", filename=big.open("rb"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(upid).startswith("UPID:pve1:") and ":imgcopy:" in str(upid)
    assert peak < 30 * 1024 * 1024, f"peak {peak} bytes while uploading 40 MiB"


def test_a_multipart_boundary_split_across_two_read_chunks_is_found_once(tmp_path) -> None:
    """The simulator scans upload bodies a chunk at a time; a boundary across two chunks must not be missed."""
    from pmpc_tui.simulator.formdata import CHUNK, find_all

    needle = b"--0123456789abcdef"
    path = tmp_path / "body"
    path.write_bytes(b"x" * (CHUNK - 5) + needle + b"y" * 100 + needle)
    with path.open("rb") as body:
        assert find_all(body.fileno(), needle) == [CHUNK - 5, CHUNK - 5 + len(needle) + 100]
