"""Files on storage: what a storage holds, downloading a URL to it, uploading a local file, stopping a task.

Every rule front ends share lives here: which content types exist, what a file name must end with for ISO
images, container templates and import files, which storage can take them (file based, configured for that
content), that an existing file is never overwritten, and what `tasks stop` names before it asks.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, ValidationFailed
from pmpc_tui.services.backups import parse_storage_id
from pmpc_tui.services.filters import check_upid, require_node
from pmpc_tui.services.guest_ref import shown
from pmpc_tui.services.inputs import check_readable_file
from pmpc_tui.services.task_progress import ProgressUpdate, follow_task

CONTENT_TYPES = ("iso", "vztmpl", "backup", "images", "import", "rootdir", "snippets")
FILE_CONTENT = ("iso", "vztmpl", "import")  # what download and upload accept (PVE 9.1)
CHECKSUM_ALGORITHMS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}
FILE_STORAGE_TYPES = ("dir", "nfs", "cifs", "cephfs", "glusterfs", "btrfs")
NODE_NAME = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?", re.ASCII)
_EXTENSIONS = (("iso", re.compile(r"\.(?:iso|img)$", re.IGNORECASE)),
               ("vztmpl", re.compile(r"\.tar\.(?:gz|xz|zst|bz2)$")),
               ("import", re.compile(r"\.(?:ova|ovf|qcow2|raw|vmdk)$")))
EXTENSION_HELP = ".iso/.img (ISO image), .tar.gz/.tar.xz/.tar.zst/.tar.bz2 (container template), " \
                 ".ova/.ovf/.qcow2/.raw/.vmdk (import)"


# --- input checked before anything is sent ------------------------------------------------------
def parse_node(value: str, field: str = "--node") -> str:
    if not NODE_NAME.fullmatch(value or ""):
        raise ValidationFailed("invalid", {field: f"{shown(value)} is not a node name"})
    return value


def parse_storage(value: str, field: str = "--storage") -> str:
    """A storage ID (at most 100 characters), else ValidationFailed."""
    if len(value or "") > 100:
        raise ValidationFailed("invalid", {field: f"{shown(value)} is not a storage ID (too long)"})
    return parse_storage_id(value, field)


def parse_content_type(value: str, field: str = "--type") -> str:
    if value not in CONTENT_TYPES:
        raise ValidationFailed("invalid", {field: f"{shown(value)} is not a content type: use "
                                                  f"{', '.join(CONTENT_TYPES)}"})
    return value


def normalize_filename(name: str) -> str:
    """The name PVE stores: every character outside `[-A-Za-z0-9_.]` becomes `_`."""
    return re.sub(r"[^-a-zA-Z0-9_.]", "_", name)


def checked_filename(name: str, field: str = "--filename") -> str:
    """The name as PVE will store it (normalized), after refusing one with '/' or a wrong extension."""
    content_of(name, field)
    return normalize_filename(name)


def content_of(filename: str, field: str = "--filename") -> str:
    """iso, vztmpl or import, from what the file name ends with; ValidationFailed for anything else."""
    if not filename or len(filename) > 255 or "/" in filename or filename in (".", ".."):
        raise ValidationFailed("invalid", {field: f"{shown(filename)} is not a file name (at most 255 "
                                                  "characters, no '/')"})
    for content, pattern in _EXTENSIONS:
        if pattern.search(filename):
            return content
    raise ValidationFailed("invalid", {field: f"{shown(filename)} must end with {EXTENSION_HELP}"})


def parse_checksum(value: str, field: str = "--checksum") -> tuple[str, str]:
    """(algorithm, hex digest) from `ALG:SUM`, such as `sha256:9f86d0…`."""
    alg, _, digest = (value or "").strip().partition(":")
    alg = alg.lower()
    if alg not in CHECKSUM_ALGORITHMS:
        raise ValidationFailed("invalid", {field: f"{shown(value)}: write ALG:SUM with ALG one of "
                                                  f"{', '.join(CHECKSUM_ALGORITHMS)}"})
    if not re.fullmatch(rf"[0-9a-fA-F]{{{CHECKSUM_ALGORITHMS[alg]}}}", digest, re.ASCII):
        raise ValidationFailed("invalid", {field: f"a {alg} checksum is {CHECKSUM_ALGORITHMS[alg]} hex digits"})
    return alg, digest.lower()


def parse_download_url(value: str, field: str = "URL") -> str:
    """An http(s) URL with a host and a file at the end of its path (no whitespace anywhere)."""
    text = value or ""
    if len(text) > 2048 or not text.isascii() or any(c.isspace() or ord(c) < 32 for c in text):
        raise ValidationFailed("invalid URL", {field: f"{shown(value)} is not a URL"})
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError as exc:
        raise ValidationFailed("invalid URL", {field: f"{shown(value)}: {exc}"}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("invalid URL", {field: f"{shown(value)}: give an http:// or https:// URL with a host"})
    return text


def filename_from_url(url: str) -> str:
    """The last segment of the URL's path (what the file is called unless --filename says otherwise)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


