"""validate's checks of declared images (`proxmox_download_file`): what PVE's download-url would refuse — the URL,
the file name's extension against the content type, a storage that is missing, not file based or not for that
content — checked with the same rules as `storage download` (`storage_files.plan_download`). Only images with a
`url` are checked (two requests each): imported files have none, and one missing without a url is a plan error."""

from __future__ import annotations

import asyncio
from typing import Any

from pmpc_tui.iac.objects import BY_RESOURCE
from pmpc_tui.iac.objects.image import IMAGE
from pmpc_tui.iac.terraform import DesiredObject
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError, ValidationFailed


def _reason(exc: PVEError) -> str:
    if isinstance(exc, ValidationFailed) and exc.errors:
        return "; ".join(str(v) for v in exc.errors.values())
    return exc.message


async def image_problems(objects: list[DesiredObject], client: PVEClient) -> list[tuple[DesiredObject, str, str]]:
    """(object, argument, problem) for each declared image PVE would not download as written."""
    from pmpc_tui.services.storage_files import content_of, plan_download

    async def one(obj: DesiredObject) -> tuple[DesiredObject, str, str] | None:
        body = IMAGE.normalize(obj.body)
        name, content = body.get("file_name"), body.get("content_type")
        node, storage = body.get("node_name"), body.get("datastore_id")
        if not all(isinstance(v, str) and v for v in (name, content, node, storage)) or not body.get("_url"):
            return None  # no id: reported with the other objects; no url: an imported file (plan says if missing)
        try:
            if content_of(str(name), "file_name") != content:
                return obj, "content_type", (f"content_type is '{content}' but the file name {name} is "
                                             f"{content_of(str(name), 'file_name')} content")
            checksum = f"{body.get('_checksum_algorithm', 'sha256')}:{body['_checksum']}" \
                if body.get("_checksum") else None
            await plan_download(client, str(node), str(storage), str(body.get("_url") or f"https://x/{name}"),
                                str(name), checksum, exists_ok=True)
        except PVEError as exc:
            return obj, "datastore_id", _reason(exc)
        return None

    images = [o for o in objects if BY_RESOURCE[o.resource_type] is IMAGE]
    found: list[Any] = await asyncio.gather(*(one(o) for o in images))
    return [f for f in found if f is not None]
