"""`/api/v1/guests…`: list, describe, power, snapshots, migrate, clone, delete — each a registry command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui.commands.confirmation import Target
from pmpc_tui.web.auth import require_user
from pmpc_tui.web.body import json_body
from pmpc_tui.web.runner import options, query_body, run, text_value

Endpoint = Callable[[Request], Awaitable[JSONResponse]]
POWER = ("start", "stop", "shutdown", "reboot", "suspend", "resume")
KINDS = {"vm": "vm", "vms": "vm", "qemu": "vm", "ct": "ct", "cts": "ct", "lxc": "ct"}


def _guest(request: Request) -> tuple[str, str]:
    """The guest kind (vm or ct) and its VMID or name from the path."""
    from pmpc_tui.pve.errors import ValidationFailed

    kind = KINDS.get(request.path_params["kind"])
    if kind is None:
        raise ValidationFailed("the guest kind is vm or ct", {"kind": "vm or ct"})
    return kind, text_value("guest", request.path_params["guest"])


async def list_guests(request: Request) -> JSONResponse:
    """Guests (query: kind=vm|ct, node, status, selector, sort, desc)."""
    user = await require_user(request)
    q = query_body(request)
    kind = KINDS.get(str(q.get("kind", "vm")))
    if kind is None:
        from pmpc_tui.pve.errors import ValidationFailed

        raise ValidationFailed("kind is vm or ct", {"kind": "vm or ct"})
    return await run(request, user, "list", [f"{kind}s", *options(q, ("node", "status", "selector", "sort"),
                                                                    ("desc",))], cached=True)


async def list_nodes(request: Request) -> JSONResponse:
    """Nodes with their status and usage."""
    user = await require_user(request)
    return await run(request, user, "list", ["nodes"], cached=True)


async def list_storage(request: Request) -> JSONResponse:
    """Storage (query: node, storage)."""
    user = await require_user(request)
    return await run(request, user, "list", ["storage", *options(query_body(request), ("node", "storage"))],
                     cached=True)


async def describe(request: Request) -> JSONResponse:
    """One guest: config, status, snapshots and tasks."""
    user = await require_user(request)
    kind, guest = _guest(request)
    return await run(request, user, "describe", [kind, guest], cached=True)


async def power(request: Request, action: str) -> JSONResponse:
    """Start, stop, shutdown, reboot, suspend or resume a guest (body: wait, timeout, dry_run; confirm for the
    ones that interrupt it)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    return await run(request, user, action, [kind, guest, *options(body, ("timeout",), ("wait", "dry_run"))],
                     body, target=f"{kind} {guest}", confirm_target=Target(f"{kind} {guest}"))


async def delete_guest(request: Request) -> JSONResponse:
    """Delete a stopped guest and its disks (body: confirm = the guest's name; purge)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    return await run(request, user, "delete", [kind, guest, *options(body, ("timeout",), ("purge", "dry_run"))],
                     body, target=f"{kind} {guest}")


async def list_snapshots(request: Request) -> JSONResponse:
    """A guest's snapshots as a tree."""
    user = await require_user(request)
    kind, guest = _guest(request)
    return await run(request, user, "snapshot", ["list", kind, guest], action="snapshot list", cached=True)


async def create_snapshot(request: Request) -> JSONResponse:
    """Take a snapshot (body: name, description, vmstate, wait, timeout, dry_run)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    name = text_value("name", body.get("name", ""))
    argv = ["create", kind, guest, name, *options(body, ("description", "timeout"), ("vmstate", "dry_run"))]
    if body.get("wait") is False:
        argv.append("--no-wait")
    return await run(request, user, "snapshot", argv, body, target=f"{kind} {guest} @{name}",
                     action="snapshot create")


async def rollback_snapshot(request: Request) -> JSONResponse:
    """Roll a guest back to a snapshot (body: confirm as asked, start, dry_run)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    name = text_value("snapshot", request.path_params["snapshot"])
    argv = ["rollback", kind, guest, name, *options(body, ("timeout",), ("start", "dry_run"))]
    return await run(request, user, "snapshot", argv, body, target=f"{kind} {guest} @{name}",
                     action="snapshot rollback")


