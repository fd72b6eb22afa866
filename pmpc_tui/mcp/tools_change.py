"""MCP tools that change things: create a guest in the code, sync, power actions, delete a guest, apply.

Each disruptive or destructive one needs `confirm=true`; without it the call is a tool error (`isError: true`)
naming every target, and nothing is sent."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.commands.confirmation import Target, needs_confirmation, refusal
from pmpc_tui.mcp import models
from pmpc_tui.mcp.arguments import Confirmation, GuestKind, PowerAction
from pmpc_tui.mcp.common import DESTRUCTIVE, WRITE, WRITE_IDEMPOTENT, fail, guarded
from pmpc_tui.services.guest_ref import parse_guest_kind
from pmpc_tui.services.session import Session


def register(server: MCPServer, session: Session) -> None:
    """Add the tools that change the workspace or the cluster to `server`, working in `session`."""

    @server.tool(annotations=WRITE, description="Add a VM or container to the workspace's code (validated; "
                                                "nothing is sent to the cluster until apply).")
    async def create_guest(name: str, kind: GuestKind = "vm", node: str | None = None, cores: int | None = None,
                           memory_mib: int | None = None, disk_gib: int | None = None,
                           clone: str | None = None, tags: str | None = None) -> models.Created:
        from pmpc_tui.services.cluster_sync import sync_if_never_synced
        from pmpc_tui.services.iac import CreateSpec
        from pmpc_tui.services.iac import create_guest as service

        async def go() -> Any:
            ws, db = session.require_workspace(), await session.db()
            await sync_if_never_synced(db, session.client)
            spec = CreateSpec(parse_guest_kind(kind), name, node=node, cores=cores,
                              memory=memory_mib, disk=disk_gib, clone=clone, tags=tags)
            return (await service(ws, db, spec)).as_dict()
        return models.Created.model_validate(await guarded(go))

    @server.tool(annotations=WRITE_IDEMPOTENT, description="Read the whole cluster into the state database.")
    async def sync() -> models.Synced:
        from pmpc_tui.services.cluster_sync import sync_cluster

        async def go() -> Any:
            return (await sync_cluster(await session.client(), await session.db())).as_dict()
        return models.Synced.model_validate(await guarded(go))

    @server.tool(annotations=DESTRUCTIVE,
                 description="Start, stop, shutdown, reboot, suspend or resume a guest (VMID or name) and wait for "
                             "its task. stop/shutdown/reboot/suspend need confirm=true after the user agreed.")
    async def power(guest: str, action: PowerAction, kind: GuestKind = "vm",
                    confirm: Confirmation = False) -> models.Action:
        from pmpc_tui.services.guest_ref import parse_guest_ident
        from pmpc_tui.services.guests import power_action

        if needs_confirmation(action) and confirm is not True:
            raise fail(refusal(action, [Target(f"{kind} {guest}")]) or "", "Call again with confirm=true.")

        async def go() -> Any:
            ident = parse_guest_ident(guest)  # bad input: nothing is sent
            result = await power_action(await session.client(), parse_guest_kind(kind), ident, action, wait=True)
            return result.as_dict()
        return models.Action.model_validate(await guarded(go))

    @server.tool(annotations=DESTRUCTIVE,
                 description="Delete a stopped guest (VMID or name) and all its disks, and wait for the task. Needs "
                             "confirm=true after the user agreed to the guest named in the refusal; purge=true also "
                             "removes it from backup jobs, replication and HA. Refused while an apply of the "
                             "workspace is unfinished.")
    async def delete_guest(guest: str, kind: GuestKind = "vm", purge: bool = False,
                           confirm: Confirmation = False) -> models.Action:
        from pmpc_tui.services.guest_ref import parse_guest_ident
        from pmpc_tui.services.guests import delete_guest as service

        async def go() -> Any:
            ident = parse_guest_ident(guest)  # bad input: nothing is sent
            await session.refuse_delete_while_applying()  # as `apply` is: finish or abandon that one first
            client, pve_kind = await session.client(), parse_guest_kind(kind)
            checked = await service(client, pve_kind, ident, purge=purge, dry_run=True)  # exists, stopped
            if confirm is not True:
                return {"refused": refusal("delete", [Target(checked.guest.label)])}
            return (await service(client, pve_kind, checked.guest.vmid, purge=purge, wait=True)).as_dict()
        answer = await guarded(go)
        if "refused" in answer:
            raise fail(answer["refused"], "Call again with confirm=true.")
        return models.Action.model_validate(answer)

    @server.tool(annotations=DESTRUCTIVE,
                 description="Apply the workspace's code to the cluster. Show plan() to the user first; "
                             "needs confirm=true, and allow_destroy=true as well when the plan deletes a "
                             "guest or a disk or replaces a volume (its impact is 'destructive'). A step that fails "
                             "makes the call an error; the apply is then unfinished (CLI: apply --resume).")
    async def apply(confirm: Confirmation = False, allow_destroy: Confirmation = False) -> models.Applied:
        from pmpc_tui.services.apply import apply_plan
        from pmpc_tui.services.plan import make_plan

        if needs_confirmation("apply") and confirm is not True:
            async def targets() -> Any:
                ws, db, client = session.require_workspace(), await session.db(), await session.client()
                plan = await make_plan(ws, db, client)
                return [r.what_is_destroyed() if r.destructive else f"{r.address} ({r.action})"
                        for r in plan.changes]
            preview = await guarded(targets)
            raise fail(refusal("apply", [Target(t) for t in preview]) or "", "Call again with confirm=true.")

        async def go() -> Any:
            ws, db, client = session.require_workspace(), await session.db(), await session.client()
            lines: list[str] = []
            result = await apply_plan(ws, db, client, await make_plan(ws, db, client), lines.append,
                                      allow_destroy=allow_destroy is True)  # the service refuses otherwise
            return {"summary": result.summary(), "progress": lines, "failed": bool(result.failed)}
        done = await guarded(go)
        if done.pop("failed"):
            raise fail(done["summary"] + "\n" + "\n".join(done["progress"]),
                       "Fix the cause, then `proxmox-mpc apply --resume` (or `--abandon`).")
        return models.Applied.model_validate(done)
