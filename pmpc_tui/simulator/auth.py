"""Users, API tokens, roles, ACLs, tickets and CSRF tokens — PVE's access model in small."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TICKET_LIFETIME = 2 * 3600  # seconds, as PVE

ALL_PRIVILEGES = frozenset({
    "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit",
    "Group.Allocate", "Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify",
    "Pool.Allocate", "Pool.Audit", "Realm.Allocate", "Realm.AllocateUser", "SDN.Allocate", "SDN.Audit",
    "SDN.Use", "Sys.AccessNetwork", "Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify",
    "Sys.PowerMgmt", "Sys.Syslog", "User.Modify", "VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone",
    "VM.Config.CDROM", "VM.Config.CPU", "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType",
    "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Console", "VM.GuestAgent.Audit",
    "VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite",
    "VM.GuestAgent.Unrestricted", "VM.Migrate", "VM.PowerMgmt", "VM.Replicate", "VM.Snapshot",
    "VM.Snapshot.Rollback",
})

ROLES: dict[str, frozenset[str]] = {
    "Administrator": ALL_PRIVILEGES,
    "PVEAuditor": frozenset({"Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit",
                             "VM.Audit", "VM.GuestAgent.Audit"}),
    "PVEVMUser": frozenset({"VM.Audit", "VM.Backup", "VM.Config.CDROM", "VM.Config.Cloudinit",
                            "VM.Console", "VM.PowerMgmt", "VM.GuestAgent.Audit", "Pool.Audit"}),
    "PVEVMAdmin": frozenset({p for p in ALL_PRIVILEGES if p.startswith("VM.")} | {"Datastore.AllocateSpace",
                                                                                  "SDN.Use", "Pool.Audit"}),
    "PVEPoolAdmin": frozenset({"Pool.Allocate", "Pool.Audit"}),
    "NoAccess": frozenset(),
}
ROLES.update({  # the rest of PVE's built-in roles
    "PVEAdmin": ALL_PRIVILEGES - {"Permissions.Modify", "Realm.Allocate", "Sys.Modify", "Sys.PowerMgmt"},
    "PVEDatastoreAdmin": frozenset({"Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate",
                                    "Datastore.Audit"}),
    "PVEDatastoreUser": frozenset({"Datastore.AllocateSpace", "Datastore.Audit"}),
    "PVEMappingAdmin": frozenset({"Mapping.Audit", "Mapping.Modify", "Mapping.Use"}),
    "PVEMappingUser": frozenset({"Mapping.Audit", "Mapping.Use"}),
    "PVEPoolUser": frozenset({"Pool.Audit"}),
    "PVESDNAdmin": frozenset({"SDN.Allocate", "SDN.Audit"}),
    "PVESDNUser": frozenset({"SDN.Audit", "SDN.Use"}),
    "PVESysAdmin": frozenset({"Permissions.Modify", "Sys.Audit", "Sys.Console", "Sys.Syslog"}),
    "PVETemplateUser": frozenset({"VM.Audit", "VM.Clone"}),
    "PVEUserAdmin": frozenset({"Group.Allocate", "Realm.AllocateUser", "User.Modify"}),
})
BUILTIN_ROLES = frozenset(ROLES)


@dataclass
class ACLEntry:
    path: str
    ugid: str  # user id (user@realm), token id (user@realm!name) or group id (no `@`)
    role: str
    propagate: bool = True

    @property
    def kind(self) -> str:
        """`user`, `token` or `group`, as `GET /access/acl` names it."""
        return "token" if "!" in self.ugid else "user" if "@" in self.ugid else "group"


@dataclass
class Token:
    tokenid: str  # user@realm!name
    secret: str
    privsep: bool = False
    expire: int = 0
    comment: str | None = None


@dataclass
class User:
    userid: str
    password: str | None = None
    enable: bool = True
    expire: int = 0
    details: dict[str, str] = field(default_factory=dict)  # firstname, lastname, email, comment, keys


@dataclass
class Group:
    """A user group (user.cfg): members take the group's ACL entries."""

    groupid: str
    comment: str | None = None
    members: set[str] = field(default_factory=set)


