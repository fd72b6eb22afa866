"""MCP tools for guest disks and settings: resize_disk, set_guest, move_disk, detach_disk and delete_disk
(delete needs confirm=true naming the disk; issue #16)."""

from __future__ import annotations

from typing import Any, Literal, NoReturn

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.mcp.common import DESTRUCTIVE, WRITE, fail, guarded
from pmpc_tui.mcp.models import GuestOutcome, Out
from pmpc_tui.services.session import Session

GuestKind = Literal["vm", "ct"]


class DiskResult(GuestOutcome):
    action: str = Field(description="resize, move, detach or delete")
    node: str = Field(description="the guest's node")
    disk: str = Field(description="the disk key (scsi0, rootfs, mp0, unused0 …)")
    detail: str = Field(description="what changes, e.g. 'from 32G to 40G'")
    size_before: int | None = Field(description="the disk's size in bytes before")
    size_after: int | None = Field(description="the disk's size in bytes after")
    upid: str | None = Field(description="the task's UPID")


class SettingChange(Out):
    key: str = Field(description="the setting")
    before: Any = Field(description="its value before")
    after: Any = Field(description="its new value")
    pending: bool = Field(description="true: waits until the guest reboots")


class SettingsResult(Out):
    vmid: int = Field(description="the guest's VMID")
    name: str = Field(description="the guest's name")
    changes: list[SettingChange] = Field(description="each setting that changed (unchanged ones are left out)")
    pending: list[str] = Field(description="settings that wait for a reboot of the running guest")
    rebooted: bool = Field(description="whether the guest was rebooted to apply them")
    message: str = Field(description="what happened, in words (names what is pending until reboot)")
    notice: str | None = Field(default=None, description="the drift notice when the workspace's code manages "
                                                         "the guest")


async def _notice(session: Session, vmid: int) -> str | None:
    from pmpc_tui.services.drift_notice import guest_change_notice

    return await guest_change_notice(session, vmid)


def register(server: MCPServer, session: Session, read_only: bool = False) -> None:
    """Add the disk and settings tools to `server` (none when `read_only`), working in `session`."""
    if read_only:
        return
    from pmpc_tui.services import disk_ops, disks, guest_settings
    from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind

    @server.tool(annotations=WRITE, description="Grow a guest's disk: size '+10G' adds 10 GiB, '64G' makes it "
                                                "64 GiB in total (PVE cannot shrink). disk: scsi0, virtio1 … for "
                                                "VMs; rootfs, mp0 … for containers.")
    async def resize_disk(guest: str, disk: str, size: str, kind: GuestKind = "vm",
                          dry_run: bool = False) -> DiskResult:
        async def go() -> Any:
            result = await disks.resize_disk(await session.client(), parse_guest_kind(kind),
                                             parse_guest_ident(guest), disk, size, dry_run=dry_run)
            if result.upid:
                result.notice = await _notice(session, result.guest.vmid)
            return {**result.as_dict(), "message": result.message}
        return DiskResult.model_validate(await guarded(go))

    @server.tool(annotations=WRITE, description="Change a guest's settings (only those given): cores, memory "
                                                "(MiB), balloon (MiB, VMs), tags ('a;b'), description, onboot, "
                                                "protection. A running guest keeps some changes pending until "
                                                "it reboots (listed in 'pending'); reboot=true reboots it then.")
    async def set_guest(guest: str, kind: GuestKind = "vm", cores: int | None = None, memory: int | None = None,
                        balloon: int | None = None, tags: str | None = None, description: str | None = None,
                        onboot: bool | None = None, protection: bool | None = None, reboot: bool = False,
                        dry_run: bool = False) -> SettingsResult:
        wanted = {"cores": cores, "memory": memory, "balloon": balloon, "tags": tags, "description": description,
                  "onboot": None if onboot is None else int(onboot),
                  "protection": None if protection is None else int(protection)}

        async def go() -> Any:
            result = await guest_settings.set_guest(await session.client(), parse_guest_kind(kind),
                                                    parse_guest_ident(guest), wanted, dry_run=dry_run,
                                                    reboot=reboot)
            if result.changes and not dry_run:
                result.notice = await _notice(session, result.guest.vmid)
            return {**result.as_dict(), "message": result.message}
        return SettingsResult.model_validate(await guarded(go))

    @server.tool(annotations=WRITE, description="Move a guest's disk to another storage (storage=…; the old volume "
                                                "stays as unusedN unless delete_source=true) or to another guest on "
                                                "the same node (to_vmid=…, to_disk= its key there, default the same "
                                                "key). Waits for the copy to finish.")
    async def move_disk(guest: str, disk: str, kind: GuestKind = "vm", storage: str | None = None,
                        to_vmid: int | None = None, to_disk: str | None = None, delete_source: bool = False,
                        dry_run: bool = False) -> DiskResult:
        async def go() -> Any:
            result = await disk_ops.move_disk(await session.client(), parse_guest_kind(kind),
                                              parse_guest_ident(guest), disk, storage=storage, to_vmid=to_vmid,
                                              to_disk=to_disk, delete_source=delete_source, dry_run=dry_run)
            if result.upid:
                result.notice = await _notice(session, result.guest.vmid)
            return {**result.as_dict(), "message": result.message}
        return DiskResult.model_validate(await guarded(go))

    @server.tool(annotations=WRITE, description="Take a disk out of a guest's config; its volume is kept as unusedN "
                                                "(delete_disk destroys it, move_disk gives it to another guest).")
    async def detach_disk(guest: str, disk: str, kind: GuestKind = "vm", dry_run: bool = False) -> DiskResult:
        async def go() -> Any:
            result = await disk_ops.detach_disk(await session.client(), parse_guest_kind(kind),
                                                parse_guest_ident(guest), disk, dry_run=dry_run)
            if not dry_run:
                result.notice = await _notice(session, result.guest.vmid)
            return {**result.as_dict(), "message": result.message}
        return DiskResult.model_validate(await guarded(go))

    async def _refused(guest: str, kind: str, disk: str) -> NoReturn:
        """Without confirm=true: a tool error asking the question that names the guest, the disk and its volume."""
        async def ask() -> Any:
            ref, key, volid = await disk_ops.describe_delete(await session.client(), parse_guest_kind(kind),
                                                             parse_guest_ident(guest), disk)
            return disk_ops.delete_question(ref, key, volid)
        question = await guarded(ask)  # a missing guest or disk is its own error
        raise fail(f"{question} Show this to the user, then call again with confirm=true after the user agreed.",
                   "Call again with confirm=true.")

    @server.tool(annotations=DESTRUCTIVE, description="Destroy a guest's disk and its volume for good (a drive or an "
                                                      "unusedN). Needs confirm=true.")
    async def delete_disk(guest: str, disk: str, kind: GuestKind = "vm", dry_run: bool = False,
                          confirm: Confirmation = False) -> DiskResult:
        if confirm is not True and not dry_run:
            return await _refused(guest, kind, disk)

        async def go() -> Any:
            result = await disk_ops.delete_disk(await session.client(), parse_guest_kind(kind),
                                                parse_guest_ident(guest), disk, dry_run=dry_run)
            if not dry_run:
                result.notice = await _notice(session, result.guest.vmid)
            return {**result.as_dict(), "message": result.message}
        return DiskResult.model_validate(await guarded(go))
