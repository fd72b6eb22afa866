"""Claude Code headless as a model back end, with a fake `claude` on PATH replaying recorded stream-json:
the model's reading shows as notes, its answer is checked like every model's, and failures are short notes."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from pmpc_tui.nl.backends import BackendConfig, ask_model

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "claude_stream"
TOKEN = "a1b2c3d4-0000-4fff-8eee-lab-token-secret"

# Replays the transcript named by FAKE_CLAUDE_TRANSCRIPT, one line at a time; lines {"fake": …} are the
# recording's pauses and exits. It writes what it was started with (argv, the MCP config) to FAKE_CLAUDE_SEEN.
FAKE = '''#!{python}
import json, os, sys, time
argv = sys.argv[1:]
config = json.load(open(argv[argv.index("--mcp-config") + 1])) if "--mcp-config" in argv else None
with open(os.environ["FAKE_CLAUDE_SEEN"], "w") as fh:
    json.dump({{"argv": argv, "mcp_config": config}}, fh)
for line in open(os.environ["FAKE_CLAUDE_TRANSCRIPT"]):
    if line.startswith('{{"fake"'):
        step = json.loads(line)
        if step["fake"] == "sleep":
            time.sleep(step["seconds"])
        elif step["fake"] == "exit":
            sys.stderr.write(step.get("stderr", "") + "\\n")
            sys.exit(step["code"])
        continue
    sys.stdout.write(line)
    sys.stdout.flush()
    time.sleep(0.01)
'''


@pytest.fixture
def fake_claude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `claude` executable first on PATH; returns where it records what it saw."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "claude"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_CLAUDE_SEEN", str(tmp_path / "seen.json"))
    monkeypatch.setenv("LAB_TOKEN", TOKEN)  # the profile's secret is in the environment, as in real use
    return tmp_path / "seen.json"


def replay(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("FAKE_CLAUDE_TRANSCRIPT", str(TRANSCRIPTS / name))


class Notes:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __call__(self, text: str, level: str) -> None:
        self.lines.append((text, level))

    @property
    def text(self) -> str:
        return "\n".join(t for t, _ in self.lines)


async def test_claude_code_reads_the_cluster_read_only_and_proposes_checked_commands(
        fake_claude: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replay(monkeypatch, "start_stopped_dev_vm.jsonl")
    notes = Notes()
    proposal = await ask_model(BackendConfig("claude-code"), "boot the dev box", notes)
    assert proposal.commands == ["start vm dev-sandbox"] and proposal.understood
    assert proposal.needs_confirmation  # start changes state: from the registry, not the model
    assert "dev-sandbox (109)" in proposal.explanation
    assert "the model is reading the cluster: list_guests kind=vm status=stopped" in notes.text
    assert "the model is reading the cluster: describe_guest guest=dev-sandbox kind=vm" in notes.text
    seen = json.loads(fake_claude.read_text())
    argv = seen["argv"]
    assert argv[0] == "-p" and "boot the dev box" in argv[1]
    assert argv[argv.index("--output-format") + 1] == "stream-json" and "--verbose" in argv
    server = seen["mcp_config"]["mcpServers"]["proxmox-mpc"]
    assert server["args"][-2:] == ["mcp", "--read-only"]  # the read-only MCP server, nothing else
    assert list(seen["mcp_config"]["mcpServers"]) == ["proxmox-mpc"] and "--strict-mcp-config" in argv
    assert TOKEN not in json.dumps(seen)  # the API token never reaches claude's command line or config


async def test_a_model_answer_that_connects_insecurely_is_dropped(fake_claude: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    replay(monkeypatch, "insecure_connect.jsonl")
    notes = Notes()
    proposal = await ask_model(BackendConfig("claude-code"), "the vms, whatever it takes", notes)
    assert proposal.commands == ["list vms"]  # `connect … --insecure` is never run from plain English
    assert not any("connect" in c or "--insecure" in c for c in proposal.commands)
    assert "dropped" in proposal.explanation
    assert ("a tool answered with an error; the model goes on without it", "warning") in notes.lines


async def test_a_hanging_claude_is_stopped_after_the_timeout(fake_claude: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.nl.backends import ask_claude_code

    replay(monkeypatch, "hangs.jsonl")
    notes = Notes()
    started = time.monotonic()
    proposal = await ask_claude_code("list everything", timeout=2.0, note=notes)
    assert time.monotonic() - started < 15
    assert proposal.commands == [] and not proposal.understood
    assert "did not answer within 2 s" in proposal.explanation and "Traceback" not in proposal.explanation
    assert "list_guests" in notes.text  # what it did before hanging was shown as it happened


async def test_a_claude_that_exits_with_an_error_gives_a_short_note(fake_claude: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    replay(monkeypatch, "exits_1.jsonl")
    notes = Notes()
    proposal = await ask_model(BackendConfig("claude-code"), "list vms please", notes)
    assert proposal.commands == [] and not proposal.understood
    assert proposal.explanation == "Claude Code exited with status 1: Invalid API key · Please run /login"
    assert any(level == "warning" and "did not start" in text for text, level in notes.lines)


async def test_malformed_stream_lines_are_skipped_not_fatal(fake_claude: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    replay(monkeypatch, "malformed.jsonl")
    notes = Notes()
    proposal = await ask_model(BackendConfig("claude-code"), "what is running", notes)
    assert proposal.commands == ["list vms --status running"]
    assert "skipped 2 line(s)" in notes.text


async def test_without_claude_installed_the_request_gets_a_note(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no claude anywhere
    proposal = await ask_model(BackendConfig("claude-code"), "list vms please")
    assert proposal.commands == [] and "not installed" in proposal.explanation


async def test_the_console_flow_asks_claude_code_when_the_workspace_configures_it(
        fake_claude: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.nl.flow import understand
    from pmpc_tui.services.names import Names

    (tmp_path / "proxmox-mpc.yaml").write_text("nl:\n  backend: claude-code\n")
    replay(monkeypatch, "start_stopped_dev_vm.jsonl")
    notes = Notes()
    proposal = await understand("get my sandbox going again", Names(), tmp_path, notes)
    assert proposal.commands == ["start vm dev-sandbox"]
    assert "asking the claude-code model…" in notes.text and "list_guests" in notes.text
