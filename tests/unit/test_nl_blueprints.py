"""Multi-step requests: blueprints expand into create lines the registry parses, with free names, VMIDs and
online nodes; requests that ask for no blueprint are never turned into one."""

from __future__ import annotations

import shlex

import pytest

from pmpc_tui.commands.repl import parse_line
from pmpc_tui.nl.blueprints import match_blueprint
from pmpc_tui.services.names import Names
from pmpc_tui.simulator.scenarios import homelab


def homelab_cluster_names() -> Names:
    """Names as the console reads them from the homelab scenario (the simulator's own cluster model)."""
    cluster = homelab()
    rows = [{"vmid": g.vmid, "name": g.name, "node": g.node, "status": g.status,
             "tags": str(g.config.get("tags", ""))} for g in cluster.guests.values()]
    return Names.from_rows([r for r, g in zip(rows, cluster.guests.values(), strict=True) if g.kind == "qemu"],
                           [r for r, g in zip(rows, cluster.guests.values(), strict=True) if g.kind == "lxc"],
                           sorted(cluster.nodes))


def option(line: str, flag: str) -> str:
    words = shlex.split(line)
    return words[words.index(flag) + 1]


def assert_checked_lines(lines: list[str], names: Names) -> None:
    """Every line is a registry `create`, with a free name and VMID (none repeated) on an online node."""
    vmids = [int(option(line, "--vmid")) for line in lines]
    created = [option(line, "--name") for line in lines]
    assert all(parse_line(line).kind == "command" and line.startswith("create ") for line in lines)
    assert len(set(vmids)) == len(vmids) and not set(vmids) & {f[1] for f in names.guests.values()}
    assert len(set(created)) == len(created) and not set(created) & set(names.guests)
    assert all(option(line, "--node") in names.nodes for line in lines)


def test_a_talos_cluster_request_becomes_control_planes_and_workers() -> None:
    names = homelab_cluster_names()
    found = match_blueprint("create 3 VMs with Talos for a k8s cluster", names)
    assert found is not None and found.understood
    assert_checked_lines(found.commands, names)
    assert len(found.commands) == 3
    roles = [option(line, "--tags") for line in found.commands]
    assert roles == ["k8s,talos,control-plane", "k8s,talos,worker", "k8s,talos,worker"]
    assert len({option(line, "--node") for line in found.commands}) == 3  # spread over the three nodes
    assert "Talos ISO" in found.explanation and "from template" in found.explanation  # the source is changeable
    cloned = match_blueprint("create 5 VMs with talos for a k8s cluster from template debian-12-template on pve2",
                             names)
    assert cloned is not None and len(cloned.commands) == 5
    assert all(option(line, "--clone") == "debian-12-template" and option(line, "--node") == "pve2"
               for line in cloned.commands)
    assert sum("control-plane" in line for line in cloned.commands) == 3
    split = match_blueprint("a talos cluster with 3 control planes and 4 workers", names)
    assert split is not None and [option(line, "--tags").rsplit(",", 1)[1] for line in split.commands] == \
        ["control-plane"] * 3 + ["worker"] * 4


def test_gitlab_with_runners_honours_the_count() -> None:
    names = homelab_cluster_names()
    for text, runners in (("set up GitLab with 3 runners", 3), ("set up gitlab with 5 runners", 5),
                          ("set up gitlab with two runners", 2)):
        found = match_blueprint(text, names)
        assert found is not None and found.understood, text
        assert_checked_lines(found.commands, names)
        assert found.commands[0].startswith("create vm --name gitlab ")
        assert [line.split()[1] for line in found.commands[1:]] == ["ct"] * runners, text
    as_vms = match_blueprint("set up gitlab with 2 runners as vms", names)
    assert as_vms is not None and [line.split()[1] for line in as_vms.commands] == ["vm", "vm", "vm"]


def test_a_load_balancer_stands_in_front_of_the_guests_the_request_names() -> None:
    names = homelab_cluster_names()
    found = match_blueprint("a load balancer in front of web-01 and web-02", names)
    assert found is not None and found.understood
    assert_checked_lines(found.commands, names)
    assert found.backends == ["web-01", "web-02"] and len(found.commands) == 1
    assert found.commands[0].startswith("create ct --name lb ")
    assert "ansible/files/lb/haproxy.cfg" in found.files
    nameless = match_blueprint("a load balancer in front of the web servers", names)
    assert nameless is not None and not nameless.understood and "which guests" in nameless.explanation


def test_names_already_in_the_cluster_are_not_reused() -> None:
    names = homelab_cluster_names()
    found = match_blueprint("set up a talos cluster called k8s with 3 nodes", names)
    assert found is not None and found.understood  # k8s-cp-1 and k8s-worker-1 exist: k8s2-…
    assert_checked_lines(found.commands, names)
    assert option(found.commands[0], "--name") == "k8s2-cp-1" and "taken" in found.explanation


def test_a_node_the_cluster_does_not_have_is_named_not_ignored() -> None:
    found = match_blueprint("set up gitlab with 3 runners on pve9", homelab_cluster_names())
    assert found is not None and not found.understood and "pve9" in found.explanation
    offline = match_blueprint("set up gitlab with 3 runners", homelab_cluster_names(), online_nodes=["pve1"])
    assert offline is not None and {option(line, "--node") for line in offline.commands} == {"pve1"}


@pytest.mark.parametrize("text", ["stop the k8s cluster", "reboot every vm tagged k8s", "delete the gitlab vm",
                                  "don't set up gitlab", "which load balancer is in front of web-01",
                                  "set up a mail server with 2 relays", "create 3 vms called app-1..3"])
async def test_requests_that_ask_for_no_blueprint_are_not_turned_into_one(text: str) -> None:
    from pmpc_tui.nl.flow import understand

    names = homelab_cluster_names()
    assert match_blueprint(text, names) is None
    proposal = await understand(text, names, None, lambda _text, _level: None)
    assert proposal.blueprint is None
    assert not any(option(c, "--tags").startswith(("k8s,talos", "gitlab", "lb,")) for c in proposal.commands
                   if "--tags" in c)


def test_guests_go_where_their_memory_fits() -> None:
    from pmpc_tui.nl.blueprints import place_by_memory

    found = match_blueprint("create 3 VMs with Talos for a k8s cluster", homelab_cluster_names())
    assert found is not None
    free = {"pve1": 21_000, "pve2": 39_000, "pve3": 7_900}  # pve3 cannot start an 8 GiB worker
    placed = place_by_memory(found.commands, free)
    nodes = [option(line, "--node") for line in placed]
    assert "pve3" not in nodes[1:] and len(set(nodes)) == 2  # spread over the nodes with room
    assert [option(line, "--name") for line in placed] == [option(line, "--name") for line in found.commands]
    assert all(parse_line(line).kind == "command" for line in placed)