# --- reading --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StorageItem:
    """One volume on a storage: an ISO image, a template, a backup, a disk image …"""

    volid: str
    content: str
    format: str
    size: int
    ctime: int
    vmid: int | None = None
    notes: str = ""

    @property
    def name(self) -> str:
        return self.volid.split(":", 1)[-1].split("/", 1)[-1]

    def as_dict(self) -> dict[str, Any]:
        return {"volid": self.volid, "name": self.name, "content": self.content, "format": self.format,
                "size": self.size, "vmid": self.vmid, "ctime": self.ctime,
                "created": time.strftime("%Y-%m-%d %H:%M", time.localtime(self.ctime)) if self.ctime else "",
                "notes": self.notes}


CONTENT_COLUMNS = [("name", "NAME", ""), ("content", "TYPE", ""), ("format", "FORMAT", ""),
                   ("size", "SIZE", "bytes"), ("vmid", "VMID", ""), ("created", "CREATED", ""),
                   ("volid", "VOLID", "")]


async def storage_on_node(client: PVEClient, node: str, storage: str) -> dict[str, Any]:
    """The node's entry for `storage` (type, content, space); NotFound naming the storages the node has."""
    await require_node(client, node)
    entries = await client.get(f"/nodes/{node}/storage")
    for entry in entries:
        if entry.get("storage") == storage:
            return dict(entry)
    names = ", ".join(sorted(str(e.get("storage")) for e in entries)) or "none"
    raise NotFound(f"no storage {shown(storage)} on node '{node}'", f"Node '{node}' has: {names}.")


async def list_content(client: PVEClient, node: str, storage: str, content: str | None = None) -> list[StorageItem]:
    """What `storage` holds as `node` sees it (optionally one content type), by type then name."""
    parse_node(node)
    parse_storage(storage, "STORAGE")
    if content is not None:
        parse_content_type(content)
    await storage_on_node(client, node, storage)
    params = {"content": content} if content else {}
    rows = await client.get(f"/nodes/{node}/storage/{storage}/content", **params)
    items = [StorageItem(str(r["volid"]), str(r.get("content", "")), str(r.get("format", "")),
                         int(r.get("size", 0) or 0), int(r.get("ctime", 0) or 0),
                         int(r["vmid"]) if r.get("vmid") is not None else None, str(r.get("notes", "") or ""))
             for r in rows]
    return sorted(items, key=lambda i: (i.content, i.name))


# --- download and upload ------------------------------------------------------------------------
@dataclass
class FileTransfer:
    """A download (from a URL) or upload (of a local file) to a storage: what is sent and what it became."""

    node: str
    storage: str
    filename: str
    content: str
    source: str  # the URL, or the local file's path
    size: int | None = None  # an upload's size in bytes
    checksum: tuple[str, str] | None = None
    upid: str | None = None
    exitstatus: str | None = None
    dry_run: bool = False

    @property
    def volid(self) -> str:
        return f"{self.storage}:{self.content}/{self.filename}"

    @property
    def message(self) -> str:
        verb = "download" if self.source.startswith(("http://", "https://")) else "upload"
        if self.dry_run:
            return f"would {verb} {self.source} to {self.volid} on {self.node}"
        if self.exitstatus:
            return f"{self.volid} is on {self.node} ({verb} finished: {self.exitstatus})"
        return f"{verb} of {self.volid} started on {self.node}: {self.upid}"

    def as_dict(self) -> dict[str, Any]:
        return {"node": self.node, "storage": self.storage, "filename": self.filename, "content": self.content,
                "volid": self.volid, "source": self.source, "size": self.size,
                "checksum": f"{self.checksum[0]}:{self.checksum[1]}" if self.checksum else None,
                "upid": self.upid, "exitstatus": self.exitstatus, "dry_run": self.dry_run}


