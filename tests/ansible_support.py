"""Run real Ansible (the `ansible` package and its bundled community.proxmox collection) against a simulator.

`Ansible(workdir)` runs `ansible-playbook`, ad-hoc `ansible` and `ansible-inventory` as child processes with a
hermetic environment (its own ANSIBLE_HOME and temp dirs in `workdir`, no retry files, no colour, the JSON
stdout callback) and returns parsed results: `run.result("task name")` is the module's result dict, `run.rc`
the exit code. Modules run on `localhost` with `connection: local` and this interpreter, so they import the
proxmoxer and requests installed next to the tests. Usable for hand-written plays and generated playbooks.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.simulator.server import SimulatorInfo

BIN = Path(sys.executable).parent
# Environment that would make a run depend on this machine: a CA bundle overrides `verify=False` inside
# requests sessions (the inventory plugin's), a user's ansible.cfg or collections would change what runs.
_DROPPED = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "ANSIBLE_CONFIG", "ANSIBLE_COLLECTIONS_PATH",
            "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_STDOUT_CALLBACK", "ANSIBLE_INVENTORY")


def ansible_missing() -> str | None:
    """Why Ansible cannot run here (None when it can): the reason a test module skips."""
    if importlib.util.find_spec("ansible") is None:
        return "the `ansible` package is not installed (pip install -e '.[dev]')"
    if importlib.util.find_spec("ansible_collections.community.proxmox") is None:
        return "the installed `ansible` package does not ship community.proxmox"
    if not (BIN / "ansible-playbook").exists():
        return f"ansible-playbook not found next to {sys.executable}"
    return None


def collection_version(name: str = "community.proxmox") -> str:
    """Version of a bundled collection, from its MANIFEST.json."""
    namespace, collection = name.split(".")
    spec = importlib.util.find_spec(f"ansible_collections.{namespace}.{collection}")
    assert spec is not None and spec.submodule_search_locations
    manifest = Path(next(iter(spec.submodule_search_locations))) / "MANIFEST.json"
    return str(json.loads(manifest.read_text())["collection_info"]["version"])


def proxmox_auth(info: SimulatorInfo, validate_certs: bool = False) -> dict[str, Any]:
    """community.proxmox module arguments for the simulator's root API token."""
    host, port = info.host.rsplit(":", 1)
    user, token = info.token_id.split("!", 1)
    return {"api_host": host.strip("[]"), "api_port": int(port), "api_user": user, "api_token_id": token,
            "api_token_secret": info.token_secret, "validate_certs": validate_certs}


def inventory_source(info: SimulatorInfo, **options: Any) -> dict[str, Any]:
    """A `*.proxmox.yml` inventory source for the community.proxmox.proxmox plugin (token auth)."""
    user, token = info.token_id.split("!", 1)
    return {"plugin": "community.proxmox.proxmox", "url": info.url, "user": user, "token_id": token,
            "token_secret": info.token_secret, "validate_certs": False, **options}


def unwrap(value: Any) -> Any:
    """Plain data from ansible-inventory output (2.19 marks untrusted strings as {"__ansible_unsafe": ...})."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


@dataclass
class TaskResult:
    """One task on one host: the module's result dict as the JSON callback reports it."""

    name: str
    host: str
    result: dict[str, Any]

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    @property
    def failed(self) -> bool:
        return bool(self.result.get("failed"))

    @property
    def msg(self) -> str:
        return str(self.result.get("msg", ""))


@dataclass
class AnsibleRun:
    """The outcome of one ansible-playbook / ansible process."""

    rc: int
    stdout: str
    stderr: str
    tasks: list[TaskResult] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def result(self, name: str, host: str = "localhost") -> dict[str, Any]:
        """The result of the (single) task called `name` on `host`."""
        found = [t for t in self.tasks if t.name == name and t.host == host]
        assert len(found) == 1, f"{len(found)} results for task {name!r} on {host}:\n{self.summary()}"
        return found[0].result

    def task(self, name: str, host: str = "localhost") -> TaskResult:
        return TaskResult(name, host, self.result(name, host))

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def summary(self) -> str:
        """One line per task (changed/failed and message), then stderr: what to show when a test fails."""
        lines = [f"rc={self.rc}"]
        for t in self.tasks:
            flag = "FAILED" if t.failed else "changed" if t.changed else "ok"
            lines.append(f"  {t.name} [{t.host}]: {flag} {t.msg[:300]}")
        if not self.tasks:
            lines.append(self.stdout[-3000:])
        return "\n".join(lines) + "\n" + self.stderr[-3000:]


