"""Bad input at the edge for `ci init PROVIDER`: exit 64, one short line, no pipeline file written."""

from __future__ import annotations

from pathlib import Path

import pytest
from iac_support import run_cli

CASES = [["ci"], ["ci", "init"], ["ci", "init", "azure"], ["ci", "push", "github"], ["ci", "init", "GitHub"],
         ["ci", "init", "github", "--branch", ""], ["ci", "init", "github", "--branch", "a..b"],
         ["ci", "init", "gitlab", "--branch", "-x"], ["ci", "init", "gitlab", "--branch", "main\n"],
         ["ci", "init", "github", "-o", "markdown"], ["ci", "init", "github", "--bogus"],
         ["ci", "init", "github", "gitlab"]]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace whose profile points nowhere (ci init contacts no cluster)."""
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    assert run_cli(tmp_path, "connect", "lab", "--url", "https://127.0.0.1:9", "--token-id", "ci@pve!mpc",
                   "--secret-env", "LAB_TOKEN", "--fingerprint", ":".join(["AB"] * 32), "--no-test") == 0
    assert run_cli(tmp_path, "init", "ws") == 0
    return tmp_path / "ws"


@pytest.mark.parametrize("argv", CASES, ids=[f"ci-{i}" for i in range(len(CASES))])
def test_bad_ci_input_is_refused_with_exit_64_and_writes_nothing(workspace: Path, argv: list[str],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    try:
        code = run_cli(workspace, *argv)  # a bad value: the handler's short error
    except SystemExit as exc:  # a bad word or flag: argparse's usage and one error line
        code = exc.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == 64, (argv, err)
    assert "Traceback" not in err
    prefixes = ("error:", "proxmox-mpc ci: error:", "proxmox-mpc: error:")
    assert any(line.startswith(prefixes) for line in err.splitlines()), err
    assert not (workspace / ".github").exists() and not (workspace / ".gitlab-ci.yml").exists()
