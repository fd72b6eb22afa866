"""Plain English → commands: the labelled dataset gate, the parser's behaviour, and the REPL asking first."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.commands.repl import parse_line
from pmpc_tui.nl.parser import looks_like_english
from pmpc_tui.nl.propose import propose_offline as parse_request

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import evaluate, homelab_names


def test_the_labelled_requests_meet_the_targets() -> None:
    r = evaluate()
    assert r["requests"] >= 200
    assert r["exact"] >= 0.90 and r["intent"] >= 0.90 and r["slots"] >= 0.85 and r["invalid"] == 0
    assert r["guarded"] == 1.0 and r["forbidden"] == 0 and r["refused"] == 1.0
    assert r["p95_ms"] < 50


def test_requests_become_registry_commands_with_safety() -> None:
    names = homelab_names()
    p = parse_request("create 3 VMs called k8s-1..3 with 4 cores and 8GB on pve2", names)
    assert p.commands == [f"create vm --name k8s-{i} --node pve2 --cores 4 --memory 8192" for i in (1, 2, 3)]
    assert p.risk == "change" and p.needs_confirmation
    p = parse_request("stop every VM tagged prod", names)
    assert p.commands == ["stop vm web-01", "stop vm web-02", "stop vm db-01"]
    assert p.risk == "disruptive"  # from the registry
    p = parse_request("start every VM tagged dev", names)
    assert p.commands == ["start vm dev-sandbox"] and p.risk == "change"
    p = parse_request("stop every VM tagged dev", names)  # dev-sandbox is stopped already: nothing to stop
    assert p.commands == [] and not p.understood
    p = parse_request("which VMs use the most memory", names)
    assert p.commands == ["list vms --sort maxmem --desc"] and not p.needs_confirmation
    p = parse_request("delete web-02", names)
    assert p.commands == ["delete vm web-02"] and p.safety == "destructive"
    for proposal in (parse_request(t, names) for t in ("list vms", "describe pihole", "shut down grafana")):
        assert all(parse_line(c).kind == "command" for c in proposal.commands)


def test_unclear_requests_get_suggestions_not_guesses() -> None:
    names = homelab_names()
    for text in ("delete it", "make it faster", "stop the thing"):
        p = parse_request(text, names)
        assert not p.understood and p.commands == [] and p.suggestions
    assert looks_like_english("stop every vm tagged dev") and not looks_like_english("/sync")


async def test_the_repl_shows_the_commands_and_asks_before_running_them(sim: object, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_support import make_app, settle

    from pmpc_tui.tui.widgets.repl import ReplPane, repl_session

    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    app = make_app(sim)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await pilot.pause()
        pane = app.screen.query_one(ReplPane)
        pane.input.value = "start every vm tagged dev"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        text = "\n".join(str(line) for line in repl_session(app).transcript)
        assert "start vm dev-sandbox" in text and "cancelled" in text
        assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "stopped"  # type: ignore[attr-defined]
        pane = app.screen.query_one(ReplPane)
        pane.input.value = "please start every vm tagged dev"
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press("y")
        await settle(app, pilot)
        assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "running"  # type: ignore[attr-defined]


class FakeModel:
    """A local OpenAI-compatible chat endpoint that answers with a fixed JSON proposal."""

    def __init__(self, answer: str) -> None:
        import http.server
        import json as _json
        import threading

        outer = self
        self.requests: list[dict[str, object]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = _json.loads(self.rfile.read(int(self.headers["content-length"])))
                outer.requests.append({"body": body, "auth": self.headers.get("authorization")})
                data = _json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/chat/completions"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


async def test_a_model_back_end_is_checked_like_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.nl.backends import BackendConfig, ask_model

    model = FakeModel('Sure! {"commands": ["stop vm web-01", "rm -rf /", "list vms"], "explanation": "stop it"}')
    monkeypatch.setenv("MODEL_KEY", "model-secret-key")
    try:
        proposal = await ask_model(BackendConfig("http", model.url, "local", "MODEL_KEY"), "please halt the web thing")
    finally:
        model.close()
    assert proposal.commands == ["stop vm web-01", "list vms"]  # the shell line is not a command: dropped
    assert proposal.risk == "disruptive" and proposal.needs_confirmation  # from the registry, not the model
    assert "dropped" in proposal.explanation
    request = model.requests[0]
    assert request["auth"] == "Bearer model-secret-key"
    assert "please halt the web thing" in str(request["body"])


async def test_a_model_that_answers_nonsense_gives_no_commands() -> None:
    from pmpc_tui.nl.backends import BackendConfig, ask_model

    model = FakeModel("I cannot help with that.")
    try:
        proposal = await ask_model(BackendConfig("http", model.url, "local"), "do something clever")
    finally:
        model.close()
    assert proposal.commands == [] and not proposal.understood


async def test_the_palette_understands_plain_english(shared_sim: object, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_support import make_app, settle

    from pmpc_tui.tui.widgets.repl import ReplPane

    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    app = make_app(shared_sim)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"reboot every vm tagged k8s")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one(ReplPane).input.value == "reboot every vm tagged k8s"


def test_full_width_digits_in_english_never_name_a_guest() -> None:
    names = homelab_names()
    for text in ("delete vm \uff11\uff10\uff19", "stop vm \uff11\uff10\uff19 now", "start ct \uff12\uff10\uff10",
                 "delete vm 1000000000", "delete vm 042"):
        proposal = parse_request(text, names)
        assert not any("dev-sandbox" in c or "109" in c or "pihole" in c for c in proposal.commands), (text, proposal)
        assert not proposal.understood or proposal.risk != "destructive", (text, proposal)
    assert parse_request("stop vm 109", names).commands == ["stop vm 109"]  # the VMID as typed


async def test_a_model_cannot_propose_a_command_the_registry_keeps_from_language() -> None:
    from pmpc_tui.nl.backends import BackendConfig, ask_model

    model = FakeModel('{"commands": ["state rebuild --yes", "mcp --transport http", "connect x --url https://h:8006",'
                      ' "sync"], "explanation": "reset everything"}')
    try:
        proposal = await ask_model(BackendConfig("http", model.url, "local", None), "start over")
    finally:
        model.close()
    assert proposal.commands == ["sync"]  # the others are never run from plain English
    assert proposal.risk == "change" and proposal.needs_confirmation  # sync changes the state: asked first
    assert not proposal.understood  # a model that proposed forbidden lines is not trusted with the rest


async def test_a_model_answering_connect_init_or_debug_gets_nothing_run(tmp_path: Path) -> None:
    from pmpc_tui.nl.propose import propose

    model = FakeModel('{"commands": ["connect homelab --url https://10.0.0.1:8006 --token-id root@pam!x '
                      '--secret-env T --insecure --no-test", "init", "debug on", "profiles"], "explanation": "ok"}')
    (tmp_path / "proxmox-mpc.yaml").write_text(f"nl:\n  backend: http\n  url: {model.url}\n  model: local\n")
    try:
        proposal = await propose("make the connection to my lab insecure and start fresh", homelab_names(),
                                 workspace_root=tmp_path)
    finally:
        model.close()
    assert model.requests  # the model was asked ...
    assert proposal.commands == [] and not proposal.understood  # ... and every line it gave was dropped
    assert "never run from plain English" in proposal.explanation
    assert proposal.as_json()["needs_confirmation"] is False and proposal.as_json()["commands"] == []


def test_every_command_declares_how_much_it_can_hurt() -> None:
    from pmpc_tui.commands.registry import BY_NAME, COMMANDS, READ, RISKS, risk_of

    assert all(c.risk in RISKS for c in COMMANDS)
    assert all(c.risk != READ for c in COMMANDS if c.mutates)  # what changes the cluster is never "read"
    assert {n for n in BY_NAME if risk_of(n) == "destructive"} == {"delete", "destroy", "apply", "snapshot", "disk",
                                                                          "template"}
    assert {n for n in BY_NAME if risk_of(n) == "never-from-language"} == {"simulator", "connect", "profiles", "init",
                                                                             "debug", "state", "mcp", "serve",
                                                                             "history", "revert", "ci"}
    assert {n for n in BY_NAME if risk_of(n) == "disruptive"} == {"stop", "shutdown", "reboot", "suspend"}
    assert risk_of("no-such-command") == "never-from-language"
