"""MCP tools for guest snapshots: list (read), create, rollback and delete (rollback/delete need confirm=true)."""

from __future__ import annotations

from typing import Any, Literal, NoReturn

from mcp.server.mcpserver import MCPServer

from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.mcp.common import DESTRUCTIVE, READ, WRITE, fail, guarded
from pmpc_tui.mcp.models import SnapshotListing, SnapshotResult
from pmpc_tui.services.session import Session

GuestKind = Literal["vm", "ct"]


def register(server: MCPServer, session: Session, read_only: bool = False) -> None:
    """Add the snapshot tools to `server` (only `snapshot_list` when `read_only`), working in `session`."""
    from pmpc_tui.services import snapshots
    from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind

    @server.tool(annotations=READ, description="A guest's snapshots as a tree: name, parent, snaptime, vmstate "
                                               "(RAM saved), description; the entry 'current' is 'You are here'.")
    async def snapshot_list(guest: str, kind: GuestKind = "vm") -> SnapshotListing:
        async def go() -> Any:
            listing = await snapshots.list_snapshots(await session.client(), parse_guest_kind(kind),
                                                     parse_guest_ident(guest))
            return {"guest": listing.guest.label, "snapshots": listing.rows()}
        return SnapshotListing.model_validate(await guarded(go))

    if read_only:
        return

    @server.tool(annotations=WRITE, description="Take a snapshot of a guest. vmstate=true also saves the RAM of a "
                                                "running VM (containers have none).")
    async def snapshot_create(guest: str, name: str, kind: GuestKind = "vm", vmstate: bool = False,
                              description: str | None = None) -> SnapshotResult:
        async def go() -> Any:
            result = await snapshots.create_snapshot(await session.client(), parse_guest_kind(kind),
                                                     parse_guest_ident(guest), name, vmstate=vmstate,
                                                     description=description)
            return {**result.as_dict(), "message": result.message}
        return SnapshotResult.model_validate(await guarded(go))

    async def _refused(action: str, guest: str, kind: str, name: str, start: bool = False) -> NoReturn:
        """Without confirm=true: a tool error asking the question that names the guest and the snapshot."""
        async def ask() -> Any:
            from pmpc_tui.services.inventory import find_guest

            snapshots.check_snapshot_name(name)
            ref = await find_guest(await session.client(), parse_guest_kind(kind), parse_guest_ident(guest))
            return (snapshots.rollback_question(ref, name, start) if action == "rollback"
                    else snapshots.delete_question(ref, name))
        question = await guarded(ask)  # a missing guest or a bad name is its own error
        raise fail(f"{question} Show this to the user, then call again with confirm=true after the user agreed.",
                   "Call again with confirm=true.")

    @server.tool(annotations=DESTRUCTIVE, description="Roll a guest back to a snapshot: every change since is lost "
                                                      "and a running guest is stopped first. Needs confirm=true. "
                                                      "start=true starts it afterwards.")
    async def snapshot_rollback(guest: str, name: str, kind: GuestKind = "vm", start: bool = False,
                                confirm: Confirmation = False) -> SnapshotResult:
        from pmpc_tui.services.drift_notice import guest_change_notice

        if confirm is not True:
            return await _refused("rollback", guest, kind, name, start)

        async def go() -> Any:
            result = await snapshots.rollback_snapshot(await session.client(), parse_guest_kind(kind),
                                                       parse_guest_ident(guest), name, start=start)
            notice = await guest_change_notice(session, result.guest.vmid)
            return {**result.as_dict(), "message": result.message, "notice": notice}
        return SnapshotResult.model_validate(await guarded(go))

    @server.tool(annotations=DESTRUCTIVE, description="Delete a guest's snapshot. Needs confirm=true. force=true "
                                                      "deletes it even while the guest is locked.")
    async def snapshot_delete(guest: str, name: str, kind: GuestKind = "vm", force: bool = False,
                              confirm: Confirmation = False) -> SnapshotResult:
        if confirm is not True:
            return await _refused("delete", guest, kind, name)

        async def go() -> Any:
            result = await snapshots.delete_snapshot(await session.client(), parse_guest_kind(kind),
                                                     parse_guest_ident(guest), name, force=force)
            return {**result.as_dict(), "message": result.message}
        return SnapshotResult.model_validate(await guarded(go))
