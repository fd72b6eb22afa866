"""ansible/cluster.yml's access tasks: community.proxmox's proxmox_group, proxmox_user and proxmox_access_acl
(roles have no module: they are Terraform-only; passwords and tokens are never written)."""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.access import acl_subject, epoch

Task = tuple[str, str, dict[str, Any]]
_USER_FIELDS = (("comment", "comment"), ("email", "email"), ("first_name", "firstname"), ("last_name", "lastname"))


def access_tasks(actual: dict[str, dict[str, dict[str, Any]]]) -> list[Task]:
    """Groups first (users name them), then users, then ACL entries."""
    tasks: list[Task] = []
    for groupid, body in sorted(actual.get("group", {}).items()):
        tasks.append((f"Group {groupid}", "proxmox_group", {"groupid": groupid, "state": "present",
                                                            **({"comment": body["comment"]} if body.get("comment")
                                                               else {})}))
    for userid, body in sorted(actual.get("user", {}).items()):
        args: dict[str, Any] = {"userid": userid, "state": "present", "enable": body.get("enabled", True),
                                "expire": epoch(body.get("expiration_date"))}
        args.update({field: body[arg] for arg, field in _USER_FIELDS if body.get(arg)})
        args["groups"] = list(body.get("groups") or [])
        tasks.append((f"User {userid}", "proxmox_user", args))
    kinds = {"user_id": "user", "group_id": "group", "token_id": "token"}
    for key, body in sorted(actual.get("acl", {}).items()):
        subject = acl_subject(body)
        if subject is not None:
            tasks.append((f"ACL {key}", "proxmox_access_acl",
                          {"state": "present", "path": body["path"], "roleid": body["role_id"],
                           "type": kinds[subject[0]], "ugid": subject[1], "propagate": body.get("propagate", True)}))
    return tasks
