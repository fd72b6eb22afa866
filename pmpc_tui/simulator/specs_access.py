"""Declared parameters of the access routes: users, API tokens, groups, roles, ACL and password (`/access`)."""

from __future__ import annotations

from pmpc_tui.simulator.params import P

_BOOL = P("boolean")
_COMMENT = P("string", max_length=2048)
_EMAIL = P("string", format="email-opt", max_length=254)
_EXPIRE = P("integer", minimum=0)
_FIRSTNAME = P("string", max_length=1024)
_GROUPS = P("string", format="pve-groupid-list")
_KEYS = P("string", pattern="[0-9a-zA-Z!=]{0,4096}")
_PASSWORD = P("string", max_length=64, min_length=8)
_USERID = P("string", optional=False, format="pve-userid", max_length=64)
_TOKENID = P("string", optional=False, pattern="(?^:[A-Za-z][A-Za-z0-9\\.\\-_]+)")
_STR = P("string")
_DELETE = P("string", format="pve-configid-list")
_GROUPID = P("string", optional=False, format="pve-groupid")
_PRIVS = P("string", format="pve-priv-list")
_ROLEID = P("string", optional=False, format="pve-roleid")
_PATH = P("string", optional=False)
_ROLES = P("string", optional=False, format="pve-roleid-list")
_TOKENS = P("string", format="pve-tokenid-list")
_USERS = P("string", format="pve-userid-list")
_CONFIRMATION_PASSWORD = P("string", max_length=64, min_length=5)
_PASSWORD_REQ = P("string", optional=False, max_length=64, min_length=8)

ACCESS_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/access/users"): {"enabled": _BOOL, "full": _BOOL},
    ("POST", "/access/users"): {
        "comment": _COMMENT,
        "email": _EMAIL,
        "enable": _BOOL,
        "expire": _EXPIRE,
        "firstname": _FIRSTNAME,
        "groups": _GROUPS,
        "keys": _KEYS,
        "lastname": _FIRSTNAME,
        "password": _PASSWORD,
        "userid": _USERID,
    },
    ("GET", "/access/users/{userid}"): {"userid": _USERID},
    ("PUT", "/access/users/{userid}"): {
        "append": _BOOL,
        "comment": _COMMENT,
        "email": _EMAIL,
        "enable": _BOOL,
        "expire": _EXPIRE,
        "firstname": _FIRSTNAME,
        "groups": _GROUPS,
        "keys": _KEYS,
        "lastname": _FIRSTNAME,
        "userid": _USERID,
    },
    ("DELETE", "/access/users/{userid}"): {"userid": _USERID},
    ("GET", "/access/users/{userid}/token"): {"userid": _USERID},
    ("GET", "/access/users/{userid}/token/{tokenid}"): {"tokenid": _TOKENID, "userid": _USERID},
    ("POST", "/access/users/{userid}/token/{tokenid}"): {
        "comment": _STR,
        "expire": _EXPIRE,
        "privsep": _BOOL,
        "tokenid": _TOKENID,
        "userid": _USERID,
    },
    ("PUT", "/access/users/{userid}/token/{tokenid}"): {
        "comment": _STR,
        "delete": _DELETE,
        "expire": _EXPIRE,
        "privsep": _BOOL,
        "tokenid": _TOKENID,
        "userid": _USERID,
    },
    ("DELETE", "/access/users/{userid}/token/{tokenid}"): {"tokenid": _TOKENID, "userid": _USERID},
    ("GET", "/access/groups"): {},
    ("POST", "/access/groups"): {"comment": _STR, "groupid": _GROUPID},
    ("GET", "/access/groups/{groupid}"): {"groupid": _GROUPID},
    ("PUT", "/access/groups/{groupid}"): {"comment": _STR, "groupid": _GROUPID},
    ("DELETE", "/access/groups/{groupid}"): {"groupid": _GROUPID},
    ("GET", "/access/roles"): {},
    ("POST", "/access/roles"): {"privs": _PRIVS, "roleid": _ROLEID},
    ("GET", "/access/roles/{roleid}"): {"roleid": _ROLEID},
    ("PUT", "/access/roles/{roleid}"): {"append": _BOOL, "privs": _PRIVS, "roleid": _ROLEID},
    ("DELETE", "/access/roles/{roleid}"): {"roleid": _ROLEID},
    ("GET", "/access/acl"): {},
    ("PUT", "/access/acl"): {
        "delete": _BOOL,
        "groups": _GROUPS,
        "path": _PATH,
        "propagate": _BOOL,
        "roles": _ROLES,
        "tokens": _TOKENS,
        "users": _USERS,
    },
    ("PUT", "/access/password"): {
        "confirmation-password": _CONFIRMATION_PASSWORD,
        "password": _PASSWORD_REQ,
        "userid": _USERID,
    },
}
