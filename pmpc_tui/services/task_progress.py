"""Progress of a long task (backup, restore, migrate, clone) read from its task log as PVE writes it.

`LogProgress` turns log lines into a fraction and a short message; `follow_task` polls a running task and
yields a `ProgressUpdate` whenever its log moves, ending with the final one (or raising TaskFailed, like
`PVEClient.wait_task`). Front ends only draw what they get: a bar on a TTY, plain lines otherwise.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import TaskFailed, TaskTimeout
from pmpc_tui.pve.upid import parse_upid

# vzdump: `INFO:  45% (14.4 GiB of 32.0 GiB) in 9s, read: …`
_VZDUMP = re.compile(r"^INFO:\s+(\d{1,3})% \(([^)]*)\)")
# qmrestore from a vma archive: `progress 45% (read 15461882265 bytes, duration 9 sec)`
_VMA = re.compile(r"^progress (\d{1,3})% \(read (\d+) bytes")
# a restore from Proxmox Backup Server: `restore: transferred 14.4 GiB of 32.0 GiB (45.00%) in 9s`
_PBS = re.compile(r"transferred (.+?) of (.+?) \((\d+(?:\.\d+)?)%\)")
# a migration's or clone's disk copy: `drive-scsi0: transferred 8.0 GiB of 32.0 GiB (25.00%) in 1s`
_DRIVE = re.compile(r"^(drive-\S+): transferred (.+?) of (.+?) \((\d+(?:\.\d+)?)%\)")
# a live migration's RAM: `migration active, transferred 512.0 MiB of 2.0 GiB VM-state, …`
_RAM = re.compile(r"^migration active, transferred ([\d.]+) (\w+) of ([\d.]+) (\w+) VM-state")
_MIGRATE = re.compile(r"^starting migration of (VM|CT) (\d+) to node '([^']+)'")
_CLONE = re.compile(r"^create full clone of drive (\S+)")
_UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "TiB": 1024 ** 4}
_JOB = re.compile(r"^INFO: starting new backup job: vzdump ([\d ]+)")
_START = re.compile(r"^INFO: Starting Backup of VM (\d+)")
_FINISH = re.compile(r"^INFO: Finished Backup of VM (\d+)")
_FAILED = re.compile(r"^ERROR: Backup of VM (\d+) failed - (.*)")
# a download to storage (wget-style): `  6144K ........ ........  20% 98M 2s`
_WGET = re.compile(r"^\s*(\d+)K[ .]+\s(\d{1,3})%")


@dataclass(frozen=True)
class ProgressUpdate:
    """Where a task stands: `fraction` 0..1 (None while unknown) and what it is doing now."""

    fraction: float | None
    message: str
    done: bool = False
    exitstatus: str | None = None

    @property
    def percent(self) -> int | None:
        return None if self.fraction is None else round(self.fraction * 100)


class LogProgress:
    """Reads a task's log lines in order and keeps the overall fraction and the latest message.

    A backup job of several guests counts each guest as an equal share; within a guest the percentage
    lines (qemu and PBS archives) move the fraction, a container archive to a directory shows none.
    """

    def __init__(self) -> None:
        self.guests: list[int] = []
        self.finished = 0
        self.current: float = 0.0  # fraction of the current guest (or of the whole task outside vzdump)
        self.message = "starting"
        self.seen_percent = False

    @property
    def fraction(self) -> float | None:
        if self.guests:
            share = (self.finished + min(self.current, 1.0)) / len(self.guests)
            return min(share, 1.0)
        return min(self.current, 1.0) if self.seen_percent else None

    def feed(self, line: str) -> bool:
        """Take one log line; True when the progress (fraction or message) changed."""
        text = line.rstrip()
        if (m := _JOB.match(text)) is not None:
            self.guests = [int(v) for v in m.group(1).split()]
            self.message = f"backing up {len(self.guests)} guest(s)"
            return True
        if (m := _START.match(text)) is not None:
            self.current = 0.0
            self.message = f"backing up {m.group(1)}"
            return True
        if (m := _FINISH.match(text)) is not None:
            self.finished += 1
            self.current = 0.0
            self.message = f"finished {m.group(1)}"
            return True
        if (m := _FAILED.match(text)) is not None:
            self.finished += 1
            self.current = 0.0
            self.message = f"{m.group(1)} failed: {m.group(2)}"
            return True
        if (m := _MIGRATE.match(text)) is not None:
            self.message = f"migrating {m.group(1)} {m.group(2)} to {m.group(3)}"
            return True
        if (m := _CLONE.match(text)) is not None:
            self.message = f"cloning {m.group(1)}"
            return True
        if (m := _DRIVE.match(text)) is not None:
            self._percent(float(m.group(4)), f"{m.group(1)}: {m.group(2)} of {m.group(3)}")
            return True
        if (m := _RAM.match(text)) is not None:
            total = float(m.group(3)) * _UNITS.get(m.group(4), 1)
            done = float(m.group(1)) * _UNITS.get(m.group(2), 1)
            self._percent(100 * done / total if total else 100.0, f"RAM: {m.group(1)} {m.group(2)} of "
                                                                  f"{m.group(3)} {m.group(4)}")
            return True
        if (m := _VZDUMP.match(text)) is not None:
            self._percent(float(m.group(1)), m.group(2))
            return True
        if (m := _VMA.match(text)) is not None:
            self._percent(float(m.group(1)), f"{_human(int(m.group(2)))} read")
            return True
        if (m := _WGET.match(text)) is not None:
            self._percent(float(m.group(2)), "")
            self.message = f"{_human(int(m.group(1)) * 1024)} received"  # the bar shows the percentage
            return True
        if (m := _PBS.search(text)) is not None:
            self._percent(float(m.group(3)), f"{m.group(1)} of {m.group(2)}")
            return True
        return False

    def _percent(self, percent: float, detail: str) -> None:
        self.seen_percent = True
        self.current = max(0.0, min(percent / 100, 1.0))
        who = f"{self.message.split(' ', 2)[-1]}: " if self.message.startswith("backing up ") and \
            not self.message.endswith("guest(s)") else ""
        self.message = f"{who}{percent:.0f}% ({detail})"

    def update(self) -> ProgressUpdate:
        return ProgressUpdate(self.fraction, self.message)


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def progress_of(lines: list[str]) -> ProgressUpdate:
    """The progress a whole log shows (for a task that already ended, or a test)."""
    reader = LogProgress()
    for line in lines:
        reader.feed(line)
    return reader.update()


async def follow_task(client: PVEClient, upid: str, *, timeout: float = 3600.0,
                      poll: float = 0.2) -> AsyncIterator[ProgressUpdate]:
    """Yield progress while the task runs and a final `done` update; TaskFailed/TaskTimeout as wait_task."""
    node = parse_upid(upid).node
    reader = LogProgress()
    seen = 0
    deadline = time.monotonic() + timeout
    interval = poll
    yield reader.update()
    while True:
        status = await client.get(f"/nodes/{node}/tasks/{upid}/status")
        lines = await client.get(f"/nodes/{node}/tasks/{upid}/log", start=seen, limit=500)
        seen += len(lines)
        if any([reader.feed(entry["t"]) for entry in lines]):
            yield reader.update()
            interval = poll
        if status.get("status") == "stopped":
            exitstatus = str(status.get("exitstatus", ""))
            if exitstatus == "OK" or exitstatus.startswith("WARNINGS"):
                yield ProgressUpdate(1.0, "done", done=True, exitstatus=exitstatus)
                return
            log = await client.get(f"/nodes/{node}/tasks/{upid}/log", start=0, limit=1000)
            raise TaskFailed(upid, exitstatus, [entry["t"] for entry in log][-20:])
        if time.monotonic() >= deadline:
            raise TaskTimeout(upid, timeout)
        await asyncio.sleep(interval)
        interval = min(interval * 1.5, 1.0)


class StartedPlan(Protocol):
    """A checked plan that was sent: the UPID of its task and, once the task ended, its exit status."""

    upid: str | None
    exitstatus: str | None


async def follow_plan(client: PVEClient, plan: StartedPlan, *, timeout: float = 3600.0
                      ) -> AsyncIterator[ProgressUpdate]:
    """Progress of the plan's task until it ends; the plan keeps the exit status ("OK" when PVE gives none)."""
    async for update in follow_task(client, plan.upid or "", timeout=timeout):
        if update.done:
            plan.exitstatus = update.exitstatus or "OK"
        yield update
