"""MCP tools for backups: list archives (read), back up guests (change), restore (destructive over a guest)."""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import MCPServer

from pmpc_tui.commands.confirmation import Target
from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.mcp.common import DESTRUCTIVE, READ, WRITE, fail, guarded
from pmpc_tui.mcp.models import BackupListing, BackupResult, RestoreResult
from pmpc_tui.services.session import Session

Kind = Literal["vm", "ct"]
Mode = Literal["snapshot", "suspend", "stop"]
Compress = Literal["zstd", "lzo", "gzip", "0"]


def register(server: MCPServer, session: Session, read_only: bool = False) -> None:
    """Add the backup tools to `server` (only `list_backups` when read-only)."""

    @server.tool(annotations=READ, description="Backup archives on every storage that holds backups (PBS "
                                               "included), newest first; filter by node, storage or guest VMID.")
    async def list_backups(node: str | None = None, storage: str | None = None,
                           vmid: int | None = None) -> BackupListing:
        from pmpc_tui.services.backups import list_backups as service
        from pmpc_tui.services.guest_ref import parse_vmid

        async def go() -> Any:
            wanted = parse_vmid(vmid, "vmid") if vmid is not None else None
            return {"backups": [b.as_dict() for b in await service(await session.client(), node, storage, wanted)]}
        return BackupListing.model_validate(await guarded(go))

    if read_only:
        return

    @server.tool(annotations=WRITE, description="Back up guests now (one vzdump task per node) and wait for "
                                                "the archives. storage: default PBS if present, else local.")
    async def backup_guests(guests: list[str], kind: Kind = "vm", storage: str | None = None,
                            mode: Mode = "snapshot", compress: Compress = "zstd") -> BackupResult:
        from pmpc_tui.services.backups import follow_tasks, plan_backup, start_backup
        from pmpc_tui.services.guest_ref import parse_guest_kind

        async def go() -> Any:
            client = await session.client()
            plan = await plan_backup(client, parse_guest_kind(kind), guests, storage, mode, compress)
            await start_backup(client, plan)
            async for update in follow_tasks(client, [j.upid or "" for j in plan.jobs]):
                if update.done:
                    plan.exitstatus = {j.node: update.exitstatus or "OK" for j in plan.jobs}
            return {**plan.as_dict(), "message": plan.message}
        return BackupResult.model_validate(await guarded(go))

    @server.tool(annotations=DESTRUCTIVE,
                 description="Restore a guest from a backup archive (volid from list_backups) to `vmid`. "
                             "Over an existing stopped guest it needs force=true and confirm=true: show the "
                             "user which guest is replaced first.")
    async def restore_backup(volid: str, vmid: int, node: str | None = None, storage: str | None = None,
                             force: bool = False, confirm: Confirmation = False) -> RestoreResult:
        from pmpc_tui.services.backups import follow_tasks, plan_restore, start_restore

        async def check() -> Any:
            return (await plan_restore(await session.client(), volid, vmid, node, storage, force)).as_dict()

        checked = await guarded(check)  # everything PVE would refuse, before anything is sent
        if checked["overwrites"] and confirm is not True:
            replaced = Target(str(vmid), str(checked["overwrites"]))
            raise fail(f"restore replaces {replaced.label} ({checked['overwrites']}) and its disks: show this to "
                       "the user, then call again with confirm=true after the user agreed",
                       "Call again with confirm=true.")

        async def go() -> Any:
            client = await session.client()
            plan = await plan_restore(client, volid, vmid, node, storage, force)
            await start_restore(client, plan)
            async for update in follow_tasks(client, [plan.upid or ""]):
                if update.done:
                    plan.exitstatus = update.exitstatus or "OK"
            from pmpc_tui.services.drift_notice import guest_change_notice

            return {**plan.as_dict(), "message": plan.message, "notice": await guest_change_notice(session, vmid)}
        return RestoreResult.model_validate(await guarded(go))
