"""Route handlers for users, API tokens, groups, roles, the ACL and passwords (`/access`), as PVE 9 keeps them.

The simulator's own permission checks read the same data: a user created here logs in once it has a password
(`PUT /access/password`), and the roles given through `PUT /access/acl` (to it or its groups) decide what it may
do. Passwords are never answered; a token's secret only once, when it is created.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.auth import ALL_PRIVILEGES, BUILTIN_ROLES, ACLEntry, Group, Token, User
from pmpc_tui.simulator.handlers import _err, route

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call
    from pmpc_tui.simulator.auth import AccessControl

DETAILS = ("firstname", "lastname", "email", "comment", "keys")
ACL_PATH = re.compile(r"^/(access(/(groups|realm)(/[^/]+)?)?|nodes(/[^/]+)?|pool(/.+)?|storage(/[^/]+)?|"
                      r"vms(/\d+)?|sdn(/.+)?|mapping(/.+)?|)$")


def _split(text: str) -> list[str]:
    return [item for item in re.split(r"[,;\0\s]+", text) if item]


def _access(call: Call) -> AccessControl:
    return call.sim.access


def _user_groups(call: Call, userid: str) -> list[str]:
    return sorted(g.groupid for g in _access(call).groups.values() if userid in g.members)


def _require_user_group(call: Call, userid: str, *privs: str) -> None:
    """PVE's `userid-group` check: the privileges on /access/groups or on a group the user is in."""
    if call.can("/access/groups", *privs, any_of=True):
        return
    if any(call.can(f"/access/groups/{g}", *privs, any_of=True) for g in _user_groups(call, userid)):
        return
    call.require("/access/groups", *privs, any_of=True)


def _require_realm_user(call: Call, userid: str) -> None:
    call.require(f"/access/realm/{userid.rsplit('@', 1)[-1]}", "Realm.AllocateUser")


def _is_self(call: Call, userid: str) -> bool:
    return call.auth.tokenid is None and call.auth.userid == userid


def _user_or_fail(call: Call, userid: str) -> User:
    user = _access(call).users.get(userid)
    if user is None:
        raise _err(500, f"no such user ('{userid}')")
    return user


# --- users --------------------------------------------------------------------------------------------
def _user_entry(call: Call, user: User) -> dict[str, Any]:
    entry: dict[str, Any] = {"userid": user.userid, "enable": 1 if user.enable else 0, "expire": user.expire}
    entry.update({k: v for k, v in user.details.items() if v})
    realm = user.userid.rsplit("@", 1)[-1]
    entry["realm-type"] = _access(call).realms.get(realm, {}).get("type", realm)
    groups = _user_groups(call, user.userid)
    if groups:
        entry["groups"] = ",".join(groups)
    return entry


def _tokens_of(call: Call, userid: str) -> list[tuple[str, Token]]:
    prefix = f"{userid}!"
    return sorted((tid[len(prefix):], t) for tid, t in _access(call).tokens.items() if tid.startswith(prefix))


def _token_info(token: Token) -> dict[str, Any]:
    info: dict[str, Any] = {"expire": token.expire, "privsep": 1 if token.privsep else 0}
    if token.comment:
        info["comment"] = token.comment
    return info


@route("GET", "/access/users")
async def list_users(call: Call) -> list[dict[str, Any]]:
    out = []
    for userid, user in sorted(_access(call).users.items()):
        visible = userid == call.auth.userid or call.can("/access/groups", "User.Modify", "Sys.Audit", any_of=True) \
            or any(call.can(f"/access/groups/{g}", "User.Modify", "Sys.Audit", any_of=True)
                   for g in _user_groups(call, userid))
        if not visible or ("enabled" in call.params and bool(call.params["enabled"]) != user.enable):
            continue
        entry = _user_entry(call, user)
        if call.params.get("full"):
            entry["tokens"] = [{"tokenid": name, **_token_info(t)} for name, t in _tokens_of(call, userid)]
        out.append(entry)
    return out