def check_transfer_inputs(node: str, storage: str, filename: str, checksum: str | None) -> tuple[str, tuple[str, str]
                                                                                                  | None]:
    """(content, checksum) for a transfer's inputs, or ValidationFailed before anything is sent."""
    parse_node(node)
    parse_storage(storage)
    content = content_of(filename)
    return content, parse_checksum(checksum) if checksum is not None else None


async def _check_target(client: PVEClient, transfer: FileTransfer, exists_ok: bool = False) -> None:
    """Refuse what PVE would: a storage that is not file based, not for this content, or a file already there."""
    entry = await storage_on_node(client, transfer.node, transfer.storage)
    if entry.get("type") not in FILE_STORAGE_TYPES:
        raise ConflictError(f"storage '{transfer.storage}' ({entry.get('type')}) is not file based: it cannot hold "
                            "ISO images or templates", "Pick a dir, NFS or CIFS storage (`list storage`).")
    if transfer.content not in str(entry.get("content", "")).split(","):
        raise ConflictError(f"storage '{transfer.storage}' is not configured for content '{transfer.content}'",
                            f"It holds: {entry.get('content')}. Pick another storage, or add the content type "
                            "to the storage (Datacenter → Storage).")
    if exists_ok:
        return
    present = await client.get(f"/nodes/{transfer.node}/storage/{transfer.storage}/content",
                               content=transfer.content)
    if any(r.get("volid") == transfer.volid for r in present):
        raise ConflictError(f"{transfer.volid} already exists on node '{transfer.node}'",
                            "Pass another --filename, or delete the existing file first.")


async def plan_download(client: PVEClient, node: str, storage: str, url: str, filename: str | None = None,
                        checksum: str | None = None, exists_ok: bool = False) -> FileTransfer:
    """Check everything PVE would refuse before a download starts (`exists_ok`: except that the file is there
    already — validate checks code that declares files which exist)."""
    parse_download_url(url)
    name = checked_filename(filename if filename is not None else filename_from_url(url))
    content, parsed = check_transfer_inputs(node, storage, name, checksum)
    transfer = FileTransfer(node, storage, name, content, url, checksum=parsed)
    await _check_target(client, transfer, exists_ok)
    return transfer


async def start_download(client: PVEClient, transfer: FileTransfer) -> str:
    """Start PVE's download task; returns its UPID."""
    params: dict[str, Any] = {"url": transfer.source, "content": transfer.content, "filename": transfer.filename}
    if transfer.checksum:
        params["checksum-algorithm"], params["checksum"] = transfer.checksum
    transfer.upid = str(await client.post(f"/nodes/{transfer.node}/storage/{transfer.storage}/download-url",
                                          **params))
    return transfer.upid


# --- stopping a task ------------------------------------------------------------------------------
@dataclass
class TaskStop:
    """A task to stop: what it is (for the confirmation) and how it ended."""

    upid: str
    node: str
    type: str
    id: str
    user: str
    status: str  # running | stopped
    exitstatus: str | None = None
    stopped: bool = False
    dry_run: bool = False

    @property
    def label(self) -> str:
        what = f"{self.type} {self.id}".strip()
        return f"{what} on {self.node} by {self.user}"

    @property
    def message(self) -> str:
        if self.dry_run:
            return f"would stop the task {self.label}"
        if not self.stopped:
            return f"the task {self.label} had already ended: {self.exitstatus}"
        return f"stopped the task {self.label}: {self.exitstatus or 'stopping'}"

    def as_dict(self) -> dict[str, Any]:
        return {"upid": self.upid, "node": self.node, "type": self.type, "id": self.id, "user": self.user,
                "status": self.status, "exitstatus": self.exitstatus, "stopped": self.stopped,
                "dry_run": self.dry_run, "label": self.label}


async def plan_stop(client: PVEClient, upid: str) -> TaskStop:
    """The task `upid` as it stands now; NotFound when the cluster does not know it."""
    from pmpc_tui.pve.errors import ServerError
    from pmpc_tui.pve.upid import parse_upid

    check_upid(upid)
    node = parse_upid(upid).node
    await require_node(client, node)
    try:
        status = await client.get(f"/nodes/{node}/tasks/{upid}/status")
    except (ServerError, NotFound) as exc:
        if "no such task" in str(exc):
            raise NotFound(f"no task {upid} on node '{node}'", "`proxmox-mpc tasks` lists recent tasks.") from None
        raise
    return TaskStop(upid, node, str(status.get("type", "")), str(status.get("id", "")), str(status.get("user", "")),
                    str(status.get("status", "")), status.get("exitstatus"))


