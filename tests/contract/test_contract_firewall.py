"""Contract: the firewall routes (cluster, qemu and lxc guests) answer and refuse as PVE 9.1 does (issue #19).

Parameters are declared against the schema with every other route (test_contract_schema.py); here every
answer is checked against the schema's `returns`, and each rule PVE applies: references to unknown aliases,
IP sets and security groups, positions, digests, where a new rule goes, `moveto`, groups that cannot be
deleted, IP set members, and the privileges the schema names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from contract_support import data, finish, shape_problems

from pmpc_tui.simulator.server import SimulatorThread

# Real PVE lists carry the list's digest in every entry and an alias's/rule's IP version; the schema leaves
# them out of some `returns`.
EXTRA = frozenset({"digest", "ipversion"})
GUESTS = [("qemu", "pve1", 101), ("lxc", "pve1", 200)]


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


@pytest.fixture(scope="module")
def auditor(sim: SimulatorThread) -> Iterator[httpx.Client]:
    """The PVEAuditor token: may read everything, change nothing."""
    info = sim.info
    headers = {"Authorization": f"PVEAPIToken={info.auditor_token_id}={info.auditor_token_secret}"}
    with httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10) as client:
        yield client


def check(pve_returns: dict[tuple[str, str], dict[str, Any]], method: str, template: str, value: Any) -> None:
    problems = shape_problems(value, pve_returns[(method, template)], extra=EXTRA)
    assert not problems, (method, template, problems)


def errors(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    return dict(response.json()["errors"])


def message(response: httpx.Response, status: int = 500) -> str:
    assert response.status_code == status, response.text
    return str(response.json()["message"])


def test_every_cluster_answer_has_the_schema_shape(api: httpx.Client,
                                                   pve_returns: dict[tuple[str, str], Any]) -> None:
    base = "/cluster/firewall"
    for path in ("", "/options", "/rules", "/rules/0", "/groups", "/groups/webservers", "/groups/webservers/0",
                 "/aliases", "/aliases/lan", "/ipset", "/ipset/management", "/ipset/management/192.168.1.100",
                 "/refs", "/macros"):
        template = (base + path).replace("/rules/0", "/rules/{pos}").replace("/webservers/0", "/{group}/{pos}")
        template = template.replace("/webservers", "/{group}").replace("/aliases/lan", "/aliases/{name}")
        template = template.replace("/management/192.168.1.100", "/{name}/{cidr}").replace("/management", "/{name}")
        check(pve_returns, "GET", template, data(api.get(base + path)))
    assert {m["macro"] for m in data(api.get(f"{base}/macros"))} >= {"SSH", "HTTP", "HTTPS", "DNS", "Ping"}
    for method, path, body, template in (
        ("POST", "/aliases", {"name": "shape", "cidr": "10.9.9.9"}, "/aliases"),
        ("PUT", "/aliases/shape", {"cidr": "10.9.9.8"}, "/aliases/{name}"),
        ("DELETE", "/aliases/shape", {}, "/aliases/{name}"),
        ("POST", "/rules", {"type": "in", "action": "ACCEPT", "macro": "Ping"}, "/rules"),
        ("PUT", "/rules/0", {"comment": "shape"}, "/rules/{pos}"),
        ("DELETE", "/rules/0", {}, "/rules/{pos}"),
        ("PUT", "/options", {"policy_out": "ACCEPT"}, "/options"),
    ):
        response = api.request(method, base + path, data=body) if method != "DELETE" else api.delete(base + path)
        check(pve_returns, method, base + template, data(response))


@pytest.mark.parametrize(("kind", "node", "vmid"), GUESTS)
def test_every_guest_answer_has_the_schema_shape(api: httpx.Client, pve_returns: dict[tuple[str, str], Any],
                                                 kind: str, node: str, vmid: int) -> None:
    base = f"/nodes/{node}/{kind}/{vmid}/firewall"
    template = f"/nodes/{{node}}/{kind}/{{vmid}}/firewall"
    assert data(api.put(f"{base}/options", data={"enable": 1, "dhcp": 1})) is None
    assert data(api.post(f"{base}/aliases", data={"name": "peer", "cidr": "10.1.2.3", "comment": "x"})) is None
    assert data(api.post(f"{base}/ipset", data={"name": "peers"})) is None
    assert data(api.post(f"{base}/ipset/peers", data={"cidr": "10.1.0.0/16", "nomatch": 1})) is None
    for path, shape in (("", ""), ("/options", "/options"), ("/rules", "/rules"), ("/rules/0", "/rules/{pos}"),
                        ("/aliases", "/aliases"), ("/aliases/peer", "/aliases/{name}"), ("/ipset", "/ipset"),
                        ("/ipset/peers", "/ipset/{name}"), ("/ipset/peers/10.1.0.0%2F16", "/ipset/{name}/{cidr}"),
                        ("/refs", "/refs"), ("/log", "/log")):
        check(pve_returns, "GET", template + shape, data(api.get(base + path)))
    options = data(api.get(f"{base}/options"))
    assert options["enable"] == 1 and options["dhcp"] == 1
    member = data(api.get(f"{base}/ipset/peers/10.1.0.0/16"))  # an unescaped slash reaches the member too
    assert member["cidr"] == "10.1.0.0/16" and member["nomatch"] == 1
    refs = {(r["scope"], r["ref"]) for r in data(api.get(f"{base}/refs"))}
    assert {("guest", "guest/peer"), ("guest", "+guest/peers"), ("dc", "dc/lan")} <= refs


def test_a_rule_naming_what_does_not_exist_is_refused_and_nothing_changes(api: httpx.Client) -> None:
    before = data(api.get("/cluster/firewall/rules"))
    for body, field, text in (
        ({"type": "in", "action": "ACCEPT", "source": "+no-such-set"}, "source", "no such ipset 'no-such-set'"),
        ({"type": "in", "action": "ACCEPT", "dest": "nosuchalias"}, "dest", "no such alias 'nosuchalias'"),
        ({"type": "group", "action": "nosuchgroup"}, "action", "no such security group 'nosuchgroup'"),
        ({"type": "in", "action": "ALLOW"}, "action", "unknown action 'ALLOW'"),
        ({"type": "in", "action": "ACCEPT", "macro": "NoSuchMacro"}, "macro", "unknown macro 'NoSuchMacro'"),
        ({"type": "in", "action": "ACCEPT", "dport": "22"}, "proto", "missing property - 'dport' requires this "
                                                                     "property"),
        ({"type": "in", "action": "ACCEPT", "proto": "gre", "dport": "22"}, "dport",
         "protocol 'gre' does not support ports"),
        ({"type": "in", "action": "ACCEPT", "icmp-type": "echo-request"}, "proto",
         "missing property - 'icmp-type' requires this property"),
        ({"type": "in", "action": "ACCEPT", "proto": "icmp", "icmp-type": "neighbor-solicitation"}, "icmp-type",
         "invalid icmp-type 'neighbor-solicitation' for proto 'icmp'"),
        ({"type": "in", "action": "ACCEPT", "source": "10.0.0.1", "dest": "fe80::1"}, "dest",
         "detected mixed ipv4/ipv6 addresses in rule"),
    ):
        assert errors(api.post("/cluster/firewall/rules", data=body)).get(field) == text, body
    assert data(api.get("/cluster/firewall/rules")) == before


@pytest.mark.parametrize(("field", "value", "text"), [
    ("dport", "70000", "invalid port '70000'"),
    ("dport", "443:80", "backwards range '443:80' not allowed, did you mean '80:443'?"),
    ("dport", "nosuchservice", "invalid port 'nosuchservice'"),
    ("proto", "tcpx", "unknown protocol 'tcpx'"),
    ("source", "10.0.0.300", "invalid IP address"),
    ("source", "10.0.0.1,fe80::1", "mixed IPv4/IPv6"),
    ("iface", "9eth", "invalid network interface name '9eth'"),
])
def test_bad_addresses_ports_and_protocols_are_refused_with_pve_messages(api: httpx.Client, field: str,
                                                                         value: str, text: str) -> None:
    body = {"type": "in", "action": "ACCEPT", "proto": "tcp", field: value}
    assert text in errors(api.post("/cluster/firewall/rules", data=body))[field]


def test_a_new_rule_goes_first_disabled_unless_enabled_and_moveto_places_it(api: httpx.Client) -> None:
    base = "/nodes/pve1/qemu/109/firewall/rules"
    for comment in ("c", "b", "a"):
        api.post(base, data={"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "80", "comment": comment,
                             "pos": 2})  # PVE ignores `pos` on create: a new rule always goes first
    rules = data(api.get(base))
    assert [(r["pos"], r["comment"], r["enable"]) for r in rules] == [(0, "a", 0), (1, "b", 0), (2, "c", 0)]
    assert len({r["digest"] for r in rules}) == 1
    data(api.put(f"{base}/0", data={"moveto": 2}))  # before the rule now at 2
    assert [r["comment"] for r in data(api.get(base))] == ["b", "a", "c"]
    data(api.put(f"{base}/0", data={"moveto": 9}))  # past the end: last
    assert [r["comment"] for r in data(api.get(base))] == ["a", "c", "b"]
    data(api.put(f"{base}/1", data={"enable": 1, "delete": "comment"}))
    assert "comment" not in data(api.get(f"{base}/1")) and data(api.get(f"{base}/1"))["enable"] == 1
    data(api.put(f"{base}/2", data={"delete": "enable"}))  # no `|` mark in the file: enabled when read back
    assert data(api.get(f"{base}/2"))["enable"] == 1
    assert errors(api.put(f"{base}/1", data={"delete": "action"}))["delete"] == \
        "unable to delete required property 'action'"


def test_positions_past_the_end_and_stale_digests_are_refused(api: httpx.Client) -> None:
    base = "/nodes/pve2/qemu/104/firewall/rules"
    api.post(base, data={"type": "out", "action": "REJECT", "enable": 1})
    stale = data(api.get(f"{base}/0"))["digest"]
    for method in ("GET", "PUT", "DELETE"):
        assert message(api.request(method, f"{base}/5")) == "no rule at position 5\n"
    api.put(f"{base}/0", data={"comment": "changed"})
    refused = api.put(f"{base}/0", data={"comment": "again", "digest": stale})
    assert "detected modified configuration" in message(refused)
    assert "detected modified configuration" in message(api.delete(f"{base}/0", params={"digest": stale}))
    fresh = data(api.get(f"{base}/0"))["digest"]
    data(api.delete(f"{base}/0", params={"digest": fresh}))
    assert data(api.get(base)) == []


def test_a_security_group_with_rules_or_in_use_cannot_be_deleted(api: httpx.Client) -> None:
    groups = "/cluster/firewall/groups"
    assert "is not empty" in message(api.delete(f"{groups}/webservers"))
    data(api.post(groups, data={"group": "empty-used", "comment": "nothing yet"}))
    data(api.post("/nodes/pve1/qemu/106/firewall/rules", data={"type": "group", "action": "empty-used"}))
    assert "empty-used" in message(api.delete(f"{groups}/empty-used"))
    data(api.put("/nodes/pve1/qemu/106/firewall/rules/0", data={"log": "info", "comment": " "}))
    assert data(api.get("/nodes/pve1/qemu/106/firewall/rules/0")).keys() == \
        {"type", "action", "enable", "pos", "digest"}  # a group rule's file line keeps neither
    data(api.delete("/nodes/pve1/qemu/106/firewall/rules/0"))
    data(api.delete(f"{groups}/empty-used"))
    assert "empty-used" not in {g["group"] for g in data(api.get(groups))}
    assert "no such security group 'empty-used'" in message(api.get(f"{groups}/empty-used"))


def test_a_security_group_is_created_once_and_renamed_with_its_rules(api: httpx.Client) -> None:
    groups = "/cluster/firewall/groups"
    data(api.post(groups, data={"group": "Mail", "comment": "Mail relay"}))  # read back lowercased, as PVE does
    assert errors(api.post(groups, data={"group": "mail"}))["group"] == "Security group 'mail' already exists"
    data(api.post(f"{groups}/mail", data={"type": "in", "action": "ACCEPT", "macro": "smtp", "enable": 1}))
    assert data(api.get(f"{groups}/mail/0"))["macro"] == "SMTP"  # PVE stores the macro's own spelling
    assert errors(api.post(f"{groups}/mail", data={"type": "group", "action": "webservers"}))["type"] == \
        "security groups not allowed"
    data(api.post(groups, data={"group": "smtp-relay", "rename": "mail"}))
    listed = {g["group"]: g.get("comment") for g in data(api.get(groups))}
    assert "mail" not in listed and listed["smtp-relay"] == "Mail relay"
    assert len(data(api.get(f"{groups}/smtp-relay"))) == 1
    assert "does not exist" in errors(api.post(groups, data={"group": "x1", "rename": "mail"}))["group"]


def test_aliases_are_unique_whatever_the_case_and_rename_keeps_references_checkable(api: httpx.Client) -> None:
    base = "/cluster/firewall/aliases"
    data(api.post(base, data={"name": "Printer", "cidr": "192.168.1.40", "comment": "office"}))
    assert errors(api.post(base, data={"name": "printer", "cidr": "192.168.1.41"}))["name"] == \
        "alias 'printer' already exists"
    assert data(api.get(f"{base}/printer"))["cidr"] == "192.168.1.40"
    assert errors(api.get(f"{base}/nosuch"))["name"] == "no such alias"
    assert "cidr" in errors(api.post(base, data={"name": "bad", "cidr": "192.168.1.999"}))
    data(api.put(f"{base}/printer", data={"cidr": "192.168.1.42", "rename": "laser"}))
    entry = data(api.get(f"{base}/laser"))
    assert entry["name"] == "laser" and entry["cidr"] == "192.168.1.42" and "comment" not in entry
    assert errors(api.put(f"{base}/laser", data={"cidr": "1.1.1.1", "rename": "lan"}))["name"] == \
        "alias 'lan' already exists"
    data(api.delete(f"{base}/laser"))
    assert "laser" not in {a["name"] for a in data(api.get(base))}


def test_ip_set_members_follow_pve_rules(api: httpx.Client) -> None:
    base = "/cluster/firewall/ipset"
    data(api.post(base, data={"name": "office-hosts", "comment": "Office"}))
    assert "already exists" in errors(api.post(base, data={"name": "office-hosts"}))["name"]
    data(api.post(f"{base}/office-hosts", data={"cidr": "10.20.0.0/24"}))
    data(api.post(f"{base}/office-hosts", data={"cidr": "10.20.0.7", "nomatch": 1, "comment": "printer"}))
    data(api.post(f"{base}/office-hosts", data={"cidr": "lan"}))  # an alias may be a member
    assert "no such alias" in message(api.post(f"{base}/office-hosts", data={"cidr": "nosuchalias"}))
    assert errors(api.post(f"{base}/office-hosts", data={"cidr": "10.20.0.0/24"}))["cidr"] == \
        "address '10.20.0.0/24' already exists"
    assert "zero prefix" in errors(api.post(f"{base}/office-hosts", data={"cidr": "0.0.0.0/0"}))["cidr"]
    members = data(api.get(f"{base}/office-hosts"))
    assert [m["cidr"] for m in members] == ["10.20.0.0/24", "10.20.0.7", "lan"]  # cluster.fw holds them sorted
    assert members[1]["nomatch"] == 1 and members[1]["comment"] == "printer"
    data(api.put(f"{base}/office-hosts/10.20.0.7", data={"comment": "laser"}))
    changed = data(api.get(f"{base}/office-hosts/10.20.0.7"))
    assert changed["comment"] == "laser" and "nomatch" not in changed
    assert errors(api.get(f"{base}/office-hosts/10.99.0.1")) == {"cidr": "no such IP/Network"}
    assert "is not empty" in message(api.delete(f"{base}/office-hosts"))
    data(api.delete(f"{base}/office-hosts", params={"force": 1}))
    assert message(api.get(f"{base}/office-hosts")) == "no such IPSet 'office-hosts'\n"
    assert message(api.delete(f"{base}/office-hosts")) == "no such IPSet 'office-hosts'\n"


def test_options_are_set_deleted_and_checked(api: httpx.Client) -> None:
    base = "/cluster/firewall/options"
    stale = data(api.get(base))["digest"]
    data(api.put(base, data={"log_ratelimit": "enable=1,rate=10/minute,burst=20", "ebtables": 0}))
    assert data(api.get(base))["log_ratelimit"] == "enable=1,rate=10/minute,burst=20"
    assert "log_ratelimit" in errors(api.put(base, data={"log_ratelimit": "rate=10/fortnight"}))
    assert "policy_in" in errors(api.put(base, data={"policy_in": "ALLOW"}))
    assert "detected modified configuration" in message(api.put(base, data={"enable": 0, "digest": stale}))
    fresh = data(api.get(base))["digest"]
    data(api.post("/cluster/firewall/aliases", data={"name": "elsewhere", "cidr": "10.7.7.7"}))
    assert "detected modified configuration" in message(api.put(base, data={"enable": 1, "digest": fresh})), \
        "the options' digest is the whole cluster.fw's"
    data(api.put(base, data={"delete": "log_ratelimit,ebtables", "enable": 5}))
    assert data(api.get(base))["enable"] == 1
    assert "log_ratelimit" not in data(api.get(base)) and "ebtables" not in data(api.get(base))
    guest = "/nodes/pve3/lxc/205/firewall/options"
    data(api.put(guest, data={"enable": 1, "policy_in": "REJECT", "log_level_in": "info"}))
    assert {k: v for k, v in data(api.get(guest)).items() if k != "digest"} == \
        {"enable": 1, "policy_in": "REJECT", "log_level_in": "info"}


def test_guest_rules_only_take_guest_interfaces_and_an_unknown_guest_is_refused(api: httpx.Client) -> None:
    base = "/nodes/pve3/qemu/108/firewall/rules"
    assert errors(api.post(base, data={"type": "in", "action": "DROP", "iface": "eth0"}))["iface"] == \
        "value does not match the regex pattern 'net\\d+'"
    data(api.post(base, data={"type": "in", "action": "DROP", "iface": "net0", "enable": 1}))
    assert "does not exist" in message(api.get("/nodes/pve3/qemu/999/firewall/rules"))
    assert "does not exist" in message(api.get("/nodes/pve1/qemu/108/firewall/options"))  # 108 lives on pve3


def test_homelab_guests_use_the_clusters_groups_and_sets(api: httpx.Client) -> None:
    web = data(api.get("/nodes/pve1/qemu/101/firewall/rules"))
    assert [(r["type"], r["action"]) for r in web][:2] == [("group", "webservers"), ("group", "ssh-admin")]
    assert data(api.get("/nodes/pve1/qemu/101/firewall/options"))["enable"] == 1
    assert any(r.get("source") == "+dc/management" for r in data(api.get("/cluster/firewall/rules")))


def test_the_auditor_reads_but_changes_nothing(auditor: httpx.Client) -> None:
    assert auditor.get("/cluster/firewall/rules").status_code == 200
    assert auditor.get("/nodes/pve1/qemu/101/firewall/rules").status_code == 200
    for method, path, body, priv in (
        ("POST", "/cluster/firewall/aliases", {"name": "x1", "cidr": "1.2.3.4"}, "(/, Sys.Modify)"),
        ("PUT", "/cluster/firewall/options", {"enable": 0}, "(/, Sys.Modify)"),
        ("POST", "/cluster/firewall/groups", {"group": "x1"}, "(/, Sys.Modify)"),
        ("DELETE", "/cluster/firewall/ipset/management", None, "(/, Sys.Modify)"),
        ("PUT", "/nodes/pve1/qemu/101/firewall/options", {"enable": 0}, "(/vms/101, VM.Config.Network)"),
        ("DELETE", "/nodes/pve1/qemu/101/firewall/rules/0", None, "(/vms/101, VM.Config.Network)"),
        ("GET", "/nodes/pve1/qemu/101/firewall/log", None, "(/vms/101, VM.Console)"),
    ):
        response = auditor.request(method, path, data=body)
        assert response.status_code == 403 and priv in response.text, (method, path, response.text)
    # the privilege is checked before the guest is looked up, as PVE's permission check runs first
    refused = auditor.put("/nodes/pve1/qemu/999/firewall/options", data={"enable": 1})
    assert refused.status_code == 403


def test_a_clone_takes_its_sources_firewall_and_a_destroyed_guest_leaves_none(api: httpx.Client) -> None:
    source = "/nodes/pve2/qemu/107"
    data(api.post(f"{source}/firewall/aliases", data={"name": "rdp-clients", "cidr": "192.168.1.0/24"}))
    data(api.put(f"{source}/firewall/options", data={"enable": 1}))
    assert finish(api, data(api.post(f"{source}/clone", data={"newid": 170, "full": 1})))["exitstatus"] == "OK"
    clone = "/nodes/pve2/qemu/170/firewall"
    assert [a["name"] for a in data(api.get(f"{clone}/aliases"))] == ["rdp-clients"]
    assert data(api.get(f"{clone}/options"))["enable"] == 1
    data(api.delete(f"{clone}/aliases/rdp-clients"))  # the clone's firewall is its own
    assert [a["name"] for a in data(api.get(f"{source}/firewall/aliases"))] == ["rdp-clients"]
    assert finish(api, data(api.delete("/nodes/pve2/qemu/170")))["exitstatus"] == "OK"
    assert "does not exist" in message(api.get(f"{clone}/options"))


def test_references_are_scoped_and_filtered_by_type(api: httpx.Client) -> None:
    guest = "/nodes/pve2/qemu/103/firewall"  # db-01 has its own `app-servers` IP set
    assert data(api.get(f"{guest}/refs", params={"type": "ipset"})) == [
        {"type": "ipset", "name": "blocklist", "ref": "+dc/blocklist", "scope": "dc", "comment": "Known scanners"},
        {"type": "ipset", "name": "management", "ref": "+dc/management", "scope": "dc",
         "comment": "Admin workstations"},
        {"type": "ipset", "name": "app-servers", "ref": "+guest/app-servers", "scope": "guest", "comment": "Web tier"},
    ]
    assert {r["type"] for r in data(api.get("/cluster/firewall/refs", params={"type": "alias"}))} == {"alias"}
    # a guest's own set is unknown to the cluster and to other guests, and `dc/` never means the guest's
    assert "no such ipset 'app-servers'" in errors(api.post("/cluster/firewall/rules", data={
        "type": "in", "action": "ACCEPT", "source": "+app-servers"}))["source"]
    assert "no such ipset" in errors(api.post("/nodes/pve1/qemu/101/firewall/rules", data={
        "type": "in", "action": "ACCEPT", "source": "+guest/app-servers"}))["source"]
    assert "no such ipset" in errors(api.post(f"{guest}/rules", data={
        "type": "in", "action": "ACCEPT", "source": "+dc/app-servers"}))["source"]
    data(api.post(f"{guest}/rules", data={"type": "in", "action": "ACCEPT", "source": "+app-servers"}))
