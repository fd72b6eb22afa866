"""MCP tools for files on storage: what a storage holds (read), download a URL to it (change), stop a task.

Uploading is not offered here: a path on the assistant's machine is not something the server should read
(the CLI and the console upload files the user picks).
"""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.mcp.common import DESTRUCTIVE, READ, WRITE, fail, guarded
from pmpc_tui.mcp.models import Out
from pmpc_tui.services.session import Session

ContentType = Literal["iso", "vztmpl", "backup", "images", "import", "rootdir", "snippets"]


class StorageItemRow(Out):
    volid: str = Field(description="the volume id, e.g. local:iso/debian-13.2.0-amd64-netinst.iso")
    name: str = Field(description="the file or volume name")
    content: str = Field(description="iso, vztmpl, backup, images, import, rootdir or snippets")
    format: str = Field(description="iso, tzst, raw, qcow2, vma.zst …")
    size: int = Field(description="bytes")
    vmid: int | None = Field(description="the owning guest's VMID (disks, backups), else null")
    ctime: int = Field(description="creation time, seconds since the epoch")


class StorageContent(Out):
    node: str
    storage: str
    items: list[StorageItemRow] = Field(description="what the storage holds, by type then name")


class DownloadResult(Out):
    volid: str = Field(description="the volume the file became, e.g. local:iso/x.iso")
    node: str
    storage: str
    content: Literal["iso", "vztmpl", "import"] = Field(description="the content type, from the file's extension")
    source: str = Field(description="the URL")
    upid: str | None = Field(description="the download task's UPID")
    exitstatus: str | None = Field(description="'OK', or the error the task ended with")
    message: str = Field(description="one line saying what happened")


class StopResult(Out):
    upid: str
    label: str = Field(description="what the task is: type, id, node and user")
    stopped: bool = Field(description="false when the task had already ended")
    status: str = Field(description="'stopped' once it ended")
    exitstatus: str | None = Field(description="how it ended ('interrupted by signal' when stopped)")
    message: str = Field(description="one line saying what happened")


def register(server: MCPServer, session: Session, read_only: bool = False) -> None:
    """Add the storage tools to `server` (only `storage_content` when read-only)."""

    @server.tool(annotations=READ, description="What a storage holds as a node sees it: ISO images, container "
                                               "templates, backups, disk images; filter by content type.")
    async def storage_content(storage: str, node: str, content: ContentType | None = None) -> StorageContent:
        from pmpc_tui.services.storage_files import list_content

        async def go() -> Any:
            items = await list_content(await session.client(), node, storage, content)
            return {"node": node, "storage": storage, "items": [i.as_dict() for i in items]}
        return StorageContent.model_validate(await guarded(go))

    if read_only:
        return

    @server.tool(annotations=WRITE, description="Have a node download a URL (ISO image .iso/.img, container "
                                                "template .tar.gz/.xz/.zst, import file .ova/.qcow2 …) to a "
                                                "file-based storage and wait for it. checksum: 'ALG:SUM' "
                                                "(sha256:…), checked by PVE; a mismatch fails the task.")
    async def download_to_storage(url: str, node: str, storage: str, filename: str | None = None,
                                  checksum: str | None = None) -> DownloadResult:
        from pmpc_tui.services.storage_files import plan_download, start_download
        from pmpc_tui.services.task_progress import follow_task

        async def go() -> Any:
            client = await session.client()
            transfer = await plan_download(client, node, storage, url, filename, checksum)
            upid = await start_download(client, transfer)
            async for update in follow_task(client, upid):
                if update.done:
                    transfer.exitstatus = update.exitstatus or "OK"
            return {**transfer.as_dict(), "message": transfer.message}
        return DownloadResult.model_validate(await guarded(go))

    @server.tool(annotations=DESTRUCTIVE, description="Stop a running task (UPID from tasks). It ends with an "
                                                      "error and may leave its work half done: needs "
                                                      "confirm=true after the user agreed.")
    async def stop_task(upid: str, confirm: Confirmation = False) -> StopResult:
        from pmpc_tui.services.storage_files import plan_stop
        from pmpc_tui.services.storage_files import stop_task as service

        checked = await guarded(lambda: _plan(session, upid, plan_stop))
        if checked["status"] != "stopped" and confirm is not True:
            raise fail(f"stopping interrupts the task {checked['label']} ({upid}): show this to the user, then "
                       "call again with confirm=true after the user agreed", "Call again with confirm=true.")

        async def go() -> Any:
            client = await session.client()
            stop = await service(client, await plan_stop(client, upid))
            return {**stop.as_dict(), "message": stop.message}
        return StopResult.model_validate(await guarded(go))


async def _plan(session: Session, upid: str, plan: Any) -> Any:
    return (await plan(await session.client(), upid)).as_dict()
