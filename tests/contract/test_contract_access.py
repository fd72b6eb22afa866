"""Contract: users, API tokens, groups, roles and the ACL are kept as PVE 9.1 does it (issue #20), and the
simulator's own permission checks use them: a user created through the API logs in once it has a password, and
roles given through `PUT /access/acl` decide what it may do. Passwords are never answered; a token's secret
only at its creation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from contract_support import data, refusal, shape_problems

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def login(sim: SimulatorThread, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=10) as client:
        return client.post("/access/ticket", data={"username": username, "password": password})


def token_client(sim: SimulatorThread, tokenid: str, secret: str) -> httpx.Client:
    return httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=10,
                        headers={"Authorization": f"PVEAPIToken={tokenid}={secret}"})


def test_the_homelab_has_users_groups_and_acl_entries(api: httpx.Client,
                                                      pve_returns: dict[tuple[str, str], Any]) -> None:
    users = data(api.get("/access/users", params={"full": 1}))
    assert not shape_problems(users, pve_returns[("GET", "/access/users")])
    by_id = {u["userid"]: u for u in users}
    assert by_id["alice@pve"]["groups"] == "admins" and by_id["alice@pve"]["realm-type"] == "pve"
    assert all("password" not in u for u in users)
    assert [t["tokenid"] for t in by_id["ci@pve"]["tokens"]] == ["nightly"]
    groups = data(api.get("/access/groups"))
    assert not shape_problems(groups, pve_returns[("GET", "/access/groups")])
    assert {"groupid": "admins", "comment": "Household admins", "users": "alice@pve"} in groups
    acl = data(api.get("/access/acl"))
    assert not shape_problems(acl, pve_returns[("GET", "/access/acl")])
    assert {"path": "/pool/production", "type": "group", "ugid": "family", "roleid": "PVEVMUser",
            "propagate": 1} in acl
    roles = {r["roleid"]: r for r in data(api.get("/access/roles"))}
    assert not shape_problems(list(roles.values()), pve_returns[("GET", "/access/roles")])
    assert roles["PVEVMUser"]["special"] == 1 and roles["BackupOperator"]["special"] == 0


def test_a_user_created_through_the_api_logs_in_and_the_acl_decides(sim: SimulatorThread, api: httpx.Client,
                                                                     pve_returns: dict[tuple[str, str], Any]) -> None:
    assert data(api.post("/access/users", data={"userid": "carol@pve", "email": "carol@example.com",
                                                "groups": "family", "firstname": "Carol"})) is None
    one = data(api.get("/access/users/carol@pve"))
    assert not shape_problems(one, pve_returns[("GET", "/access/users/{userid}")])
    assert one["groups"] == ["family"] and one["email"] == "carol@example.com" and "password" not in one
    assert login(sim, "carol@pve", "s3cret-pass").status_code == 401  # no password yet
    assert data(api.put("/access/password", data={"userid": "carol@pve", "password": "s3cret-pass"})) is None
    ticket = login(sim, "carol", "s3cret-pass")
    assert ticket.status_code == 401  # `carol` alone is carol@pam
    signed = data(login(sim, "carol@pve", "s3cret-pass"))
    cookies = {"PVEAuthCookie": signed["ticket"]}
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=10, cookies=cookies) as carol:
        # through the group `family`: PVEVMUser on /pool/production, which holds VM 101 but not VM 107
        assert carol.get("/nodes/pve1/qemu/101/status/current").status_code == 200
        assert carol.get("/nodes/pve2/qemu/107/status/current").status_code == 403
        assert carol.get("/nodes/pve2/qemu/107/status/current").status_code == 403
        assert data(api.put("/access/acl", data={"path": "/vms/107", "users": "carol@pve",
                                                 "roles": "PVEAuditor"})) is None
        assert carol.get("/nodes/pve2/qemu/107/status/current").status_code == 200
        assert data(api.put("/access/acl", data={"path": "/vms/107", "users": "carol@pve", "roles": "NoAccess",
                                                 "propagate": 0})) is None
        # the user's own NoAccess at the same path joins its PVEAuditor (both user entries)
        assert data(api.put("/access/acl", data={"path": "/vms/107", "users": "carol@pve", "roles": "PVEAuditor",
                                                 "delete": 1})) is None
        assert carol.get("/nodes/pve2/qemu/107/status/current").status_code == 403
    assert data(api.delete("/access/users/carol@pve")) is None
    assert not [e for e in data(api.get("/access/acl")) if e["ugid"] == "carol@pve"]
    assert login(sim, "carol@pve", "s3cret-pass").status_code == 401


def test_a_token_secret_is_shown_once_and_works(sim: SimulatorThread, api: httpx.Client,
                                                pve_returns: dict[tuple[str, str], Any]) -> None:
    made = data(api.post("/access/users/alice@pve/token/laptop", data={"comment": "my laptop"}))
    assert not shape_problems(made, pve_returns[("POST", "/access/users/{userid}/token/{tokenid}")])
    assert made["full-tokenid"] == "alice@pve!laptop" and made["info"]["privsep"] == 1
    listed = data(api.get("/access/users/alice@pve/token"))
    assert listed == [{"tokenid": "laptop", "comment": "my laptop", "expire": 0, "privsep": 1}]
    assert "value" not in data(api.get("/access/users/alice@pve/token/laptop"))
    assert refusal(api.post("/access/users/alice@pve/token/laptop")) == "Token already exists.\n"
    with token_client(sim, made["full-tokenid"], made["value"]) as laptop:
        # privilege separation: the token holds nothing of its own yet
        assert laptop.get("/nodes/pve1/qemu/101/status/current").status_code == 403
        data(api.put("/access/acl", data={"path": "/vms", "tokens": "alice@pve!laptop", "roles": "PVEAuditor"}))
        assert laptop.get("/nodes/pve1/qemu/101/status/current").status_code == 200
        assert data(api.put("/access/users/alice@pve/token/laptop", data={"privsep": 0}))["privsep"] == 0
        assert laptop.get("/nodes/pve1/storage").status_code == 200  # now alice's PVEAdmin on /
        assert data(api.delete("/access/users/alice@pve/token/laptop")) is None
        assert laptop.get("/nodes/pve1/qemu/101/status/current").status_code == 401


def test_groups_and_roles_follow_pves_rules(api: httpx.Client,
                                            pve_returns: dict[tuple[str, str], Any]) -> None:
    assert data(api.post("/access/groups", data={"groupid": "kids", "comment": "Minecraft"})) is None
    assert "already exists" in refusal(api.post("/access/groups", data={"groupid": "kids"}))
    assert data(api.put("/access/users/bob@pve", data={"groups": "kids", "append": 1})) is None
    group = data(api.get("/access/groups/kids"))
    assert not shape_problems(group, pve_returns[("GET", "/access/groups/{groupid}")])
    assert group == {"members": ["bob@pve"], "comment": "Minecraft"}
    assert data(api.get("/access/users/bob@pve"))["groups"] == ["family", "kids"]
    assert "no such group" in refusal(api.put("/access/users/bob@pve", data={"groups": "nobody"}))
    assert data(api.post("/access/roles", data={"roleid": "Snapshotter", "privs": "VM.Snapshot,VM.Audit"})) is None
    assert data(api.get("/access/roles/Snapshotter")) == {"VM.Audit": 1, "VM.Snapshot": 1}
    assert data(api.put("/access/roles/Snapshotter", data={"privs": "VM.Snapshot.Rollback", "append": 1})) is None
    assert set(data(api.get("/access/roles/Snapshotter"))) == {"VM.Audit", "VM.Snapshot", "VM.Snapshot.Rollback"}
    bad = api.post("/access/roles", data={"roleid": "Bad", "privs": "VM.Fly"})
    assert bad.status_code == 400 and "invalid privilege 'VM.Fly'" in bad.json()["errors"]["privs"]
    assert refusal(api.put("/access/roles/PVEVMUser", data={"privs": "VM.Audit"})) == \
        "auto-generated role 'PVEVMUser' cannot be modified\n"
    assert refusal(api.delete("/access/roles/Administrator")) == \
        "auto-generated role 'Administrator' cannot be deleted\n"
    assert "role 'Nope' does not exist" in refusal(
        api.put("/access/acl", data={"path": "/", "groups": "kids", "roles": "Nope"}))
    assert "invalid ACL path" in refusal(api.put("/access/acl", data={"path": "/nowhere", "groups": "kids",
                                                                       "roles": "PVEAuditor"}))
    assert data(api.delete("/access/groups/kids")) is None
    assert data(api.get("/access/users/bob@pve"))["groups"] == ["family"]


def test_the_auditor_reads_but_cannot_change_access(auditor: httpx.Client) -> None:
    assert {u["userid"] for u in data(auditor.get("/access/users"))} >= {"alice@pve", "auditor@pve"}
    assert data(auditor.get("/access/acl")) == []  # only entries it may change
    refused = auditor.post("/access/groups", data={"groupid": "x"})
    assert refused.status_code == 403 and "(/access/groups, Group.Allocate)" in refused.json()["message"]
    assert auditor.post("/access/users", data={"userid": "x@pve"}).status_code == 403
    assert auditor.put("/access/acl", data={"path": "/", "users": "auditor@pve", "roles": "Administrator"}) \
        .status_code == 403
    assert auditor.post("/access/roles", data={"roleid": "Mine"}).status_code == 403


def test_an_ldap_realm_is_added_changed_and_removed_and_the_builtins_stay(
        api: httpx.Client, anonymous_realms: list[str], pve_returns: dict[tuple[str, str], Any]) -> None:
    assert anonymous_realms == ["pam", "pve"]
    form = {"realm": "corp", "type": "ldap", "server1": "ldap.example.com", "base_dn": "dc=example,dc=com",
            "user_attr": "uid", "bind_dn": "cn=pve,dc=example,dc=com", "password": "bind-secret", "comment": "Corp"}
    assert data(api.post("/access/domains", data=form)) is None
    listed = data(api.get("/access/domains"))
    assert not shape_problems(listed, pve_returns[("GET", "/access/domains")])
    assert {"realm": "corp", "type": "ldap", "comment": "Corp"} in listed
    one = data(api.get("/access/domains/corp"))
    assert one["base_dn"] == "dc=example,dc=com" and "password" not in one
    assert data(api.put("/access/domains/corp", data={"comment": "Corporate LDAP", "delete": "bind_dn",
                                                      "digest": one["digest"]})) is None
    changed = data(api.get("/access/domains/corp"))
    assert changed["comment"] == "Corporate LDAP" and "bind_dn" not in changed
    assert "detected modified configuration" in refusal(
        api.put("/access/domains/corp", data={"comment": "x", "digest": one["digest"]}))
    assert data(api.post("/access/users", data={"userid": "erin@corp"})) is None  # a user of the new realm
    missing = api.post("/access/domains", data={"realm": "ad1", "type": "ad"})
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"server1", "domain"}
    assert "unable to create builtin type 'pve'" in refusal(
        api.post("/access/domains", data={"realm": "pve2", "type": "pve"}))
    assert "already exists" in refusal(api.post("/access/domains", data=form))
    assert "built-in realm 'pam'" in refusal(api.delete("/access/domains/pam"))
    assert data(api.delete("/access/domains/corp")) is None
    assert "corp" not in {r["realm"] for r in data(api.get("/access/domains"))}


def test_the_auditor_reads_a_realm_but_cannot_add_one(auditor: httpx.Client) -> None:
    assert data(auditor.get("/access/domains/pve"))["type"] == "pve"
    refused = auditor.post("/access/domains", data={"realm": "x", "type": "openid", "issuer-url": "https://x",
                                                    "client-id": "x"})
    assert refused.status_code == 403 and "(/access/realm, Realm.Allocate)" in refused.json()["message"]


@pytest.fixture
def anonymous_realms(sim: SimulatorThread) -> list[str]:
    """The realms the login box sees, asked without any credentials."""
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=10) as client:
        return [r["realm"] for r in data(client.get("/access/domains"))]


def test_a_pools_acl_reaches_its_guests(sim: SimulatorThread, api: httpx.Client) -> None:
    """bob@pve is in `family`, which holds PVEVMUser on /pool/production (web-01, web-02, db-01, pihole)."""
    assert data(api.put("/access/password", data={"userid": "bob@pve", "password": "bobs-password"})) is None
    cookies = {"PVEAuthCookie": data(login(sim, "bob@pve", "bobs-password"))["ticket"]}
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=10, cookies=cookies) as bob:
        assert bob.get("/nodes/pve2/qemu/103/status/current").status_code == 200
        assert bob.get("/nodes/pve2/qemu/107/status/current").status_code == 403  # not in the pool
        assert {g["vmid"] for g in data(bob.get("/cluster/resources", params={"type": "vm"}))} == {101, 102, 103, 200}