async def delete_snapshot(request: Request) -> JSONResponse:
    """Delete a snapshot (body: confirm as asked, force, dry_run)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    name = text_value("snapshot", request.path_params["snapshot"])
    argv = ["delete", kind, guest, name, *options(body, ("timeout",), ("force", "dry_run"))]
    return await run(request, user, "snapshot", argv, body, target=f"{kind} {guest} @{name}",
                     action="snapshot delete")


async def migrate(request: Request) -> JSONResponse:
    """Move a guest to another node (body: node, online, with_local_disks, target_storage, dry_run)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    node = text_value("node", body.get("node", ""))
    argv = [kind, guest, node, *options(body, ("target_storage", "timeout"), ("online", "with_local_disks",
                                                                              "dry_run"))]
    return await run(request, user, "migrate", argv, body, target=f"{kind} {guest} → {node}")


async def clone(request: Request) -> JSONResponse:
    """Clone a guest (body: name, vmid, node, storage, linked, dry_run)."""
    user = await require_user(request)
    kind, guest = _guest(request)
    body = await json_body(request)
    argv = [kind, guest, *options(body, ("name", "vmid", "node", "storage", "timeout"), ("linked", "dry_run"))]
    return await run(request, user, "clone", argv, body, target=f"{kind} {guest} → {body.get('name', '')}")


async def list_backups(request: Request) -> JSONResponse:
    """Backup archives (query: node, storage, guest)."""
    user = await require_user(request)
    return await run(request, user, "backup", ["list", *options(query_body(request), ("node", "storage", "guest"))],
                     action="backup list")


async def create_backup(request: Request) -> JSONResponse:
    """Back guests up now (body: kind, guests [VMIDs or names], storage, mode, compress, dry_run)."""
    user = await require_user(request)
    body = await json_body(request)
    kind = KINDS.get(str(body.get("kind", "")))
    guests = body.get("guests")
    from pmpc_tui.pve.errors import ValidationFailed

    if kind is None:
        raise ValidationFailed("kind is vm or ct", {"kind": "vm or ct"})
    if not isinstance(guests, list) or not guests:
        raise ValidationFailed("guests is a list of VMIDs or names", {"guests": "e.g. [101, \"web-01\"]"})
    names = [text_value("guests", g) for g in guests]
    argv = ["create", kind, *names, *options(body, ("storage", "mode", "compress", "timeout"), ("dry_run",))]
    return await run(request, user, "backup", argv, body, target=f"{kind} {','.join(names)}", action="backup create")


def _power_route(action: str) -> Endpoint:
    async def endpoint(request: Request) -> JSONResponse:
        return await power(request, action)

    endpoint.__doc__ = f"{action.capitalize()} a guest" + (
        ' (body: confirm: true — it interrupts the guest)' if action not in ("start", "resume") else "")
    endpoint.__name__ = action
    return endpoint


def routes() -> list[BaseRoute]:
    guest = "/api/v1/guests/{kind}/{guest}"
    return [
        Route("/api/v1/guests", list_guests, methods=["GET"], name="guests"),
        Route("/api/v1/nodes", list_nodes, methods=["GET"], name="nodes"),
        Route("/api/v1/storage", list_storage, methods=["GET"], name="storage"),
        Route(guest, describe, methods=["GET"], name="guest"),
        Route(guest, delete_guest, methods=["DELETE"], name="guest_delete"),
        Route(guest + "/snapshots", list_snapshots, methods=["GET"], name="snapshots"),
        Route(guest + "/snapshots", create_snapshot, methods=["POST"], name="snapshot_create"),
        Route(guest + "/snapshots/{snapshot}/rollback", rollback_snapshot, methods=["POST"], name="snapshot_rollback"),
        Route(guest + "/snapshots/{snapshot}", delete_snapshot, methods=["DELETE"], name="snapshot_delete"),
        Route(guest + "/migrate", migrate, methods=["POST"], name="migrate"),
        Route(guest + "/clone", clone, methods=["POST"], name="clone"),
        *[Route(guest + "/" + action, _power_route(action), methods=["POST"], name=action) for action in POWER],
        Route("/api/v1/backups", list_backups, methods=["GET"], name="backups"),
        Route("/api/v1/backups", create_backup, methods=["POST"], name="backup_create"),
    ]
