"""Converting a guest to a template: one way only (PVE cannot turn a template back), so front ends ask for
the guest's typed name; a running, locked or already-template guest is refused before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, PVEError
from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.migrate import RUNNING, locked
from pmpc_tui.services.outcome import outcome


@dataclass
class TemplatePlan:
    """The guest to convert, and how it went."""

    guest: GuestRef
    dry_run: bool = False
    upid: str | None = None
    exitstatus: str | None = None
    notice: str | None = None

    @property
    def question(self) -> str:
        """The question asked before converting (typed answer: the guest's name)."""
        return (f"Convert {self.guest.label} to a template? It can no longer start; this cannot be undone "
                "(clone it to get a guest again).")

    @property
    def expected(self) -> str:
        return self.guest.name or str(self.guest.vmid)

    def as_dict(self) -> dict[str, Any]:
        return {"vmid": self.guest.vmid, "name": self.guest.name, "type": self.guest.kind, "node": self.guest.node,
                "dry_run": self.dry_run, "upid": self.upid, "exitstatus": self.exitstatus, "notice": self.notice}

    @property
    def message(self) -> str:
        text = outcome(f"convert {self.guest.label} to a template", self.dry_run, self.exitstatus, self.upid)
        return text + (f"\n{self.notice}" if self.notice else "")


async def plan_template(client: PVEClient, kind: str, ident: str | int) -> TemplatePlan:
    """Find the guest; refuse a template, a running or a locked guest."""
    kind = parse_guest_kind(kind)
    ref = await find_guest(client, kind, parse_guest_ident(ident))
    config = await client.get(f"{ref.path}/config", current=1)
    if int(config.get("template", 0) or 0):
        raise ConflictError(f"{ref.label} is already a template", "Clone it to get a guest: proxmox-mpc clone "
                                                                  f"{'vm' if kind == 'qemu' else 'ct'} {ref.vmid} "
                                                                  "--name NAME")
    if config.get("lock"):
        raise locked(ref, str(config["lock"]), "converting")
    if ref.status in RUNNING:
        raise ConflictError(f"{ref.label} is running: PVE converts only a stopped guest to a template",
                            f"Shut it down first: proxmox-mpc shutdown {'vm' if kind == 'qemu' else 'ct'} {ref.vmid}")
    return TemplatePlan(ref)


async def convert(client: PVEClient, plan: TemplatePlan, *, timeout: float = 600.0) -> TemplatePlan:
    """Convert; a VM's conversion is a task (waited for), a container's is done in the request."""
    upid = await client.post(f"{plan.guest.path}/template")
    if upid:
        plan.upid = str(upid)
        status = await client.wait_task(plan.upid, timeout=timeout)
        plan.exitstatus = str(status.get("exitstatus", "OK"))
    else:
        plan.exitstatus = "OK"
    return plan


@dataclass
class BulkTemplatePlan:
    """Several guests to convert: those that can be (each checked) and the refused ones with why."""

    plans: list[TemplatePlan] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def question(self) -> str:
        """The question naming how many (front ends list every guest below it; the typed answer: the count)."""
        return (f"Convert these {len(self.plans)} guests to templates? They can no longer start; this cannot be "
                "undone (clone them to get guests again).")


async def plan_templates(client: PVEClient, kind: str, vmids: list[int]) -> BulkTemplatePlan:
    """Check every guest before anything is sent: templates, running and locked guests are refused and listed."""
    bulk = BulkTemplatePlan()
    for vmid in vmids:
        try:
            bulk.plans.append(await plan_template(client, kind, vmid))
        except PVEError as exc:
            bulk.refused.append(exc.message)
    return bulk
