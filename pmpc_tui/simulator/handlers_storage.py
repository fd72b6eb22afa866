"""Route handlers for files on storage: download from a URL, upload, and the node's version — as PVE 9.1 does.

The simulator never fetches the internet: a download "receives" bytes made from the URL itself (the same URL
always gives the same file, so its checksum is known), logging wget-style progress lines the way PVE's task
log shows them, then checks the checksum when one was given (a wrong one fails the task).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.handlers import _err, _storage, route
from pmpc_tui.simulator.httpserver import FilePart
from pmpc_tui.simulator.model import Storage, Volume
from pmpc_tui.simulator.tasks import TaskError

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

MiB = 1024 * 1024
STEPS = 10
STEP_SECONDS = 0.25  # at task speed 1.0 a download takes STEPS * STEP_SECONDS
# What each content type's file name must end with (PVE's ISO/vztmpl/import extension patterns).
EXTENSIONS = {
    "iso": re.compile(r"\.(?:iso|img)$", re.IGNORECASE),
    "vztmpl": re.compile(r"\.tar\.(?:gz|xz|zst|bz2)$"),
    "import": re.compile(r"\.(?:ova|ovf|qcow2|raw|vmdk)$"),
}
FORMATS = {"iso": "iso", ".gz": "tgz", ".xz": "txz", ".zst": "tzst", ".bz2": "tbz2"}
FILE_STORAGE_TYPES = ("dir", "nfs", "cifs", "cephfs", "glusterfs", "btrfs")
SUBDIRS = {"iso": "template/iso", "vztmpl": "template/cache", "import": "import"}


def normalize_filename(name: str) -> str:
    """PVE replaces every character outside `[-\\w.]` (ASCII) with `_`."""
    return re.sub(r"[^-a-zA-Z0-9_.]", "_", name)


def simulated_size(url: str) -> int:
    """The size of the file a URL "serves": 4 to 35 MiB, fixed per URL."""
    return (4 + hashlib.sha256(url.encode()).digest()[0] % 32) * MiB


def simulated_chunks(url: str) -> Iterator[bytes]:
    """The bytes a URL "serves", in 1 MiB chunks."""
    block = hashlib.sha256(url.encode()).digest() * (MiB // 32)
    for _ in range(simulated_size(url) // MiB):
        yield block


def simulated_checksum(url: str, algorithm: str = "sha256") -> str:
    """The checksum of what `url` serves in the simulator (for tests and demos)."""
    digest = hashlib.new(algorithm)
    for chunk in simulated_chunks(url):
        digest.update(chunk)
    return digest.hexdigest()


def is_upload(method: str, path: str, headers: dict[str, str]) -> bool:
    """Whether a request is an upload to storage that carries credentials (its body is streamed to a temporary
    file with no size limit; without credentials it gets the usual limit, then 401)."""
    credentials = headers.get("authorization", "").startswith("PVEAPIToken") or \
        "PVEAuthCookie=" in headers.get("cookie", "")
    return credentials and method == "POST" and path.startswith("/api2/json/nodes/") and \
        path.endswith("/upload") and "/storage/" in path


@route("GET", "/nodes/{node}/version")
async def node_version(call: Call) -> dict[str, Any]:
    return {"version": "9.1.1", "release": "9.1", "repoid": "42ab1c5e"}


def _file_storage(call: Call, content: str) -> Storage:
    """The target storage: file based, holding `content`, and the caller may put templates there."""
    sid = _storage(call)
    call.require(f"/storage/{sid}", "Datastore.AllocateTemplate")
    st = call.cluster.storages[sid]
    if st.type not in FILE_STORAGE_TYPES:
        raise _err(500, f"can't upload to storage type '{st.type}', not a file based storage!")
    if content not in st.content:
        raise _err(500, f"storage '{sid}' is not configured for content-type '{content}'")
    return st


def checked_file(call: Call) -> tuple[Storage, str, str]:
    """(storage, content, file name) of an upload or download, refused as PVE refuses them."""
    p = call.params
    for one, other in (("checksum", "checksum-algorithm"), ("checksum-algorithm", "checksum")):
        if p.get(one) is not None and p.get(other) is None:
            raise _err(400, "Parameter verification failed.", {other: f"missing property - '{one}' requires "
                                                                       "this property"})
    content = p["content"]
    st = _file_storage(call, content)
    name = normalize_filename(p["filename"])
    if not EXTENSIONS[content].search(name):
        raise _err(400, "Parameter verification failed.", {"filename": "wrong file extension"})
    volid = f"{st.storage}:{content}/{name}"
    if call.cluster.find_volume(volid, p["node"]) is not None:
        raise _err(500, f"refusing to override existing file '{_path(st, content, name)}'")
    return st, content, name


def _path(st: Storage, content: str, name: str) -> str:
    base = st.options.get("path", f"/mnt/pve/{st.storage}")
    return f"{base}/{SUBDIRS[content]}/{name}"


def _format(content: str, name: str) -> str:
    if content == "iso":
        return "iso"
    if content == "import":
        return os.path.splitext(name)[1].lstrip(".")
    return FORMATS.get(os.path.splitext(name)[1], "tgz")


def land(call: Call, st: Storage, content: str, name: str, size: int) -> Volume:
    """Put the finished file into the storage's content (per node on local storage)."""
    node = call.params["node"]
    volid = f"{st.storage}:{content}/{name}"
    vol = Volume(volid, st.storage, None if st.shared else node, content, _format(content, name), size)
    call.cluster.volumes[volid if st.shared else f"{node}/{volid}"] = vol
    return vol


