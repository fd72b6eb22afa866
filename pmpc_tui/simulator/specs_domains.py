"""Declared parameters of the authentication realm writes (`/access/domains`, `/access/domains/{realm}`)."""

from __future__ import annotations

from pmpc_tui.simulator.params import P

_ACR_VALUES = P("string", pattern='^[^\\x00-\\x1F\\x7F <>#"]*$')
_BOOL = P("boolean")
_BASE_DN = P("string", max_length=256)
_STR = P("string")
_COMMENT = P("string", max_length=4096)
_DOMAIN = P("string", pattern="\\S+", max_length=256)
_FILTER = P("string", max_length=2048)
_GROUP_CLASSES = P("string", format="ldap-simple-attr-list")
_GROUP_NAME_ATTR = P("string", format="ldap-simple-attr", max_length=256)
_GROUPS_CLAIM = P("string", pattern="(?^:[A-Za-z0-9\\.\\-_]+)", max_length=256)
_MODE = P("string", enum=("ldap", "ldaps", "ldap+starttls"))
_PORT = P("integer", minimum=1, maximum=65535)
_PROMPT = P("string", pattern="(?:none|login|consent|select_account|\\S+)")
_REALM = P("string", optional=False, format="pve-realm", max_length=32)
_SERVER1 = P("string", format="address", max_length=256)
_SSLVERSION = P("string", enum=("tlsv1", "tlsv1_1", "tlsv1_2", "tlsv1_3"))
_SYNC_DEFAULTS_OPTIONS = P("string", format="realm-sync-options")
_SYNC_ATTRIBUTES = P("string", pattern="\\w+=[^,]+(,\\s*\\w+=[^,]+)*")
_TFA = P("string", format="pve-tfa-config", max_length=128)
_TYPE = P("string", optional=False, enum=("ad", "ldap", "openid", "pam", "pve"))
_USER_ATTR = P("string", pattern="\\S{2,}", max_length=256)
_DELETE = P("string", format="pve-configid-list", max_length=4096)
_DIGEST = P("string", max_length=64)

DOMAIN_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("POST", "/access/domains"): {
        "acr-values": _ACR_VALUES,
        "autocreate": _BOOL,
        "base_dn": _BASE_DN,
        "bind_dn": _BASE_DN,
        "capath": _STR,
        "case-sensitive": _BOOL,
        "cert": _STR,
        "certkey": _STR,
        "check-connection": _BOOL,
        "client-id": _BASE_DN,
        "client-key": _BASE_DN,
        "comment": _COMMENT,
        "default": _BOOL,
        "domain": _DOMAIN,
        "filter": _FILTER,
        "group_classes": _GROUP_CLASSES,
        "group_dn": _BASE_DN,
        "group_filter": _FILTER,
        "group_name_attr": _GROUP_NAME_ATTR,
        "groups-autocreate": _BOOL,
        "groups-claim": _GROUPS_CLAIM,
        "groups-overwrite": _BOOL,
        "issuer-url": _BASE_DN,
        "mode": _MODE,
        "password": _STR,
        "port": _PORT,
        "prompt": _PROMPT,
        "query-userinfo": _BOOL,
        "realm": _REALM,
        "scopes": _STR,
        "secure": _BOOL,
        "server1": _SERVER1,
        "server2": _SERVER1,
        "sslversion": _SSLVERSION,
        "sync-defaults-options": _SYNC_DEFAULTS_OPTIONS,
        "sync_attributes": _SYNC_ATTRIBUTES,
        "tfa": _TFA,
        "type": _TYPE,
        "user_attr": _USER_ATTR,
        "user_classes": _GROUP_CLASSES,
        "username-claim": _STR,
        "verify": _BOOL,
    },
    ("GET", "/access/domains/{realm}"): {"realm": _REALM},
    ("PUT", "/access/domains/{realm}"): {
        "acr-values": _ACR_VALUES,
        "autocreate": _BOOL,
        "base_dn": _BASE_DN,
        "bind_dn": _BASE_DN,
        "capath": _STR,
        "case-sensitive": _BOOL,
        "cert": _STR,
        "certkey": _STR,
        "check-connection": _BOOL,
        "client-id": _BASE_DN,
        "client-key": _BASE_DN,
        "comment": _COMMENT,
        "default": _BOOL,
        "delete": _DELETE,
        "digest": _DIGEST,
        "domain": _DOMAIN,
        "filter": _FILTER,
        "group_classes": _GROUP_CLASSES,
        "group_dn": _BASE_DN,
        "group_filter": _FILTER,
        "group_name_attr": _GROUP_NAME_ATTR,
        "groups-autocreate": _BOOL,
        "groups-claim": _GROUPS_CLAIM,
        "groups-overwrite": _BOOL,
        "issuer-url": _BASE_DN,
        "mode": _MODE,
        "password": _STR,
        "port": _PORT,
        "prompt": _PROMPT,
        "query-userinfo": _BOOL,
        "realm": _REALM,
        "scopes": _STR,
        "secure": _BOOL,
        "server1": _SERVER1,
        "server2": _SERVER1,
        "sslversion": _SSLVERSION,
        "sync-defaults-options": _SYNC_DEFAULTS_OPTIONS,
        "sync_attributes": _SYNC_ATTRIBUTES,
        "tfa": _TFA,
        "user_attr": _USER_ATTR,
        "user_classes": _GROUP_CLASSES,
        "verify": _BOOL,
    },
    ("DELETE", "/access/domains/{realm}"): {"realm": _REALM},
}
