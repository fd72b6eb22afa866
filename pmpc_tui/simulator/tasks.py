"""Worker tasks: every write in PVE returns a UPID and runs as a task that takes time and can fail."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from pmpc_tui.simulator.model import Cluster, Task


class TaskError(Exception):
    """A task failed; the message becomes `TASK ERROR: <message>`."""


# Seconds a task of each kind takes at speed 1.0.
DURATIONS = {
    "qmcreate": 2.0, "vzcreate": 2.5, "qmclone": 3.0, "vzclone": 3.0, "qmstart": 1.0, "vzstart": 0.8,
    "qmstop": 0.5, "vzstop": 0.4, "qmshutdown": 1.5, "vzshutdown": 1.2, "qmreboot": 2.0, "vzreboot": 1.5,
    "qmsuspend": 0.5, "vzsuspend": 0.5, "qmresume": 0.4, "vzresume": 0.4, "qmdestroy": 1.0,
    "vzdestroy": 1.0, "qmconfig": 0.3, "resize": 0.6, "qmsnapshot": 1.0, "vzsnapshot": 1.0,
    "qmdelsnapshot": 0.8, "vzdelsnapshot": 0.8, "qmrollback": 1.5, "vzrollback": 1.2, "qmreset": 0.3,
    "qmtemplate": 1.0,
}

Work = Callable[[Task], Awaitable[None]]


class TaskRunner:
    """Runs task bodies on the simulator loop and records status, exit status and log lines."""

    def __init__(self, cluster: Cluster, speed: float = 1.0) -> None:
        self.cluster = cluster
        self.speed = speed
        self._running: dict[str, asyncio.Task[None]] = {}

    def start(self, node: str, task_type: str, task_id: str, user: str, work: Work,
              on_finish: Callable[[Task, bool], None] | None = None) -> str:
        """Create the task, schedule `work`, and return the UPID at once."""
        task = self.cluster.new_task(node, task_type, task_id, user)
        self._running[task.upid] = asyncio.get_running_loop().create_task(
            self._run(task, work, on_finish))
        return task.upid

    async def sleep(self, task: Task, fraction: float = 1.0) -> None:
        """Let the task take (part of) its usual time."""
        seconds = DURATIONS.get(task.type, 0.5) * self.speed * fraction
        if seconds > 0:
            await asyncio.sleep(seconds)

    async def _run(self, task: Task, work: Work, on_finish: Callable[[Task, bool], None] | None) -> None:
        ok = False
        try:
            await work(task)
            task.exitstatus = "OK"
            task.add_log("TASK OK")
            ok = True
        except TaskError as exc:
            message = str(exc).rstrip("\n")
            task.exitstatus = message
            task.add_log(f"TASK ERROR: {message}")
        except asyncio.CancelledError:
            task.exitstatus = "interrupted by signal"
            task.add_log("TASK ERROR: interrupted by signal")
        finally:
            task.status = "stopped"
            task.endtime = int(time.time())
            self._running.pop(task.upid, None)
            if on_finish is not None:
                on_finish(task, ok)

    def stop(self, upid: str) -> bool:
        running = self._running.get(upid)
        if running is None:
            return False
        running.cancel()
        return True

    async def cancel_all(self) -> None:
        pending = list(self._running.values())
        for running in pending:
            running.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def wait_idle(self) -> None:
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)
