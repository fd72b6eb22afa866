"""Authentication realms as code: LDAP (`proxmox_realm_ldap`) and OpenID Connect (`proxmox_realm_openid`); the
import id is the realm. `pam` and `pve` are built in and never managed; Active Directory realms are not covered.

The bind password (LDAP) and the client key (OpenID) are secrets PVE never returns: they are never read, compared
or sent. The code may name them (`bind_password = var.ldap_bind_password` for terraform); proxmox-mpc leaves them
to PVE (`pveum realm modify NAME --password`).
"""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.base import Answers, Body, ObjectType, Read, Request, answer_list, flag, plain, read

DOMAINS = read("/access/domains")
SECRETS = frozenset({"bind_password", "client_key", "client_key_wo", "client_key_wo_version"})
# bpg argument → PVE option, per realm type; the booleans and numbers
LDAP = {"base_dn": "base_dn", "bind_dn": "bind_dn", "ca_path": "capath", "case_sensitive": "case-sensitive",
        "cert_path": "cert", "cert_key_path": "certkey", "comment": "comment", "default": "default", "filter": "filter",
        "group_classes": "group_classes", "group_dn": "group_dn", "group_filter": "group_filter",
        "group_name_attr": "group_name_attr", "mode": "mode", "port": "port", "server1": "server1",
        "server2": "server2", "ssl_version": "sslversion", "sync_attributes": "sync_attributes",
        "sync_defaults_options": "sync-defaults-options", "user_attr": "user_attr", "user_classes": "user_classes",
        "verify": "verify"}
OPENID = {"acr_values": "acr-values", "autocreate": "autocreate", "client_id": "client-id", "comment": "comment",
          "default": "default", "groups_autocreate": "groups-autocreate", "groups_claim": "groups-claim",
          "groups_overwrite": "groups-overwrite", "issuer_url": "issuer-url", "prompt": "prompt",
          "query_userinfo": "query-userinfo", "scopes": "scopes", "username_claim": "username-claim"}
BOOLEANS = frozenset({"case_sensitive", "default", "verify", "autocreate", "groups_autocreate", "groups_overwrite",
                      "query_userinfo"})


def _reads(answers: Answers, kind: str) -> list[Read]:
    return [read(f"/access/domains/{e['realm']}") for e in answer_list(answers, DOMAINS)
            if e.get("realm") and e.get("type") == kind]


def _value(arg: str, value: Any) -> Any:
    if arg in BOOLEANS:
        return flag(value)
    if arg == "port":
        return int(value)
    return str(value)


def _actual(kind: str, options: dict[str, str]) -> Any:
    def actual(answers: Answers) -> dict[str, Body]:
        out: dict[str, Body] = {}
        for r in _reads(answers, kind):
            found = answers.get(r)
            if not isinstance(found, dict):
                continue
            realm = r[0].rsplit("/", 1)[-1]
            body: Body = {"realm": realm}
            body.update({arg: _value(arg, found[opt]) for arg, opt in options.items() if found.get(opt) is not None})
            out[realm] = _normalize(frozenset(options) | {"realm"})(body)
        return out
    return actual


def _normalize(arguments: frozenset[str]) -> Any:
    def normalize(body: Body) -> Body:
        out = {k: v for k, v in plain(body, arguments).items() if k not in SECRETS}
        return {k: v for k, v in out.items() if v is not False and v != ""}  # unset reads as false / empty
    return normalize


def _params(options: dict[str, str], body: Body) -> dict[str, Any]:
    return {options[k]: (1 if v is True else v) for k, v in body.items() if k in options}


def _update(options: dict[str, str]) -> Any:
    def update(key: str, before: Body, after: Body) -> list[Request]:
        params = {k: v for k, v in _params(options, after).items() if _params(options, before).get(k) != v}
        gone = [options[k] for k in before if k in options and k not in after]
        if gone:
            params["delete"] = ",".join(gone)
        return [Request("PUT", f"/access/domains/{key}", params)] if params else []
    return update


def _realm_type(kind: str, resource: str, options: dict[str, str], rank: int) -> ObjectType:
    arguments = frozenset(options) | {"realm"} | ({"bind_password"} if kind == "ldap" else SECRETS - {"bind_password"})
    return ObjectType(
        kind=f"realm_{kind}", noun=f"{'LDAP' if kind == 'ldap' else 'OpenID'} realm", resource_type=resource,
        file="access.tf", rank=rank, arguments=arguments, reads=lambda: [DOMAINS],
        more_reads=lambda answers: _reads(answers, kind), actual=_actual(kind, options),
        key=lambda body: body["realm"] if isinstance(body.get("realm"), str) and body["realm"] not in ("pam", "pve")
        and body["realm"] else None,
        normalize=_normalize(arguments), import_id=lambda key, _body: key,
        create=lambda key, body: [Request("POST", "/access/domains", {"realm": key, "type": kind,
                                                                      **_params(options, body)})],
        update=_update(options),
        delete=lambda key, _body: [Request("DELETE", f"/access/domains/{key}")],
    )


REALM_LDAP = _realm_type("ldap", "proxmox_realm_ldap", LDAP, 2)
REALM_OPENID = _realm_type("openid", "proxmox_realm_openid", OPENID, 2)
