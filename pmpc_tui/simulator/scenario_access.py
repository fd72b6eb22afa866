"""Users, groups, a custom role and ACL entries of the demo scenarios (none of them can log in: no passwords)."""

from __future__ import annotations

import uuid

from pmpc_tui.simulator.auth import AccessControl, ACLEntry, Group, Token, User


def _user(ac: AccessControl, userid: str, groups: tuple[str, ...] = (), **details: str) -> None:
    ac.users[userid] = User(userid, details=dict(details))
    for group in groups:
        ac.groups[group].members.add(userid)


def seed_access(ac: AccessControl, scenario: str) -> None:
    """The homelab's household accounts, or the large cluster's operations teams."""
    ac.roles["BackupOperator"] = frozenset({"VM.Audit", "VM.Backup", "Datastore.AllocateSpace", "Datastore.Audit"})
    if scenario == "homelab":
        ac.groups["admins"] = Group("admins", "Household admins")
        ac.groups["family"] = Group("family", "May start and stop the household's services")
        _user(ac, "alice@pve", ("admins",), firstname="Alice", lastname="Example", email="alice@example.com")
        _user(ac, "bob@pve", ("family",), firstname="Bob", comment="Weekend gamer")
        _user(ac, "ci@pve", comment="Backups from the NAS")
        ac.tokens["ci@pve!nightly"] = Token("ci@pve!nightly", str(uuid.uuid4()), privsep=True, comment="nightly")
        ac.acl += [ACLEntry("/", "admins", "PVEAdmin"), ACLEntry("/pool/production", "family", "PVEVMUser"),
                   ACLEntry("/", "ci@pve", "BackupOperator"), ACLEntry("/", "ci@pve!nightly", "BackupOperator")]
        return
    for env in ("prod", "staging", "dev"):
        ac.groups[f"ops-{env}"] = Group(f"ops-{env}", f"Operators of {env}")
        ac.acl.append(ACLEntry("/", f"ops-{env}", "PVEAuditor"))
    for i in range(1, 7):
        _user(ac, f"ops{i}@pve", (f"ops-{('prod', 'staging', 'dev')[i % 3]}",), email=f"ops{i}@example.com")
    ac.acl.append(ACLEntry("/", "ops-prod", "PVEVMAdmin"))
