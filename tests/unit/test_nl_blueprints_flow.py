"""A blueprint carried out against the simulator: every create line and the whole plan are shown, one
question is asked, declining (or failing before apply) leaves the workspace as it was, accepting ends with
the guests running on the cluster."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path
from typing import Any

import pytest
from iac_support import api

from pmpc_tui.commands.confirmation import YES_NO, Confirmation
from pmpc_tui.nl.blueprint_flow import carry_out_blueprint
from pmpc_tui.nl.blueprints import match_blueprint
from pmpc_tui.services.names import Names
from pmpc_tui.services.session import Session
from pmpc_tui.simulator.server import SimulatorThread


def workspace_files(root: Path) -> dict[str, bytes]:
    """What the user sees in the workspace: the code, the inventory and the generated records."""
    keep = ("terraform", "ansible", "proxmox-mpc.yaml")
    found = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
             and p.relative_to(root).parts[0] in keep}
    generated = root / ".proxmox-mpc" / "generated"
    found.update({str(p.relative_to(root)): p.read_bytes() for p in generated.rglob("*") if p.is_file()})
    inventory = root / ".proxmox-mpc" / "inventory.json"
    if inventory.is_file():
        found["inventory.json"] = inventory.read_bytes()
    return found


async def read(sim: SimulatorThread, path: str, **params: Any) -> Any:
    """One GET through the project's client (in a thread: the helper runs its own event loop)."""
    return await asyncio.to_thread(api, sim, "get", path, **params)


async def cluster_names(sim: SimulatorThread) -> Names:
    """Names as the console reads them from the live cluster."""
    rows = await read(sim, "/cluster/resources", type="vm")
    nodes = [n["node"] for n in await read(sim, "/nodes") if n.get("status") == "online"]
    vms = [r for r in rows if r["type"] == "qemu"]
    cts = [r for r in rows if r["type"] == "lxc"]
    return Names.from_rows(vms, cts, nodes)


async def guests_by_name(sim: SimulatorThread) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in await read(sim, "/cluster/resources", type="vm")}


def without_node(line: str) -> str:
    """The line without its `--node` (the run places guests where memory is free at that moment)."""
    words = shlex.split(line)
    at = words.index("--node")
    return shlex.join(words[:at] + words[at + 2:])