class Ansible:
    """Runs Ansible's command-line tools hermetically inside `workdir`."""

    def __init__(self, workdir: Path, python: str = sys.executable) -> None:
        self.workdir = workdir
        self.python = python
        workdir.mkdir(parents=True, exist_ok=True)
        self._counter = 0

    def environment(self, extra: dict[str, str] | None = None, cwd: Path | None = None) -> dict[str, str]:
        """The process environment: hermetic, fast, JSON output; `extra` wins."""
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
        home = self.workdir / ".ansible"
        env.update({
            "ANSIBLE_HOME": str(home), "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
            "ANSIBLE_REMOTE_TEMP": str(home / "remote-tmp"), "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0", "ANSIBLE_GATHERING": "explicit",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_DEPRECATION_WARNINGS": "0", "PYTHONWARNINGS": "ignore",
        })
        if cwd is None or not (cwd / "ansible.cfg").exists():
            empty = self.workdir / "empty-ansible.cfg"  # ignore any ansible.cfg of the current directory
            empty.touch()
            env["ANSIBLE_CONFIG"] = str(empty)
        env.update(extra or {})
        return env

    def _write(self, name: str, content: Any) -> Path:
        self._counter += 1
        path = self.workdir / f"{self._counter:02d}-{name}"
        path.write_text(json.dumps(content, indent=1))  # JSON is YAML
        return path

    def _run(self, argv: list[str], cwd: Path | None, env: dict[str, str] | None, timeout: float) -> AnsibleRun:
        proc = subprocess.run(argv, cwd=cwd or self.workdir, env=self.environment(env, cwd), capture_output=True,
                              text=True, timeout=timeout, check=False)
        run = AnsibleRun(proc.returncode, proc.stdout, proc.stderr)
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            return run  # e.g. a syntax error before any play ran: the reason is in stderr
        for play in report.get("plays", []):
            for task in play.get("tasks", []):
                for host, result in task.get("hosts", {}).items():
                    run.tasks.append(TaskResult(task["task"]["name"], host, result))
        run.stats = report.get("stats", {})
        return run

    def playbook(self, playbook: Path | list[dict[str, Any]], *args: str, inventory: str | Path = "localhost,",
                 extra_vars: dict[str, Any] | None = None, cwd: Path | None = None,
                 env: dict[str, str] | None = None, timeout: float = 300) -> AnsibleRun:
        """`ansible-playbook` on a file (e.g. a generated one) or on plays given as data."""
        path = playbook if isinstance(playbook, Path) else self._write("playbook.yml", playbook)
        argv = [str(BIN / "ansible-playbook"), "-i", str(inventory), "-e",
                json.dumps({"ansible_python_interpreter": self.python, **(extra_vars or {})}), str(path), *args]
        return self._run(argv, cwd, env, timeout)

    def module(self, module: str, args: dict[str, Any], env: dict[str, str] | None = None,
               timeout: float = 120) -> TaskResult:
        """One ad-hoc module call on localhost (`ansible localhost -m MODULE -a JSON`)."""
        argv = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-e",
                json.dumps({"ansible_python_interpreter": self.python}), "-m", module, "-a", json.dumps(args)]
        run = self._run(argv, None, env, timeout)
        assert len(run.tasks) == 1, f"ad-hoc {module}: rc={run.rc}\n{run.output}"
        return run.tasks[0]

    def inventory(self, source: Path | dict[str, Any], *args: str, env: dict[str, str] | None = None,
                  timeout: float = 120) -> tuple[int, dict[str, Any], str]:
        """`ansible-inventory -i SOURCE --list`: exit code, the parsed inventory (plain data), stderr.

        A dict is written to a `*.proxmox.yml` file, the name the community.proxmox plugin accepts."""
        path = source if isinstance(source, Path) else self._write("inventory.proxmox.yml", source)
        argv = [str(BIN / "ansible-inventory"), "-i", str(path), "--list", *args]
        # An inventory source that fails to parse is an error, not a warning and an empty inventory.
        environment = self.environment({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1", **(env or {})})
        proc = subprocess.run(argv, cwd=self.workdir, env=environment, capture_output=True, text=True,
                              timeout=timeout, check=False)
        try:
            data = unwrap(json.loads(proc.stdout)) if proc.stdout.strip() else {}
        except json.JSONDecodeError:
            data = {}
        return proc.returncode, data, proc.stderr


def play(sim: Any, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One local play whose community.proxmox tasks talk to the simulator `sim` with its root token."""
    return [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/community.proxmox.proxmox": proxmox_auth(sim.info)}, "tasks": tasks}]


def task(title: str, module: str, /, **args: Any) -> dict[str, Any]:
    """A named task of a community.proxmox module."""
    return {"name": title, f"community.proxmox.{module}": args}