@route("GET", "/access/users/{userid}")
async def get_user(call: Call) -> dict[str, Any]:
    userid = call.params["userid"]
    _require_user_group(call, userid, "User.Modify", "Sys.Audit")
    entry = _user_entry(call, _user_or_fail(call, userid))
    for key in ("userid", "realm-type"):
        entry.pop(key)
    entry["groups"] = _user_groups(call, userid)
    entry["tokens"] = {name: _token_info(t) for name, t in _tokens_of(call, userid)}
    return entry


def _check_groups(call: Call, names: list[str]) -> None:
    for name in names:
        if name not in _access(call).groups:
            raise _err(500, f"no such group '{name}'")


def _set_details(call: Call, user: User) -> None:
    p = call.params
    for key in DETAILS:
        if key in p:
            user.details[key] = p[key]
    if "enable" in p:
        user.enable = bool(p["enable"])
    if "expire" in p:
        user.expire = p["expire"]


@route("POST", "/access/users")
async def create_user(call: Call) -> None:
    userid = call.params["userid"]
    _require_realm_user(call, userid)
    _require_user_group(call, userid, "User.Modify")
    ac = _access(call)
    realm = userid.rsplit("@", 1)[-1]
    if realm not in ac.realms:
        raise _err(500, f"create user failed: domain '{realm}' does not exist")
    if userid in ac.users:
        raise _err(500, f"create user failed: user '{userid}' already exists")
    groups = _split(call.params.get("groups", ""))
    _check_groups(call, groups)
    user = User(userid, call.params.get("password"))
    _set_details(call, user)
    ac.users[userid] = user
    for name in groups:
        ac.groups[name].members.add(userid)


@route("PUT", "/access/users/{userid}")
async def update_user(call: Call) -> None:
    userid = call.params["userid"]
    _require_user_group(call, userid, "User.Modify")
    user = _user_or_fail(call, userid)
    if call.params.get("append") and "groups" not in call.params:
        raise _err(400, "Parameter verification failed.", {"append": "missing property required by 'groups'"})
    groups = _split(call.params.get("groups", ""))
    _check_groups(call, groups)
    _set_details(call, user)
    if "groups" in call.params:
        for group in _access(call).groups.values():
            if group.groupid in groups:
                group.members.add(userid)
            elif not call.params.get("append"):
                group.members.discard(userid)


@route("DELETE", "/access/users/{userid}")
async def delete_user(call: Call) -> None:
    userid = call.params["userid"]
    _require_realm_user(call, userid)
    _require_user_group(call, userid, "User.Modify")
    ac = _access(call)
    _user_or_fail(call, userid)
    del ac.users[userid]
    gone = {userid} | {tid for tid in ac.tokens if tid.startswith(f"{userid}!")}
    for tid in gone - {userid}:
        del ac.tokens[tid]
    ac.acl[:] = [e for e in ac.acl if e.ugid not in gone]
    for group in ac.groups.values():
        group.members.discard(userid)


@route("PUT", "/access/password")
async def change_password(call: Call) -> None:
    userid = call.params["userid"]
    if not _is_self(call, userid):
        _require_realm_user(call, userid)
        _require_user_group(call, userid, "User.Modify")
    user = _user_or_fail(call, userid)
    user.password = call.params["password"]


# --- API tokens ---------------------------------------------------------------------------------------
def _require_token_owner(call: Call, userid: str) -> None:
    if not _is_self(call, userid):
        _require_user_group(call, userid, "User.Modify")


def _token_or_fail(call: Call) -> Token:
    userid, name = call.params["userid"], call.params["tokenid"]
    token = _access(call).tokens.get(f"{userid}!{name}")
    if token is None:
        raise _err(500, f"no such token '{name}' for user '{userid}'")
    return token


@route("GET", "/access/users/{userid}/token")
async def list_tokens(call: Call) -> list[dict[str, Any]]:
    userid = call.params["userid"]
    _require_token_owner(call, userid)
    _user_or_fail(call, userid)
    return [{"tokenid": name, **_token_info(t)} for name, t in _tokens_of(call, userid)]


@route("GET", "/access/users/{userid}/token/{tokenid}")
async def get_token(call: Call) -> dict[str, Any]:
    _require_token_owner(call, call.params["userid"])
    return _token_info(_token_or_fail(call))


