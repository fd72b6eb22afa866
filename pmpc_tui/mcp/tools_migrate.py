"""MCP tools for issue #16's guest moves: migrate_guest, clone_guest (change), convert_to_template (destructive:
confirm=true). None of them is offered by a read-only server."""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.mcp.common import DESTRUCTIVE, WRITE, fail, guarded
from pmpc_tui.mcp.models import GuestOutcome, Out
from pmpc_tui.services.session import Session

Kind = Literal["vm", "ct"]


class MigrateResult(GuestOutcome):
    source: str = Field(description="the node it was on")
    target: str = Field(description="the node it moved to")
    mode: Literal["online", "restart", "offline"] = Field(description="live, restart (containers) or offline")
    local_disks: list[str] = Field(description="disks on local storage that were copied")
    upid: str | None = Field(description="the migration task's UPID")


class CloneResult(Out):
    source: int = Field(description="the VMID cloned from")
    vmid: int = Field(description="the new guest's VMID")
    name: str = Field(description="the new guest's name")
    node: str = Field(description="the node the clone is on")
    linked: bool = Field(description="true for a linked clone of a template")
    upid: str | None = Field(description="the clone task's UPID")
    exitstatus: str | None = Field(description="'OK', or the error the task ended with")
    message: str = Field(description="one line saying what happened")


class TemplateResult(GuestOutcome):
    node: str = Field(description="its node")


def register(server: MCPServer, session: Session, read_only: bool = False) -> None:
    """Add migrate_guest, clone_guest and convert_to_template (nothing when read-only)."""
    if read_only:
        return
    from pmpc_tui.services import clone as clones
    from pmpc_tui.services import migrate as migrations
    from pmpc_tui.services import templates
    from pmpc_tui.services.drift_notice import guest_change_notice

    @server.tool(annotations=WRITE, description="Move a guest to another node and wait for it. A running VM "
                                                "needs online=true (and with_local_disks=true for disks on local "
                                                "storage); a running container restarts on the target.")
    async def migrate_guest(guest: str, node: str, kind: Kind = "vm", online: bool = False,
                            with_local_disks: bool = False, target_storage: str | None = None) -> MigrateResult:
        async def go() -> Any:
            client = await session.client()
            plan = await migrations.plan_migrate(client, kind, guest, node, online=online,
                                                 with_local_disks=with_local_disks, target_storage=target_storage)
            await migrations.start_migrate(client, plan)
            async for _ in migrations.follow_migrate(client, plan):
                pass
            plan.notice = await guest_change_notice(session, plan.guest.vmid)
            return {**plan.as_dict(), "message": plan.message}
        return MigrateResult.model_validate(await guarded(go))

    @server.tool(annotations=WRITE, description="Clone a guest and wait for it: a full copy, or linked=true "
                                                "for a linked clone of a template. vmid: default the next free.")
    async def clone_guest(source: str, name: str, kind: Kind = "vm", vmid: int | None = None,
                          node: str | None = None, storage: str | None = None, linked: bool = False) -> CloneResult:
        async def go() -> Any:
            client = await session.client()
            plan = await clones.plan_clone(client, kind, source, name, vmid=vmid, node=node, storage=storage,
                                           linked=linked)
            await clones.start_clone(client, plan)
            async for _ in clones.follow_clone(client, plan):
                pass
            return {**plan.as_dict(), "message": plan.message}
        return CloneResult.model_validate(await guarded(go))

    @server.tool(annotations=DESTRUCTIVE, description="Convert a stopped guest to a template (it can no longer "
                                                      "start; cannot be undone). Needs confirm=true after the "
                                                      "user agreed.")
    async def convert_to_template(guest: str, kind: Kind = "vm", confirm: Confirmation = False) -> TemplateResult:
        async def check() -> Any:
            return (await templates.plan_template(await session.client(), kind, guest)).question

        question = await guarded(check)  # a missing, running or locked guest is its own error
        if confirm is not True:
            raise fail(f"{question} Show this to the user, then call again with confirm=true after the user "
                       "agreed.", "Call again with confirm=true.")

        async def go() -> Any:
            client = await session.client()
            plan = await templates.convert(client, await templates.plan_template(client, kind, guest))
            plan.notice = await guest_change_notice(session, plan.guest.vmid)
            return {**plan.as_dict(), "message": plan.message}
        return TemplateResult.model_validate(await guarded(go))
