"""Write-side use cases on existing guests: power actions and deletion, with dry-run and waiting."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pmpc_tui.pve.client import ProgressCallback, PVEClient
from pmpc_tui.pve.errors import ConfirmationRefused, ConflictError, ValidationFailed
from pmpc_tui.services.guest_ref import shown
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.outcome import outcome
from pmpc_tui.services.task_events import watch_task

log = logging.getLogger("pmpc.guests")
POWER_ACTIONS = ("start", "stop", "shutdown", "reboot", "suspend", "resume")


@dataclass
class ActionResult:
    """What an action did (or would do, for a dry run)."""

    action: str
    guest: GuestRef
    dry_run: bool
    upid: str | None = None
    exitstatus: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, **self.guest.fields,
                "dry_run": self.dry_run, "upid": self.upid, "exitstatus": self.exitstatus}

    @property
    def message(self) -> str:
        return outcome(f"{self.action} {self.guest.label}", self.dry_run, self.exitstatus, self.upid)


async def power_action(client: PVEClient, kind: str, ident: int | str, action: str, *, wait: bool = False,
                       dry_run: bool = False, timeout: float = 300.0,
                       on_progress: ProgressCallback | None = None) -> ActionResult:
    """Start/stop/shutdown/reboot/suspend/resume a guest; optionally wait for its task."""
    if action not in POWER_ACTIONS:  # bad input: nothing is sent
        raise ValidationFailed("invalid", {"action": f"{shown(action)} is not a power action: use "
                                                     f"{', '.join(POWER_ACTIONS)}"})
    ref = await find_guest(client, kind, ident)
    if ref.template:  # PVE answers 500 "you can't start a vm if it's a template": say what to do instead
        short = "vm" if kind == "qemu" else "ct"
        raise ConflictError(f"{ref.label} is a template: it cannot be started or stopped",
                            f"Clone it to get a guest that runs: proxmox-mpc clone {short} {ref.vmid} --name NEW")
    if dry_run:
        return ActionResult(action, ref, True)
    upid = await client.post(f"{ref.path}/status/{action}")
    log.info("%s %s: task %s", action, ref.label, upid)
    watch_task(client, upid, ref)  # task and guest status events, only while someone listens
    result = ActionResult(action, ref, False, upid=upid)
    if wait:
        status = await client.wait_task(upid, timeout=timeout, on_progress=on_progress)
        result.exitstatus = status.get("exitstatus")
    return result


async def delete_guest(client: PVEClient, kind: str, ident: int | str, *, purge: bool = False, wait: bool = True,
                       dry_run: bool = False, confirm_name: str | None = None, timeout: float = 300.0,
                       on_progress: ProgressCallback | None = None) -> ActionResult:
    """Destroy a stopped guest. `confirm_name`, when given, must equal the guest's name."""
    ref = await find_guest(client, kind, ident)
    if confirm_name is not None and confirm_name != ref.name:
        raise ConfirmationRefused(f"confirmation '{confirm_name}' does not match the name '{ref.name}'",
                                  "Type the guest's exact name to confirm deletion.")
    if ref.status == "running":
        raise ConflictError(f"{ref.label} is running", f"Stop it first: proxmox-mpc stop "
                                                       f"{'vm' if kind == 'qemu' else 'ct'} {ref.vmid} --wait")
    if dry_run:
        return ActionResult("delete", ref, True)
    upid = await client.delete(ref.path, purge=1 if purge else None)
    log.info("delete %s: task %s", ref.label, upid)
    watch_task(client, upid)
    result = ActionResult("delete", ref, False, upid=upid)
    if wait:
        status = await client.wait_task(upid, timeout=timeout, on_progress=on_progress)
        result.exitstatus = status.get("exitstatus")
    return result
