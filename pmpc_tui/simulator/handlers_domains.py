"""Route handlers for authentication realm writes (domains.cfg), as PVE 9 does them.

`pam` and `pve` are built in: they cannot be created or deleted. LDAP, Active Directory and OpenID Connect
realms carry their required options; `password` (the bind password) and `client-key` are kept apart from
domains.cfg and never answered. At most one realm is the `default`.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.handlers import _err, route

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

BUILTIN = ("pam", "pve")
REQUIRED = {"ldap": ("server1", "base_dn", "user_attr"), "ad": ("server1", "domain"),
            "openid": ("issuer-url", "client-id")}
SECRETS = ("password", "client-key")
CONTROL = ("realm", "type", "digest", "delete", "check-connection")
FIXED = ("type",)


def _digest(call: Call) -> str:
    realms = call.sim.access.realms
    text = "".join(f"{o['type']}: {r}\n" + "".join(f"\t{k} {v}\n" for k, v in sorted(o.items()) if k != "type")
                   for r, o in sorted(realms.items()))
    return hashlib.sha1(text.encode()).hexdigest()


def _options(call: Call) -> dict[str, Any]:
    return {k: v for k, v in call.params.items() if k not in CONTROL}


def _set(call: Call, realm: str, options: dict[str, Any]) -> None:
    ac = call.sim.access
    for key, value in options.items():
        if key in SECRETS:
            ac.realm_secrets.setdefault(realm, {})[key] = str(value)
        else:
            ac.realms[realm][key] = value
    if options.get("default"):
        for other, opts in ac.realms.items():
            if other != realm:
                opts.pop("default", None)


@route("GET", "/access/domains/{realm}")
async def get_domain(call: Call) -> dict[str, Any]:
    call.require("/access/realm", "Realm.Allocate", "Sys.Audit", any_of=True)
    realm = call.params["realm"]
    options = call.sim.access.realms.get(realm)
    if options is None:
        raise _err(500, f"domain '{realm}' does not exist")
    return {**options, "digest": _digest(call)}


@route("POST", "/access/domains")
async def create_domain(call: Call) -> None:
    call.require("/access/realm", "Realm.Allocate")
    realm, kind = call.params["realm"], call.params["type"]
    if kind in BUILTIN:
        raise _err(500, f"add auth server failed: unable to create builtin type '{kind}'")
    if realm in call.sim.access.realms:
        raise _err(500, f"add auth server failed: domain '{realm}' already exists")
    missing = {key: "property is missing and it is not optional" for key in REQUIRED[kind]
               if key not in call.params}
    if missing:
        raise _err(400, "Parameter verification failed.", missing)
    call.sim.access.realms[realm] = {"type": kind}
    _set(call, realm, _options(call))


@route("PUT", "/access/domains/{realm}")
async def update_domain(call: Call) -> None:
    call.require("/access/realm", "Realm.Allocate")
    realm = call.params["realm"]
    ac = call.sim.access
    options = ac.realms.get(realm)
    if options is None:
        raise _err(500, f"update auth server failed: domain '{realm}' does not exist")
    digest = call.params.get("digest")
    if digest and digest != _digest(call):
        raise _err(500, "update auth server failed: detected modified configuration - file changed by other user? "
                        "Try again.")
    for key in [k for k in re.split(r"[,;\0\s]+", call.params.get("delete", "")) if k]:
        if key in REQUIRED.get(options["type"], ()) or key in FIXED:
            raise _err(500, f"update auth server failed: cannot delete required option '{key}'")
        options.pop(key, None)
        ac.realm_secrets.get(realm, {}).pop(key, None)
    _set(call, realm, _options(call))


@route("DELETE", "/access/domains/{realm}")
async def delete_domain(call: Call) -> None:
    call.require("/access/realm", "Realm.Allocate")
    realm = call.params["realm"]
    ac = call.sim.access
    if realm not in ac.realms:
        raise _err(500, f"delete auth server failed: domain '{realm}' does not exist")
    if realm in BUILTIN:
        raise _err(500, f"delete auth server failed: cannot delete built-in realm '{realm}'")
    del ac.realms[realm]
    ac.realm_secrets.pop(realm, None)
