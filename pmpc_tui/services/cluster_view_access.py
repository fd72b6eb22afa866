"""The Cluster view's Access and Images tabs: users, groups, roles and ACL entries; downloaded images."""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.access import acl_subject
from pmpc_tui.iac.objects.base import UNREAD

ACCESS_LISTS = ["/access/users", "/access/groups", "/access/roles", "/access/acl"]


def access_rows(actual: dict[str, dict[str, dict[str, Any]]], code: Any, row: Any, gone: Any) -> list[Any]:
    """One table: each group, user, custom role and ACL entry (kind, name, what, comment)."""
    rows = []
    for kind, noun in (("group", "group"), ("user", "user"), ("role", "role"), ("acl", "ACL")):
        bodies = dict(actual.get(kind, {}))
        bodies.update({k: b for k, b in gone(code, kind) if k not in bodies})
        for key in sorted(bodies):
            body = bodies[key]
            if kind == "user":
                what = ", ".join(body.get("groups") or []) or "no groups"
                what += "" if body.get("enabled", True) else " (disabled)"
            elif kind == "role":
                what = f"{len(body.get('privileges') or [])} privileges"
            elif kind == "acl":
                subject = acl_subject(body)
                what = f"{body.get('path')} → {body.get('role_id')}" + ("" if body.get("propagate", True)
                                                                        else " (not propagated)")
                key_shown = subject[1] if subject else key
                rows.append(row(code, kind, key, [noun, key_shown, what, ""], f"ACL entry {key}"))
                continue
            else:
                what = ""
            rows.append(row(code, kind, key, [noun, key, what, str(body.get("comment", ""))]))
    return rows


def image_rows(actual: dict[str, dict[str, dict[str, Any]]], code: Any, row: Any, gone: Any) -> list[Any]:
    """ISO images, container templates and import content on each storage (node, storage, type, file)."""
    bodies = dict(actual.get("image", {}))
    bodies.update({k: b for k, b in gone(code, "image") if k not in bodies})
    return [row(code, "image", key, [str(b.get("node_name")), str(b.get("datastore_id")), str(b.get("content_type")),
                                     str(b.get("file_name"))], f"image {key}")
            for key, b in sorted(bodies.items()) if not b.get(UNREAD)]