def builtin_realms() -> dict[str, dict[str, Any]]:
    """domains.cfg of a fresh install: the PAM and Proxmox VE realms."""
    return {"pam": {"type": "pam", "comment": "Linux PAM standard authentication"},
            "pve": {"type": "pve", "comment": "Proxmox VE authentication server"}}


@dataclass
class AuthContext:
    """Who is calling, and how."""

    userid: str
    tokenid: str | None = None
    via_ticket: bool = False

    @property
    def auth_id(self) -> str:
        return self.tokenid or self.userid


@dataclass
class AccessControl:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    acl: list[ACLEntry] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    roles: dict[str, frozenset[str]] = field(default_factory=lambda: dict(ROLES))  # built-in and custom
    realms: dict[str, dict[str, Any]] = field(default_factory=builtin_realms)  # domains.cfg
    realm_secrets: dict[str, dict[str, str]] = field(default_factory=dict)  # bind passwords, client keys
    vm_pool: Callable[[int], str | None] | None = field(default=None, repr=False)  # the cluster's pool of a guest
    secret_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    ticket_lifetime: float = TICKET_LIFETIME
    logins: dict[str, int] = field(default_factory=lambda: {"password": 0, "ticket": 0, "refused": 0})

    # --- credentials -------------------------------------------------------------------------
    def check_password(self, username: str, password: str, realm: str | None = None) -> str | None:
        """The canonical user id when the password is right, else None."""
        userid = username if "@" in username else f"{username}@{realm or 'pam'}"
        user = self.users.get(userid)
        if user is None or not user.enable or user.password is None:
            return None
        if not hmac.compare_digest(user.password, password):
            return None
        return userid

    def login(self, username: str, password: str, realm: str | None = None) -> str | None:
        """`POST /access/ticket`: a valid ticket of the same user renews, else the password must match."""
        userid = self.verify_ticket(password) if password.startswith("PVE:") else None
        if userid is not None:
            named = username if "@" in username else f"{username}@{realm or 'pam'}"
            kind, userid = "ticket", (userid if userid == named else None)
        else:
            kind, userid = "password", self.check_password(username, password, realm)
        self.logins[kind if userid else "refused"] += 1
        return userid

    def expire_tickets(self) -> None:
        """Invalidate every ticket (and CSRF token) issued so far: a new signing key."""
        self.secret_key = secrets.token_bytes(32)

    def make_ticket(self, userid: str, now: float | None = None) -> str:
        stamp = f"{int(now or time.time()):08X}"
        plain = f"PVE:{userid}:{stamp}"
        sig = base64.b64encode(hmac.new(self.secret_key, plain.encode(), hashlib.sha256).digest()).decode()
        return f"{plain}::{sig}"

    def verify_ticket(self, ticket: str) -> str | None:
        """User id of a valid, unexpired ticket, else None."""
        match = re.match(r"^PVE:([^:]+):([0-9A-F]{8})::(.+)$", ticket)
        if not match:
            return None
        userid, stamp, sig = match.groups()
        plain = f"PVE:{userid}:{stamp}"
        expect = base64.b64encode(hmac.new(self.secret_key, plain.encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expect, sig):
            return None
        age = time.time() - int(stamp, 16)
        if age > self.ticket_lifetime or age < -300:
            return None
        user = self.users.get(userid)
        return userid if user and user.enable else None

    def make_csrf(self, userid: str) -> str:
        stamp = f"{int(time.time()):08X}"
        sig = base64.b64encode(hmac.new(self.secret_key, f"{stamp}:{userid}".encode(),
                                        hashlib.sha256).digest()).decode().rstrip("=")
        return f"{stamp}:{sig}"

    def verify_csrf(self, userid: str, token: str) -> bool:
        if ":" not in token:
            return False
        stamp, sig = token.split(":", 1)
        expect = base64.b64encode(hmac.new(self.secret_key, f"{stamp}:{userid}".encode(),
                                           hashlib.sha256).digest()).decode().rstrip("=")
        return hmac.compare_digest(expect, sig)

    def verify_token(self, header: str) -> AuthContext | None:
        """Check `PVEAPIToken=user@realm!name=secret`."""
        match = re.match(r"^PVEAPIToken=([^!=\s]+@[^!=\s]+)!([^=\s]+)[=:](\S+)$", header.strip())
        if not match:
            return None
        userid, name, secret = match.groups()
        token = self.tokens.get(f"{userid}!{name}")
        if token is None or not hmac.compare_digest(token.secret, secret):
            return None
        if token.expire and token.expire < time.time():
            return None
        user = self.users.get(userid)
        if user is None or not user.enable:
            return None
        return AuthContext(userid=userid, tokenid=token.tokenid)

    # --- permissions -------------------------------------------------------------------------
    def _privileges_of(self, ugid: str, path: str) -> set[str]:
        """The deepest ACL level on `path` decides; there, the user's own entries override its groups'."""
        groups = {g.groupid for g in self.groups.values() if ugid in g.members}
        best: tuple[int, int] = (-1, -1)
        privs: set[str] = set()
        for entry in self.acl:
            own = entry.ugid == ugid
            if not own and entry.ugid not in groups:
                continue
            exact = entry.path == path
            prefix = path.startswith(entry.path.rstrip("/") + "/") or entry.path == "/"
            if not (exact or (prefix and entry.propagate)):
                continue
            rank = (len(entry.path), 1 if own else 0)
            if rank > best:
                best, privs = rank, set(self.roles.get(entry.role, ()))
            elif rank == best:
                privs |= self.roles.get(entry.role, frozenset())
        return privs

    def privileges(self, ctx: AuthContext, path: str) -> set[str]:
        """Privileges the caller holds on `path` (root@pam holds all)."""
        if ctx.userid == "root@pam":
            user_privs: set[str] = set(ALL_PRIVILEGES)
        else:
            user_privs = self._with_pool(ctx.userid, path)
        if ctx.tokenid:
            token = self.tokens[ctx.tokenid]
            if token.privsep:
                return user_privs & self._with_pool(ctx.tokenid, path)
        return user_privs

    def _with_pool(self, ugid: str, path: str) -> set[str]:
        """A guest's path also takes what its pool's path grants (PVE adds `/pool/{pool}` for `/vms/{vmid}`)."""
        privs = self._privileges_of(ugid, path)
        match = re.fullmatch(r"/vms/(\d+)", path)
        pool = self.vm_pool(int(match.group(1))) if match and self.vm_pool is not None else None
        return privs | self._privileges_of(ugid, f"/pool/{pool}") if pool else privs

    def has(self, ctx: AuthContext, path: str, *privs: str, any_of: bool = False) -> bool:
        held = self.privileges(ctx, path)
        return any(p in held for p in privs) if any_of else all(p in held for p in privs)

    def missing(self, ctx: AuthContext, path: str, *privs: str, any_of: bool = False) -> str | None:
        """First missing privilege, or None when the check passes."""
        held = self.privileges(ctx, path)
        if any_of:
            return None if any(p in held for p in privs) else privs[0]
        for p in privs:
            if p not in held:
                return p
        return None


@dataclass(frozen=True)
class Credentials:
    """What the simulator prints at start so any client can connect."""

    user: str
    password: str
    token_id: str
    token_secret: str
    auditor_token_id: str
    auditor_token_secret: str


def default_access(seed_secret: str | None = None) -> tuple[AccessControl, Credentials]:
    """root@pam with a password and a full token; auditor@pve with a read-only token."""
    ac = AccessControl()
    password = seed_secret or secrets.token_urlsafe(12)
    ac.users["root@pam"] = User("root@pam", password)
    ac.users["auditor@pve"] = User("auditor@pve", secrets.token_urlsafe(12))
    full = Token("root@pam!pmpc", secrets.token_hex(4) + "-" + secrets.token_hex(2) + "-" + secrets.token_hex(2)
                 + "-" + secrets.token_hex(2) + "-" + secrets.token_hex(6))
    audit = Token("auditor@pve!readonly", secrets.token_hex(4) + "-" + secrets.token_hex(2) + "-"
                  + secrets.token_hex(2) + "-" + secrets.token_hex(2) + "-" + secrets.token_hex(6))
    ac.tokens[full.tokenid] = full
    ac.tokens[audit.tokenid] = audit
    ac.acl.append(ACLEntry("/", "auditor@pve", "PVEAuditor"))
    creds = Credentials("root@pam", password, full.tokenid, full.secret, audit.tokenid, audit.secret)
    return ac, creds
