"""Access control as code: users (`proxmox_virtual_environment_user`), groups (`…_group`), roles (`…_role`) and
ACL entries (`proxmox_acl`, import id `{path}?{ugid}?{role}`).

What is never managed: passwords (never read, never written — PVE does not return them and proxmox-mpc does not
send them), API token secrets (a user's tokens are named in a comment, by id only), the built-in roles (`special`),
`root@pam`, and the `pam`/`pve` realms. A user's group memberships are the user's `groups` argument.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pmpc_tui.iac.objects.base import Body, ObjectType, Request, answer_list, flag, no_more, plain, read, split_list

USERS = read("/access/users", full=1)
GROUPS = read("/access/groups")
ROLES = read("/access/roles")
ACL = read("/access/acl")
UNMANAGED_USERS = frozenset({"root@pam"})
TOKENS = "_tokens"  # a user's API token ids: shown as a comment by import, never compared or sent

USER_ARGS = frozenset({"user_id", "comment", "email", "enabled", "expiration_date", "first_name", "last_name",
                       "groups"})
GROUP_ARGS = frozenset({"group_id", "comment"})
ROLE_ARGS = frozenset({"role_id", "privileges"})
ACL_ARGS = frozenset({"path", "role_id", "user_id", "group_id", "token_id", "propagate"})
_USER_FIELDS = (("comment", "comment"), ("email", "email"), ("first_name", "firstname"), ("last_name", "lastname"))


# --- users --------------------------------------------------------------------------------------------
def _date(expire: Any) -> str | None:
    try:
        seconds = int(expire or 0)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if seconds > 0 else None


def epoch(text: Any) -> int:
    if not text:
        return 0
    try:
        return int(datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def _user(entry: dict[str, Any]) -> Body:
    body: Body = {"user_id": str(entry["userid"]), "enabled": flag(entry.get("enable", 1))}
    for arg, field in _USER_FIELDS:
        if entry.get(field):
            body[arg] = str(entry[field])
    if _date(entry.get("expire")):
        body["expiration_date"] = _date(entry.get("expire"))
    groups = sorted(split_list(entry.get("groups")))
    if groups:
        body["groups"] = groups
    tokens = sorted(f"{entry['userid']}!{t['tokenid']}" for t in entry.get("tokens") or [] if t.get("tokenid"))
    if tokens:
        body[TOKENS] = tokens
    return body


def _users(answers: dict[Any, Any]) -> dict[str, Body]:
    return {str(e["userid"]): _user(e) for e in answer_list(answers, USERS)
            if e.get("userid") and str(e["userid"]) not in UNMANAGED_USERS}


def _normalize_user(body: Body) -> Body:
    out = plain(body, USER_ARGS)
    out["enabled"] = out.get("enabled") is not False
    out["groups"] = sorted(str(g) for g in out.get("groups") or [])
    for arg in ("groups", "comment", "email", "first_name", "last_name", "expiration_date"):
        if out.get(arg) in ("", []):
            out.pop(arg)
    if "expiration_date" in out:
        out["expiration_date"] = _date(epoch(out["expiration_date"])) or out["expiration_date"]
    return out


def _user_params(body: Body, clearing: Body | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"enable": 1 if body.get("enabled", True) else 0,
                              "expire": epoch(body.get("expiration_date")),
                              "groups": ",".join(body.get("groups") or [])}
    for arg, field in _USER_FIELDS:
        if body.get(arg) or (clearing is not None and clearing.get(arg)):
            params[field] = body.get(arg) or ""  # an empty value clears it
    return params


def _user_key(body: Body) -> str | None:
    value = body.get("user_id")
    return value if isinstance(value, str) and "@" in value else None


def user_note(key: str, body: Body) -> str | None:
    """The comment import writes above a user with API tokens: their ids (their secrets stay in PVE)."""
    tokens = body.get(TOKENS) or []
    return f"# API tokens (by id only, their secrets stay in PVE): {', '.join(tokens)}\n" if tokens else None


# --- groups and roles ---------------------------------------------------------------------------------
def _group(entry: dict[str, Any]) -> Body:
    return {"group_id": str(entry["groupid"]), **({"comment": str(entry["comment"])} if entry.get("comment") else {})}


def _normalize_comment(args: frozenset[str]) -> Any:
    def normalize(body: Body) -> Body:
        out = plain(body, args)
        if out.get("comment") == "":
            out.pop("comment")
        return out
    return normalize


def _roles(answers: dict[Any, Any]) -> dict[str, Body]:
    return {str(e["roleid"]): {"role_id": str(e["roleid"]), "privileges": sorted(split_list(e.get("privs")))}
            for e in answer_list(answers, ROLES) if e.get("roleid") and not flag(e.get("special", 0))}


def _normalize_role(body: Body) -> Body:
    out = plain(body, ROLE_ARGS)
    out["privileges"] = sorted(str(p) for p in out.get("privileges") or [])
    return out


def _role_key(body: Body) -> str | None:
    value = body.get("role_id")
    return value if isinstance(value, str) and value else None


# --- ACL entries ----------------------------------------------------------------------------------------
_SUBJECT = {"user": "user_id", "group": "group_id", "token": "token_id"}
_PARAM = {"user_id": "users", "group_id": "groups", "token_id": "tokens"}


def acl_key(path: str, ugid: str, role: str) -> str:
    return f"{path}?{ugid}?{role}"


def _acl(entry: dict[str, Any]) -> tuple[str, Body] | None:
    arg = _SUBJECT.get(str(entry.get("type")))
    if arg is None or not entry.get("path") or not entry.get("ugid") or not entry.get("roleid"):
        return None
    body: Body = {"path": str(entry["path"]), arg: str(entry["ugid"]), "role_id": str(entry["roleid"]),
                  "propagate": flag(entry.get("propagate", 1))}
    return acl_key(body["path"], body[arg], body["role_id"]), body


def _acls(answers: dict[Any, Any]) -> dict[str, Body]:
    found = (_acl(e) for e in answer_list(answers, ACL))
    return {key: body for key, body in (f for f in found if f is not None)
            if body.get("user_id") not in UNMANAGED_USERS}


def acl_subject(body: Body) -> tuple[str, str] | None:
    """(argument, id) of the one user, group or token an ACL entry names (None: none, or more than one)."""
    named = [(arg, body[arg]) for arg in _PARAM if isinstance(body.get(arg), str) and body[arg]]
    return named[0] if len(named) == 1 else None


def _acl_key(body: Body) -> str | None:
    subject = acl_subject(body)
    path, role = body.get("path"), body.get("role_id")
    if subject is None or not isinstance(path, str) or not isinstance(role, str) or not path or not role:
        return None
    return acl_key("/" + path.strip("/") if path != "/" else "/", subject[1], role)


def _normalize_acl(body: Body) -> Body:
    out = plain(body, ACL_ARGS)
    if isinstance(out.get("path"), str) and out["path"] != "/":
        out["path"] = "/" + out["path"].strip("/")
    out["propagate"] = out.get("propagate") is not False
    return out


def _acl_params(body: Body, delete: bool = False) -> dict[str, Any]:
    arg, ugid = acl_subject(body) or ("user_id", "")
    params: dict[str, Any] = {"path": body["path"], "roles": body["role_id"], _PARAM[arg]: ugid,
                              "propagate": 1 if body.get("propagate", True) else 0}
    if delete:
        params["delete"] = 1
    return params


USER = ObjectType(
    kind="user", noun="user", resource_type="proxmox_virtual_environment_user", file="access.tf", rank=5,
    arguments=USER_ARGS, reads=lambda: [USERS], more_reads=no_more, actual=_users, key=_user_key,
    normalize=_normalize_user, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/access/users", {"userid": key, **_user_params(body)})],
    update=lambda key, before, after: [Request("PUT", f"/access/users/{key}", _user_params(after, before))],
    delete=lambda key, _body: [Request("DELETE", f"/access/users/{key}")],
    note=user_note,
)

GROUP = ObjectType(
    kind="group", noun="group", resource_type="proxmox_virtual_environment_group", file="access.tf", rank=3,
    arguments=GROUP_ARGS, reads=lambda: [GROUPS], more_reads=no_more,
    actual=lambda answers: {str(e["groupid"]): _group(e) for e in answer_list(answers, GROUPS) if e.get("groupid")},
    key=lambda body: body["group_id"] if isinstance(body.get("group_id"), str) and body["group_id"] else None,
    normalize=_normalize_comment(GROUP_ARGS), import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/access/groups", {"groupid": key, **(
        {"comment": body["comment"]} if body.get("comment") else {})})],
    update=lambda key, _before, after: [Request("PUT", f"/access/groups/{key}", {"comment": after.get("comment", "")})],
    delete=lambda key, _body: [Request("DELETE", f"/access/groups/{key}")],
)

ROLE = ObjectType(
    kind="role", noun="role", resource_type="proxmox_virtual_environment_role", file="access.tf", rank=3,
    arguments=ROLE_ARGS, reads=lambda: [ROLES], more_reads=no_more, actual=_roles, key=_role_key,
    normalize=_normalize_role, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/access/roles", {"roleid": key,
                                                                 "privs": ",".join(body.get("privileges") or [])})],
    update=lambda key, _before, after: [Request("PUT", f"/access/roles/{key}",
                                                {"privs": ",".join(after.get("privileges") or [])})],
    delete=lambda key, _body: [Request("DELETE", f"/access/roles/{key}")],
)

ACL_ENTRY = ObjectType(
    kind="acl", noun="ACL entry", resource_type="proxmox_acl", file="access.tf", rank=95,
    arguments=ACL_ARGS, reads=lambda: [ACL], more_reads=no_more, actual=_acls, key=_acl_key,
    normalize=_normalize_acl, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("PUT", "/access/acl", _acl_params(body))],
    update=lambda key, _before, after: [Request("PUT", "/access/acl", _acl_params(after))],
    delete=lambda key, body: [Request("PUT", "/access/acl", _acl_params(body, delete=True))],
)


def own_rights_lost(changes: list[Any], actual: dict[str, dict[str, Body]], own: frozenset[str]) -> list[str]:
    """Plan errors for deleting the profile's own user, a group it is in, or an ACL entry that gives them or the
    profile's token their rights: applying them would lock proxmox-mpc out of the cluster halfway."""
    users = actual.get("user", {})
    groups = {g for uid in own for g in users.get(uid.split("!", 1)[0], {}).get("groups") or []}
    errors = []
    for change in changes:
        if change.action == "delete" and (change.kind, change.name) in {("user", u.split("!", 1)[0]) for u in own} | {
                ("group", g) for g in groups}:
            errors.append(f"{change.address}: deleting {change.kind} {change.name} would take away this profile's own "
                          "access (proxmox-mpc would lock itself out halfway) — refused. Keep it in the code, or "
                          "delete it in PVE as another administrator")
            continue
        body = (change.desired or {}).get("actual") or {}
        subject = acl_subject(body) if change.kind == "acl" and change.action == "delete" else None
        if subject is None or (subject[1] not in own and subject[1] not in groups):
            continue
        what = {"user_id": "user", "token_id": "API token", "group_id": "group"}[subject[0]]
        errors.append(f"{change.address}: removing ACL entry '{change.name}' would take away the rights of this "
                      f"profile's own {what} {subject[1]} (proxmox-mpc would lock itself out halfway) — refused. "
                      "Keep it in the code, or remove it in PVE as another administrator")
    return errors