class Conversation:
    """What the user saw, and their one answer."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.shown: list[str] = []
        self.questions: list[Confirmation] = []

    async def confirm(self, question: Confirmation) -> bool:
        self.questions.append(question)
        return self.answer

    def show(self, text: str) -> None:
        self.shown.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.shown)


async def run(ws: Path, proposal: Any, user: Conversation, test: bool = False) -> bool:
    session = Session()
    session.use_workspace(ws)
    try:
        return await carry_out_blueprint(proposal, session=session, confirm=user.confirm, show=user.show,
                                         progress=user.show, test=test)
    finally:
        await session.close()


async def test_declining_a_talos_cluster_leaves_the_workspace_and_the_cluster_as_they_were(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    before = workspace_files(imported_workspace)
    proposal = match_blueprint("create 3 VMs with Talos for a k8s cluster", await cluster_names(sim))
    assert proposal is not None and proposal.understood
    user = Conversation(answer=False)
    assert not await run(imported_workspace, proposal, user)
    shown_lines = {without_node(line.strip()) for line in user.shown if line.strip().startswith("create ")}
    assert {without_node(line) for line in proposal.commands} <= shown_lines  # every create line is shown
    assert "Plan: 3 to create" in user.text  # the whole plan, before the one question
    assert len(user.questions) == 1 and user.questions[0].kind == YES_NO
    assert "talos-cp-1" in user.questions[0].question and "talos-worker-2" in user.questions[0].question
    assert workspace_files(imported_workspace) == before
    assert not {"talos-cp-1", "talos-worker-1", "talos-worker-2"} & set(await guests_by_name(sim))


async def test_accepting_a_talos_cluster_ends_with_the_vms_running(sim: SimulatorThread,
                                                                   imported_workspace: Path) -> None:
    from pmpc_tui.nl.flow import carry_out, understand

    names = await cluster_names(sim)
    proposal = await understand("create 3 VMs with Talos for a k8s cluster", names, imported_workspace,
                                lambda _text, _level: None)
    assert proposal.blueprint is not None and len(proposal.commands) == 3
    shown: list[str] = []
    asked: list[str] = []

    async def confirm(question: str) -> bool:
        asked.append(question)
        return True

    async def never_run(command: str, ask: bool) -> None:
        raise AssertionError(f"a blueprint runs no single command: {command}")

    session = Session()
    session.use_workspace(imported_workspace)
    try:
        done = await carry_out(proposal, confirm, never_run, session=session, show=shown.append)
        assert done, "\n".join(shown)
    finally:
        await session.close()
    assert len(asked) == 1
    guests = await guests_by_name(sim)
    for name in ("talos-cp-1", "talos-worker-1", "talos-worker-2"):
        assert guests[name]["status"] == "running", guests[name]
        assert set(guests[name]["tags"].split(";")) >= {"k8s", "talos"}
    text = "\n".join(shown)
    assert "✔" in text  # apply's progress lines were streamed
    assert "tests: " in text and " 0 failed" in text  # the workspace's tests ran against the cluster
    assert (imported_workspace / "terraform").glob("vm-*.tf")


async def test_a_load_balancer_config_names_the_backends_addresses(sim: SimulatorThread,
                                                                   imported_workspace: Path) -> None:
    before = workspace_files(imported_workspace)
    proposal = match_blueprint("put an haproxy load balancer in front of web-01 and web-02", await cluster_names(sim))
    assert proposal is not None and proposal.understood
    user = Conversation(answer=False)
    assert not await run(imported_workspace, proposal, user)
    assert "server web-01 192.168.1.21:80 check" in user.text  # from the state database
    assert "server web-02 192.168.1.22:80 check" in user.text
    assert workspace_files(imported_workspace) == before  # the config and playbook are gone again


async def test_a_failure_before_apply_removes_what_was_written(sim: SimulatorThread,
                                                               imported_workspace: Path) -> None:
    before = workspace_files(imported_workspace)
    proposal = match_blueprint("set up gitlab with 2 runners using local:vztmpl/no-such-template.tar.zst",
                               await cluster_names(sim))
    assert proposal is not None and proposal.understood
    user = Conversation(answer=True)
    assert not await run(imported_workspace, proposal, user)
    assert user.questions == []  # validate stopped it before the question
    assert "no-such-template" in user.text and "workspace is as before" in user.text
    assert workspace_files(imported_workspace) == before
    assert "gitlab" not in await guests_by_name(sim)


async def test_accepting_gitlab_with_five_runners_creates_six_guests(sim: SimulatorThread,
                                                                     imported_workspace: Path) -> None:
    proposal = match_blueprint("set up gitlab with 5 runners", await cluster_names(sim))
    assert proposal is not None and proposal.understood
    user = Conversation(answer=True)
    assert await run(imported_workspace, proposal, user)
    guests = await guests_by_name(sim)
    runners = sorted(n for n in guests if n.startswith("gitlab-runner-"))
    assert runners == [f"gitlab-runner-{i}" for i in range(1, 6)]
    assert guests["gitlab"]["type"] == "qemu" and all(guests[n]["type"] == "lxc" for n in runners)
    assert all(guests[n]["status"] == "running" for n in ["gitlab", *runners])


async def test_interrupting_at_the_question_leaves_the_workspace_as_it_was(sim: SimulatorThread,
                                                                           imported_workspace: Path) -> None:
    before = workspace_files(imported_workspace)
    proposal = match_blueprint("set up gitlab with 1 runner", await cluster_names(sim))
    assert proposal is not None and proposal.understood

    async def ctrl_c(question: Confirmation) -> bool:
        raise asyncio.CancelledError

    session = Session()
    session.use_workspace(imported_workspace)
    try:
        with pytest.raises(asyncio.CancelledError):
            await carry_out_blueprint(proposal, session=session, confirm=ctrl_c, show=lambda _t: None,
                                      progress=lambda _t: None)
    finally:
        await session.close()
    assert workspace_files(imported_workspace) == before
