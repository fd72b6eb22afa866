"""Resource pools (`proxmox_virtual_environment_pool`) and their members (`proxmox_pool_membership`).

Nested pools (PVE 8.1+) have ids like `prod/web`; a parent is created before and deleted after its
children. A pool is read with `GET /pools?poolid=` (the form that works for nested ids), members
are guests (`vm`) and storages; the membership import id is `{pool_id}/{vm|storage}/{id}`.
"""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.base import (
    Answers,
    Body,
    ObjectType,
    Read,
    Request,
    answer_list,
    no_more,
    plain,
    read,
    trailing_vmid,
)

_LIST = read("/pools")


def _pool_reads(answers: Answers) -> list[Read]:
    return [read("/pools", poolid=str(p["poolid"])) for p in answer_list(answers, _LIST) if p.get("poolid")]


def _pools(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    for p in answer_list(answers, _LIST):
        if p.get("poolid"):
            out[str(p["poolid"])] = {"pool_id": str(p["poolid"]),
                                     **({"comment": str(p["comment"])} if p.get("comment") else {})}
    return out


def _members(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    for r in _pool_reads(answers):
        poolid = dict(r[1])["poolid"]
        for entry in answer_list(answers, r):
            for pool in [entry] if "members" in entry else []:
                for m in pool.get("members") or []:
                    if m.get("type") in ("qemu", "lxc") and m.get("vmid") is not None:
                        out[f"{poolid}/vm/{int(m['vmid'])}"] = {"pool_id": poolid, "vm_id": int(m["vmid"])}
                    elif m.get("type") == "storage" and m.get("storage"):
                        out[f"{poolid}/storage/{m['storage']}"] = {"pool_id": poolid, "storage_id": str(m["storage"])}
    return out


POOL_ARGS = frozenset({"pool_id", "comment"})
MEMBER_ARGS = frozenset({"pool_id", "vm_id", "storage_id"})


def _pool_key(body: Body) -> str | None:
    return str(body["pool_id"]) if isinstance(body.get("pool_id"), str) and body["pool_id"] else None


def _normalize_pool(body: Body) -> Body:
    out = plain(body, POOL_ARGS)
    if out.get("comment") == "":
        out.pop("comment")
    return out


def _member_key(body: Body) -> str | None:
    pool = body.get("pool_id")
    if not isinstance(pool, str) or not pool:
        return None
    if isinstance(body.get("vm_id"), int):
        return f"{pool}/vm/{body['vm_id']}"
    if isinstance(body.get("storage_id"), str):
        return f"{pool}/storage/{body['storage_id']}"
    return None


def _pool_update(key: str, before: Body, after: Body) -> list[Request]:
    if after.get("comment"):
        return [Request("PUT", "/pools", {"poolid": key, "comment": after["comment"]})]
    return [Request("PUT", "/pools", {"poolid": key, "comment": ""})]


def _member_params(body: Body) -> dict[str, Any]:
    return {"vms": str(body["vm_id"])} if "vm_id" in body else {"storage": str(body["storage_id"])}


def _member_update(key: str, before: Body, after: Body) -> list[Request]:
    return [*_member_delete(key, before), *_member_create(key, after)]


def _member_create(key: str, body: Body) -> list[Request]:
    return [Request("PUT", "/pools", {"poolid": body["pool_id"], **_member_params(body)})]


def _member_delete(key: str, body: Body) -> list[Request]:
    return [Request("PUT", "/pools", {"poolid": body["pool_id"], "delete": 1, **_member_params(body)})]


POOL = ObjectType(
    kind="pool", noun="pool", resource_type="proxmox_virtual_environment_pool", file="pools.tf", rank=10,
    arguments=POOL_ARGS, reads=lambda: [_LIST], more_reads=no_more, actual=_pools, key=_pool_key,
    normalize=_normalize_pool, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/pools", {"poolid": key, **({"comment": body["comment"]}
                                                                        if body.get("comment") else {})})],
    update=_pool_update,
    delete=lambda key, _body: [Request("DELETE", "/pools", {"poolid": key})],
    depth=lambda key: key.count("/"),
)

POOL_MEMBER = ObjectType(
    kind="pool_member", noun="pool membership", resource_type="proxmox_pool_membership", file="pools.tf", rank=20,
    arguments=MEMBER_ARGS, reads=lambda: [_LIST], more_reads=_pool_reads, actual=_members, key=_member_key,
    normalize=lambda body: plain(body, MEMBER_ARGS), import_id=lambda key, _body: key,
    create=_member_create, update=_member_update, delete=_member_delete,
    delete_impact="in-place", guest_of=trailing_vmid,
)
