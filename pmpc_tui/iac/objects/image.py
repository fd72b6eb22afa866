"""Downloaded images as code: ISO images, container templates (`vztmpl`) and `import` content, declared as
`proxmox_download_file` (import id `{node}/{storage}:{content}/{file}`, which is also the object's id).

Apply downloads a missing file with PVE's download-url (a task). What is compared is where the file is — node,
storage, content type, file name; the `url` and checksum are how a missing file is fetched, never compared
(PVE does not remember where a file came from: import writes the resource without a `url` and says so).
A file on shared storage is read once, on the first node that sees the storage.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from pmpc_tui.iac.objects.base import UNREAD, Answers, Body, ObjectType, Read, Request, answer_list, plain, read

STORAGES = read("/cluster/resources", type="storage")
CONTENT = ("iso", "vztmpl", "import")
IMAGE_ARGS = frozenset({"node_name", "datastore_id", "content_type", "file_name", "url", "checksum",
                        "checksum_algorithm", "decompression_algorithm", "overwrite", "overwrite_unmanaged",
                        "upload_timeout", "verify"})
_COMPARED = ("node_name", "datastore_id", "content_type", "file_name")
# how a missing file is fetched, kept as `_url` …: never compared
_FETCH = ("url", "checksum", "checksum_algorithm", "decompression_algorithm", "verify")
UNKNOWN_URL = ("# url: unknown — PVE does not record where a file came from. proxmox-mpc does not need it for a\n"
               "# file that exists; `terraform` does (the provider requires it): add url = \"https://…\"\n")


def _storages(answers: Answers, unread: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(node, storage) of each storage that may hold images, shared storage once; those that do not answer (an
    offline node) go to `unread`."""
    seen: set[str] = set()
    out = []
    for entry in sorted(answer_list(answers, STORAGES), key=lambda e: (str(e.get("node")), str(e.get("storage")))):
        storage, node = str(entry.get("storage") or ""), str(entry.get("node") or "")
        content = set(str(entry.get("content") or "").split(","))
        if not storage or not node or not content & set(CONTENT):
            continue
        if entry.get("status") not in (None, "available"):
            if unread is not None:
                unread.append((node, storage))
            continue
        if int(entry.get("shared") or 0):
            if storage in seen:
                continue
            seen.add(storage)
        out.append((node, storage))
    return out


def _content_reads(answers: Answers) -> list[Read]:
    return [read(f"/nodes/{node}/storage/{storage}/content") for node, storage in _storages(answers)]


def _images(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    unread: list[tuple[str, str]] = []
    for node, storage in _storages(answers, unread):
        listing = answers.get(read(f"/nodes/{node}/storage/{storage}/content"))
        if not isinstance(listing, list):
            unread.append((node, storage))
        for item in answer_list(answers, read(f"/nodes/{node}/storage/{storage}/content")):
            content, volid = str(item.get("content") or ""), str(item.get("volid") or "")
            if content in CONTENT and volid.startswith(f"{storage}:{content}/"):
                out[f"{node}/{volid}"] = {"node_name": node, "datastore_id": storage, "content_type": content,
                                          "file_name": volid.split("/", 1)[1]}
    out.update({f"{node}/{storage}:": {UNREAD: True} for node, storage in unread})
    return out


def _file_name(body: Body) -> str | None:
    if isinstance(body.get("file_name"), str) and body["file_name"]:
        return str(body["file_name"])
    if isinstance(body.get("url"), str):
        return unquote(urlsplit(body["url"]).path.rsplit("/", 1)[-1]) or None
    return None


def _key(body: Body) -> str | None:
    name = _file_name(body)
    parts = [body.get(a) for a in ("node_name", "datastore_id", "content_type")]
    if name is None or not all(isinstance(p, str) and p for p in parts):
        return None
    return f"{parts[0]}/{parts[1]}:{parts[2]}/{name}"


def _normalize(body: Body) -> Body:
    given = plain(body, IMAGE_ARGS)
    out: Body = {a: given[a] for a in _COMPARED if a in given}
    if _file_name(given):
        out["file_name"] = _file_name(given)
    out.update({f"_{a}": given[a] for a in _FETCH if given.get(a) is not None})
    return out


def _create(key: str, body: Body) -> list[Request]:
    params: dict[str, Any] = {"url": body.get("_url"), "content": body["content_type"], "filename": body["file_name"]}
    if body.get("_checksum"):
        params["checksum"], params["checksum-algorithm"] = body["_checksum"], body.get("_checksum_algorithm", "sha256")
    if body.get("_decompression_algorithm"):
        params["compression"] = body["_decompression_algorithm"]
    if body.get("_verify") is False:
        params["verify-certificates"] = 0
    return [Request("POST", f"/nodes/{body['node_name']}/storage/{body['datastore_id']}/download-url", params)]


def cannot_create(body: Body) -> str | None:
    """Why a missing image cannot be downloaded as written (None: it can)."""
    return None if isinstance(body.get("_url"), str) and body["_url"] else \
        "the file is not on the storage and the code gives no url to download it from"


def image_note(_key: str, body: Body) -> str | None:
    return None if body.get("_url") else UNKNOWN_URL


IMAGE = ObjectType(
    kind="image", noun="image", resource_type="proxmox_download_file", file="images.tf", rank=15,
    arguments=IMAGE_ARGS, reads=lambda: [STORAGES], more_reads=_content_reads, actual=_images, key=_key,
    normalize=_normalize, import_id=lambda key, _body: key, create=_create,
    update=lambda _key, _before, _after: [],  # every compared argument is part of the id
    delete=lambda key, body: [Request("DELETE", f"/nodes/{body['node_name']}/storage/{body['datastore_id']}/content/"
                                                f"{key.split('/', 1)[1]}")],
    note=image_note, cannot_create=cannot_create,
    unread=lambda key, found: key.split(":", 1)[0] + ":" in found,
)