def _human(size: float) -> str:
    return f"{size / MiB:.0f}M"


@route("POST", "/nodes/{node}/storage/{storage}/download-url")
async def download_url(call: Call) -> str:
    p = call.params
    node = p["node"]
    call.require(f"/storage/{p['storage']}", "Datastore.AllocateTemplate")  # PVE checks this one first
    if not (call.can("/", "Sys.Audit", "Sys.Modify") or call.can(f"/nodes/{node}", "Sys.AccessNetwork")):
        raise _err(403, f"Permission check failed (/nodes/{node}, Sys.AccessNetwork)")
    st, content, name = checked_file(call)
    url, algorithm, expected = p["url"], p.get("checksum-algorithm"), p.get("checksum")
    path = _path(st, content, name)
    step = STEP_SECONDS * call.sim.tasks.speed  # the speed when the request came

    async def work(task: Any) -> None:
        size = simulated_size(url)
        tmp = f"{path}.tmp.{task.pid}"
        task.add_log(f"downloading {url} to {path}")
        task.add_log(f"--{time.strftime('%Y-%m-%d %H:%M:%S')}--  {url}")
        task.add_log("HTTP request sent, awaiting response... 200 OK")
        task.add_log(f"Length: {size} ({_human(size)}) [application/octet-stream]")
        task.add_log(f"Saving to: '{tmp}'")
        for i in range(1, STEPS + 1):
            await asyncio.sleep(step)
            kib = size * i // STEPS // 1024
            task.add_log(f"{kib:>8}K ........ ........ ........ ........ ........ ........ {i * 100 // STEPS:3d}% "
                         f"{_human(size / STEPS / max(step, 0.001))} {max(0, int(step * (STEPS - i)))}s")
        task.add_log(f"{time.strftime('%Y-%m-%d %H:%M:%S')} (112 MB/s) - '{tmp}' saved [{size}/{size}]")
        if expected is not None and algorithm is not None:
            got = simulated_checksum(url, algorithm)
            if got.lower() != expected.strip().lower():
                task.add_log("calculating checksum...")
                raise TaskError(f"checksum mismatch: got '{got}' != expect '{expected}'")
            task.add_log("calculating checksum...OK, checksum verified")
        task.add_log(f"download of '{url}' to '{path}' finished")
        land(call, st, content, name, size)

    return call.sim.tasks.start(node, "download", name, call.auth.auth_id, work)


def _digest(part: FilePart, algorithm: str | None) -> tuple[int, str | None]:
    """(size, hex digest) of an uploaded file, read from disk a chunk at a time."""
    digest = hashlib.new(algorithm) if algorithm else None
    size = 0
    for chunk in part.chunks():
        size += len(chunk)
        if digest is not None:
            digest.update(chunk)
    return size, digest.hexdigest() if digest is not None else None


@route("POST", "/nodes/{node}/storage/{storage}/upload")
async def upload(call: Call) -> str:
    p = call.params
    call.require(f"/storage/{p['storage']}", "Datastore.AllocateTemplate")
    part = (p.get("_files") or {}).get("filename")
    if part is None:
        raise _err(400, "Parameter verification failed.", {"filename": "no file uploaded (send it as the "
                                                                       "multipart part 'filename')"})
    st, content, name = checked_file(call)
    algorithm, expected = p.get("checksum-algorithm"), p.get("checksum")
    size, got = await asyncio.to_thread(_digest, part, algorithm)  # before the body's file is closed
    path = _path(st, content, name)
    tmp = f"/var/tmp/pveupload-{hashlib.md5(name.encode()).hexdigest()}"

    async def work(task: Any) -> None:
        task.add_log(f"starting file import from: {tmp}")
        if expected is not None and got is not None:
            task.add_log("calculating checksum...")
            if got.lower() != expected.strip().lower():
                raise TaskError(f"checksum mismatch: got '{got}' != expect '{expected}'")
            task.add_log("checksum verified")
        task.add_log(f"target node: {call.params['node']}")
        task.add_log(f"target file: {path}")
        task.add_log(f"file size is: {size}")
        task.add_log(f"command: cp -- {tmp} {path}")
        await call.sim.tasks.sleep(task, 0.5)
        task.add_log("finished file import successfully")
        land(call, st, content, name, size)

    return call.sim.tasks.start(call.params["node"], "imgcopy", "", call.auth.auth_id, work)