@route("POST", "/access/users/{userid}/token/{tokenid}")
async def create_token(call: Call) -> dict[str, Any]:
    userid, name = call.params["userid"], call.params["tokenid"]
    _require_token_owner(call, userid)
    user = _user_or_fail(call, userid)
    full = f"{userid}!{name}"
    if full in _access(call).tokens:
        raise _err(500, "Token already exists.")
    token = Token(full, str(uuid.uuid4()), privsep=bool(call.params.get("privsep", 1)),
                  expire=call.params.get("expire", user.expire), comment=call.params.get("comment") or None)
    _access(call).tokens[full] = token
    return {"full-tokenid": full, "info": _token_info(token), "value": token.secret}


@route("PUT", "/access/users/{userid}/token/{tokenid}")
async def update_token(call: Call) -> dict[str, Any]:
    _require_token_owner(call, call.params["userid"])
    token = _token_or_fail(call)
    p = call.params
    deleted = set(_split(p.get("delete", "")))
    if "comment" in p or "comment" in deleted:
        token.comment = None if "comment" in deleted else (p["comment"] or None)
    if "expire" in p or "expire" in deleted:
        token.expire = 0 if "expire" in deleted else p["expire"]
    if "privsep" in p or "privsep" in deleted:
        token.privsep = True if "privsep" in deleted else bool(p["privsep"])
    return _token_info(token)


@route("DELETE", "/access/users/{userid}/token/{tokenid}")
async def delete_token(call: Call) -> None:
    _require_token_owner(call, call.params["userid"])
    token = _token_or_fail(call)
    ac = _access(call)
    del ac.tokens[token.tokenid]
    ac.acl[:] = [e for e in ac.acl if e.ugid != token.tokenid]


# --- groups -------------------------------------------------------------------------------------------
def _group_or_fail(call: Call) -> Group:
    groupid = call.params["groupid"]
    group = _access(call).groups.get(groupid)
    if group is None:
        raise _err(500, f"group '{groupid}' does not exist")
    return group


@route("GET", "/access/groups")
async def list_groups(call: Call) -> list[dict[str, Any]]:
    out = []
    for gid, group in sorted(_access(call).groups.items()):
        if not call.can(f"/access/groups/{gid}", "User.Modify", "Sys.Audit", "Group.Allocate", any_of=True):
            continue
        entry: dict[str, Any] = {"groupid": gid}
        if group.comment:
            entry["comment"] = group.comment
        if group.members:
            entry["users"] = ",".join(sorted(group.members))
        out.append(entry)
    return out


@route("GET", "/access/groups/{groupid}")
async def get_group(call: Call) -> dict[str, Any]:
    call.require("/access/groups", "Sys.Audit", "Group.Allocate", any_of=True)
    group = _group_or_fail(call)
    entry: dict[str, Any] = {"members": sorted(group.members)}
    if group.comment:
        entry["comment"] = group.comment
    return entry


@route("POST", "/access/groups")
async def create_group(call: Call) -> None:
    call.require("/access/groups", "Group.Allocate")
    groupid = call.params["groupid"]
    groups = _access(call).groups
    if groupid in groups:
        raise _err(500, f"create group failed: group '{groupid}' already exists")
    groups[groupid] = Group(groupid, call.params.get("comment") or None)


@route("PUT", "/access/groups/{groupid}")
async def update_group(call: Call) -> None:
    call.require("/access/groups", "Group.Allocate")
    group = _group_or_fail(call)
    if "comment" in call.params:
        group.comment = call.params["comment"] or None


@route("DELETE", "/access/groups/{groupid}")
async def delete_group(call: Call) -> None:
    call.require("/access/groups", "Group.Allocate")
    group = _group_or_fail(call)
    ac = _access(call)
    del ac.groups[group.groupid]
    ac.acl[:] = [e for e in ac.acl if e.ugid != group.groupid]


# --- roles --------------------------------------------------------------------------------------------
def _privs(call: Call) -> set[str]:
    privs = set(_split(call.params.get("privs", "")))
    for priv in sorted(privs):
        if priv not in ALL_PRIVILEGES:
            raise _err(400, "Parameter verification failed.",
                       {"privs": f"invalid format - invalid privilege '{priv}'\n"})
    return privs


