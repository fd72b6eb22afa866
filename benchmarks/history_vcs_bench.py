"""dulwich or the git command line for workspace history: a commit of an import of ~1,500 files, and
listing the history, each timed as the processes a user's command would run (median of 3 runs).

    python benchmarks/history_vcs_bench.py [--python PYTHON_WITH_DULWICH]

Run with the project's .venv python (dulwich from --python, or installed in it), it also times proxmox-mpc's
own commit of the import (staging only what changed, the secret scan) and `proxmox-mpc history` as a process.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = 1500
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@localhost", "PATH": "/usr/bin:/bin", "HOME": "/tmp"}

DULWICH_COMMIT = """
import sys
from dulwich import porcelain
repo = porcelain.init(sys.argv[1]) if sys.argv[2] == "init" else porcelain.open_repo(sys.argv[1])
porcelain.add(repo, paths=None)
porcelain.commit(repo, message=b"import: 1500 guests", author=b"bench <bench@localhost>",
                 committer=b"bench <bench@localhost>")
"""
DULWICH_LOG = """
import sys
from dulwich.repo import Repo
repo = Repo(sys.argv[1])
for n, entry in enumerate(repo.get_walker(max_entries=50)):
    c = entry.commit
    print(c.id.decode()[:12], c.commit_time, c.message.decode().splitlines()[0])
"""


OURS_COMMIT = """
import sys, time
from pathlib import Path
from pmpc_tui.services.history import commit_change, start_repository
from pmpc_tui.workspace.config import Workspace, WorkspaceConfig
ws = Workspace(Path(sys.argv[1]), WorkspaceConfig())
if sys.argv[2] == "init":
    ws.save()
    start_repository(ws)
else:
    commit_change(ws, "import", None)
"""


def ours(python: str, out: dict[str, list[float]]) -> None:
    """proxmox-mpc's own path: its commit of the import (secret scan included) and `proxmox-mpc history`."""
    cli = str(Path(python).parent / "proxmox-mpc")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        workspace(root, 0)
        out["ours first"].append(timed([python, "-c", OURS_COMMIT, str(root), "init"], cwd=root))
        workspace(root, 1)
        out["ours second"].append(timed([python, "-c", OURS_COMMIT, str(root), "import"], cwd=root))
        out["ours history"].append(timed([cli, "history", "--limit", "50"], cwd=root))


def workspace(root: Path, generation: int) -> None:
    (root / "terraform").mkdir(parents=True, exist_ok=True)
    for vmid in range(100, 100 + FILES):
        (root / "terraform" / f"vm-{vmid}.tf").write_text(
            f'resource "proxmox_virtual_environment_vm" "vm_{vmid}" {{\n  vm_id = {vmid}\n  name = "guest-{vmid}"\n'
            f'  cpu {{ cores = {2 + generation % 3} }}\n  memory {{ dedicated = 2048 }}\n}}\n' + "# pad\n" * 40)


def timed(*commands: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=cwd, env=GIT_ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(python: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {k: [] for k in ("git first", "git second", "git log", "dulwich first",
                                                  "dulwich second", "dulwich log", "python start", "ours first",
                                                  "ours second", "ours history")}
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = Path(tmp) / "git", Path(tmp) / "dulwich"
            workspace(a, 0)
            workspace(b, 0)
            out["git first"].append(timed(["git", "init", "-q"], ["git", "add", "-A"],
                                          ["git", "commit", "-q", "-m", "import"], cwd=a))
            out["dulwich first"].append(timed([python, "-c", DULWICH_COMMIT, str(b), "init"], cwd=b))
            workspace(a, 1)
            workspace(b, 1)
            out["git second"].append(timed(["git", "add", "-A"], ["git", "commit", "-q", "-m", "import"], cwd=a))
            out["dulwich second"].append(timed([python, "-c", DULWICH_COMMIT, str(b), "open"], cwd=b))
            out["git log"].append(timed(["git", "log", "-n", "50", "--format=%h %ct %s"],
                                        ["git", "status", "--porcelain"], cwd=a))
            out["dulwich log"].append(timed([python, "-c", DULWICH_LOG, str(b)], cwd=b))
            out["python start"].append(timed([python, "-c", "import dulwich.repo"], cwd=b))
        if Path(sys.executable).with_name("proxmox-mpc").exists():  # run with the project's .venv python
            ours(sys.executable, out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable, help="a Python with dulwich installed")
    args = parser.parse_args()
    if shutil.which("git") is None:
        print("git is not installed")
        return 1
    for name, runs in measure(args.python).items():
        if not runs:
            continue
        print(f"{name:16} median {statistics.median(runs) * 1000:7.0f} ms  runs " +
              ", ".join(f"{r * 1000:.0f}" for r in runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
