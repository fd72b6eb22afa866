"""A workspace imported from the homelab simulator once per worker, handed to each test as its own copy.

`proxmox-mpc init` + `import` against a fresh homelab simulator costs about two seconds and writes the same
files every time except for the simulator's port (`terraform/variables.tf`, `ansible/group_vars/all.yml`, their
copies under `.proxmox-mpc/generated/` and the init commit). So the session fixture `homelab_template`
(tests/conftest.py) imports once, and `copy_workspace` gives a test a copy for its own simulator: the files, the
state database and the git history, with the port written as that simulator's — what an import from it writes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.simulator.server import SimulatorThread

# the forms the simulator's port takes in what init and import write (the HCL endpoint, the Ansible variable)
PORT_FORMS = ("127.0.0.1:{port}/", "proxmox_api_port: {port}\n")
# memos keyed by the profile's URL (a copy for another port would not use them): left out of each copy
URL_MEMOS = (".proxmox-mpc/static-files.json",)


@dataclass(frozen=True)
class Template:
    """The imported workspace to copy, the port it was imported from, the files naming it, its git history."""

    workspace: Path
    port: int
    files: tuple[str, ...]  # relative to the workspace, git's own files aside
    history: bytes  # `git fast-export --all`, for rewriting the port into each copy's commits (b"" without git)


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None, url
    return port


def _retarget(data: bytes, old: int, new: int) -> bytes:
    for form in PORT_FORMS:
        data = data.replace(form.format(port=old).encode(), form.format(port=new).encode())
    return data


def _names(data: bytes, port: int) -> bool:
    """Whether `data` holds `port`: as a number of its own in text, after the loopback address in binary."""
    if b"\0" in data:
        return f"127.0.0.1:{port}".encode() in data
    return re.search(rb"(?<!\d)" + str(port).encode() + rb"(?!\d)", data) is not None


def _git(ws: Path, *argv: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(["git", *argv], cwd=ws, input=stdin, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def import_homelab(home: Path) -> Template:
    """Init and import a workspace at `home`/ws from a fresh homelab simulator (closed afterwards), in the
    worker's own environment: whichever test asks first, its git or proxmox-mpc settings do not reach it."""
    with pytest.MonkeyPatch.context() as mp:
        for name in [name for name in os.environ if name.startswith(("GIT_", "PMPC_"))]:
            mp.delenv(name)
        with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
            ws = home / "ws"
            assert run_cli(home, "init", str(ws)) == 0
            assert run_cli(ws, "import") == 0
            port = _port(sim.info.url)
    files = tuple(str(p.relative_to(ws)) for p in sorted(ws.rglob("*"))
                  if p.is_file() and ".git" not in p.relative_to(ws).parts and str(p.relative_to(ws)) not in URL_MEMOS
                  and _names(p.read_bytes(), port))
    # a copy is only as good as the port's rewrite: fail here, loudly, if init/import write it in a new form
    kept = [name for name in files if _names(_retarget((ws / name).read_bytes(), port, 0), port)]
    assert not kept, ("the imported workspace holds the simulator's port in a form copy_workspace does not "
                      f"rewrite (PORT_FORMS in tests/workspace_copy_support.py): {kept}")
    history = _git(ws, "fast-export", "--all") if (ws / ".git").is_dir() else b""  # no git: init made no repository
    return Template(ws, port, files, history)


def _retarget_history(stream: bytes, old: int, new: int) -> bytes:
    """The fast-export stream with the port rewritten inside each `data` block (their lengths follow)."""
    out, pos = [], 0
    while pos < len(stream):
        end = stream.find(b"\n", pos) + 1 or len(stream)
        line = stream[pos:end]
        pos = end
        if line.startswith(b"data ") and not line.startswith(b"data <<"):
            size = int(line[5:].strip())
            body = _retarget(stream[pos:pos + size], old, new)
            pos += size
            out += [b"data %d\n" % len(body), body]
        else:
            out.append(line)
    return b"".join(out)


def copy_workspace(template: Template, dest: Path, url: str) -> Path:
    """`template`'s workspace copied to `dest`, as if imported from the simulator at `url`."""
    shutil.copytree(template.workspace, dest, symlinks=True)
    new = _port(url)
    if new != template.port:
        for memo in URL_MEMOS:
            (dest / memo).unlink(missing_ok=True)
        for name in template.files:
            path = dest / name
            path.write_bytes(_retarget(path.read_bytes(), template.port, new))
        if template.history:
            _git(dest, "fast-import", "--force", "--quiet",
                 stdin=_retarget_history(template.history, template.port, new))
            _git(dest, "reset", "--quiet")  # the index from the rewritten HEAD; the files already match it
    return dest