def _role_or_fail(call: Call) -> str:
    roleid = call.params["roleid"]
    if roleid not in _access(call).roles:
        raise _err(500, f"role '{roleid}' does not exist")
    return roleid


@route("GET", "/access/roles")
async def list_roles(call: Call) -> list[dict[str, Any]]:
    return [{"roleid": rid, "privs": ",".join(sorted(privs)), "special": 1 if rid in BUILTIN_ROLES else 0}
            for rid, privs in sorted(_access(call).roles.items())]


@route("GET", "/access/roles/{roleid}")
async def get_role(call: Call) -> dict[str, int]:
    return dict.fromkeys(sorted(_access(call).roles[_role_or_fail(call)]), 1)


@route("POST", "/access/roles")
async def create_role(call: Call) -> None:
    call.require("/access", "Sys.Modify")
    roleid, roles = call.params["roleid"], _access(call).roles
    if roleid in roles:
        raise _err(500, f"create role failed: role '{roleid}' already exists")
    if roleid.startswith("PVE"):
        raise _err(500, f"create role failed: cannot create role '{roleid}' (PVE namespace is reserved)")
    roles[roleid] = frozenset(_privs(call))


@route("PUT", "/access/roles/{roleid}")
async def update_role(call: Call) -> None:
    call.require("/access", "Sys.Modify")
    roleid = _role_or_fail(call)
    if roleid in BUILTIN_ROLES:
        raise _err(500, f"auto-generated role '{roleid}' cannot be modified")
    roles = _access(call).roles
    privs = _privs(call)
    roles[roleid] = frozenset(privs | roles[roleid] if call.params.get("append") else privs)


@route("DELETE", "/access/roles/{roleid}")
async def delete_role(call: Call) -> None:
    call.require("/access", "Sys.Modify")
    roleid = _role_or_fail(call)
    if roleid in BUILTIN_ROLES:
        raise _err(500, f"auto-generated role '{roleid}' cannot be deleted")
    ac = _access(call)
    del ac.roles[roleid]
    ac.acl[:] = [e for e in ac.acl if e.role != roleid]


# --- ACL ----------------------------------------------------------------------------------------------
@route("GET", "/access/acl")
async def list_acl(call: Call) -> list[dict[str, Any]]:
    return [{"path": e.path, "type": e.kind, "ugid": e.ugid, "roleid": e.role, "propagate": 1 if e.propagate else 0}
            for e in sorted(_access(call).acl, key=lambda e: (e.path, e.kind, e.ugid, e.role))
            if call.can(e.path, "Permissions.Modify")]


@route("PUT", "/access/acl")
async def update_acl(call: Call) -> None:
    p = call.params
    path = "/" + p["path"].strip("/") if p["path"] != "/" else "/"
    call.require(path, "Permissions.Modify")
    ac = _access(call)
    if not ACL_PATH.match(path):
        raise _err(500, f"invalid ACL path '{path}'")
    subjects = [(u, "user") for u in _split(p.get("users", ""))] + \
        [(g, "group") for g in _split(p.get("groups", ""))] + [(t, "token") for t in _split(p.get("tokens", ""))]
    if not subjects:
        raise _err(500, "either 'users', 'groups' or 'tokens' is required.")
    roles = _split(p["roles"])
    for role in roles:
        if role not in ac.roles:
            raise _err(500, f"role '{role}' does not exist")
    for ugid, kind in subjects:
        known = ac.users if kind == "user" else ac.groups if kind == "group" else ac.tokens
        if ugid not in known:
            raise _err(500, f"no such token '{ugid}'" if kind == "token" else f"{kind} '{ugid}' does not exist")
    propagate = bool(p.get("propagate", 1))
    for ugid, _kind in subjects:
        for role in roles:
            ac.acl[:] = [e for e in ac.acl if (e.path, e.ugid, e.role) != (path, ugid, role)]
            if not p.get("delete"):
                ac.acl.append(ACLEntry(path, ugid, role, propagate))