async def stop_task(client: PVEClient, stop: TaskStop, wait: float = 10.0) -> TaskStop:
    """Ask PVE to stop the task and wait (up to `wait` seconds) until it ended; a finished task is left alone."""
    if stop.status == "stopped":
        return stop
    await client.delete(f"/nodes/{stop.node}/tasks/{stop.upid}")
    stop.stopped = True
    deadline = time.monotonic() + wait
    while True:
        status = await client.get(f"/nodes/{stop.node}/tasks/{stop.upid}/status")
        if status.get("status") == "stopped" or time.monotonic() >= deadline:
            stop.status = str(status.get("status", ""))
            stop.exitstatus = status.get("exitstatus")
            return stop
        await asyncio.sleep(0.2)


# --- upload -----------------------------------------------------------------------------------------
class _CountingFile(io.FileIO):
    """The local file, opened for reading, telling `on_read` how many bytes each read took (from the
    client's worker thread); `name` is the name the storage gets (what proxmoxer puts in the multipart part)."""

    def __init__(self, path: str, shown_name: str, on_read: Callable[[int], object]) -> None:
        super().__init__(path, "rb")
        self.name = shown_name  # type: ignore[misc]
        self._on_read = on_read

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if data:
            self._on_read(len(data))
        return data or b""


def check_upload_inputs(path: str, node: str, storage: str, filename: str | None,
                        checksum: str | None) -> tuple[Path, str, str, tuple[str, str] | None]:
    """(file, stored name, content, checksum) of an upload, or ValidationFailed before anything is sent."""
    local = check_readable_file(path, "FILE")
    name = checked_filename(filename if filename is not None else local.name)
    content, parsed = check_transfer_inputs(node, storage, name, checksum)
    return local, name, content, parsed


async def plan_upload(client: PVEClient, node: str, storage: str, path: str, filename: str | None = None,
                      checksum: str | None = None) -> FileTransfer:
    """Check everything PVE would refuse before an upload starts."""
    local, name, content, parsed = check_upload_inputs(path, node, storage, filename, checksum)
    transfer = FileTransfer(node, storage, name, content, str(local), size=local.stat().st_size, checksum=parsed)
    await _check_target(client, transfer)
    return transfer


async def upload(client: PVEClient, transfer: FileTransfer, timeout: float = 3600.0,
                 step: float = 0.05) -> AsyncGenerator[ProgressUpdate, None]:
    """Send the file (streamed by proxmoxer above 10 MiB) and follow PVE's import task: progress while the bytes
    go out (every `step` of the file), then the task's, ending with a `done` update (TaskFailed as follow_task)."""
    loop = asyncio.get_running_loop()
    sent: asyncio.Queue[int] = asyncio.Queue()
    total = max(transfer.size or 0, 1)

    def on_read(count: int) -> None:
        loop.call_soon_threadsafe(sent.put_nowait, count)

    handle = _CountingFile(transfer.source, transfer.filename, on_read)
    params: dict[str, Any] = {"content": transfer.content, "filename": handle}
    if transfer.checksum:
        params["checksum-algorithm"], params["checksum"] = transfer.checksum
    done_bytes, shown = 0, -1.0
    try:
        post = asyncio.ensure_future(client.post(f"/nodes/{transfer.node}/storage/{transfer.storage}/upload", **params))
        yield ProgressUpdate(0.0, f"uploading {transfer.filename}")
        while not post.done():
            waiting = asyncio.ensure_future(sent.get())
            finished, _ = await asyncio.wait({post, waiting}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            if waiting not in finished:
                waiting.cancel()
                continue
            done_bytes += waiting.result()
            while not sent.empty():
                done_bytes += sent.get_nowait()
            fraction = min(done_bytes / total, 1.0)
            if fraction - shown >= step or fraction >= 1.0 > shown:
                shown = fraction
                yield ProgressUpdate(fraction, f"{_size(done_bytes)} of {_size(total)} sent")
        transfer.upid = str(post.result())
    finally:
        handle.close()
    async for update in follow_task(client, transfer.upid, timeout=timeout):
        if update.done:
            transfer.exitstatus = update.exitstatus
            yield update
        else:
            yield ProgressUpdate(1.0, "importing on the node")


def _size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
