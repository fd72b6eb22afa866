"""Contract: SDN zones, VNets and subnets are kept as PVE 9.1 does it (issue #20): writes stay pending until
`PUT /cluster/sdn` applies them, the global lock guards writes, zones and VNets in use cannot be deleted, answers
match the schema's `returns` and privileges its `permissions`."""

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


def test_the_homelab_has_applied_zones_vnets_and_subnets(api: httpx.Client,
                                                        pve_returns: dict[tuple[str, str], Any]) -> None:
    zones = data(api.get("/cluster/sdn/zones"))
    assert not shape_problems(zones, pve_returns[("GET", "/cluster/sdn/zones")])
    assert {z["zone"]: z["type"] for z in zones} == {"lab": "simple", "vlans": "vlan"}
    vnets = data(api.get("/cluster/sdn/vnets"))
    assert not shape_problems(vnets, pve_returns[("GET", "/cluster/sdn/vnets")])
    assert {v["vnet"] for v in vnets} == {"labnet", "iot", "guests"}
    [subnet] = data(api.get("/cluster/sdn/vnets/labnet/subnets"))
    assert subnet["subnet"] == "lab-10.10.0.0-24" and subnet["cidr"] == "10.10.0.0/24"
    assert subnet["dhcp-range"] == [{"start-address": "10.10.0.100", "end-address": "10.10.0.199"}]
    assert data(api.get("/cluster/sdn/zones", params={"pending": 1})) == \
        [{k: v for k, v in z.items() if k != "digest"} | {"digest": z["digest"]} for z in zones]


def test_a_new_zone_is_pending_until_applied(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    assert data(api.post("/cluster/sdn/zones", data={"zone": "dmz", "type": "vlan", "bridge": "vmbr0"})) is None
    pending = {z["zone"]: z for z in data(api.get("/cluster/sdn/zones", params={"pending": 1}))}
    assert pending["dmz"]["state"] == "new" and pending["dmz"]["pending"] == {"bridge": "vmbr0"}
    assert "dmz" not in {z["zone"] for z in data(api.get("/cluster/sdn/zones", params={"running": 1}))}
    upid = data(api.put("/cluster/sdn"))
    assert isinstance(upid, str) and upid.startswith("UPID:") and ":reloadnetworkall:" in upid
    applied = {z["zone"]: z for z in data(api.get("/cluster/sdn/zones", params={"pending": 1}))}
    assert "state" not in applied["dmz"] and applied["dmz"]["bridge"] == "vmbr0"
    one = data(api.get("/cluster/sdn/zones/dmz"))
    assert not shape_problems(one, pve_returns[("GET", "/cluster/sdn/zones/{zone}")])
    assert data(api.put("/cluster/sdn/zones/dmz", data={"mtu": 1400, "digest": one["digest"]})) is None
    changed = {z["zone"]: z for z in data(api.get("/cluster/sdn/zones", params={"pending": 1}))}["dmz"]
    assert changed["state"] == "changed" and changed["pending"] == {"mtu": 1400}
    stale = api.put("/cluster/sdn/zones/dmz", data={"mtu": 1300, "digest": one["digest"]})
    assert stale.status_code == 500 and "detected modified configuration" in stale.json()["message"]
    data(api.put("/cluster/sdn"))


def test_zone_types_need_their_properties(api: httpx.Client) -> None:
    missing = api.post("/cluster/sdn/zones", data={"zone": "q1", "type": "qinq", "bridge": "vmbr0"})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"tag": "property is missing and it is not optional"}
    foreign = api.post("/cluster/sdn/zones", data={"zone": "s1", "type": "simple", "bridge": "vmbr0"})
    assert foreign.status_code == 400 and "bridge" in foreign.json()["errors"]
    assert api.post("/cluster/sdn/zones", data={"zone": "bad_name", "type": "simple"}).status_code == 400
    assert api.post("/cluster/sdn/zones", data={"zone": "toolongname", "type": "simple"}).status_code == 400
    assert "already defined" in refusal(api.post("/cluster/sdn/zones", data={"zone": "lab", "type": "simple"}))
    assert data(api.post("/cluster/sdn/zones", data={"zone": "vx1", "type": "vxlan", "peers": "10.0.0.1,10.0.0.2"})) \
        is None


def test_vnets_follow_their_zone_and_in_use_objects_cannot_be_deleted(api: httpx.Client) -> None:
    assert "tag should be defined" in refusal(api.post("/cluster/sdn/vnets", data={"vnet": "v1", "zone": "vlans"}))
    assert "not allowed on simple zone" in refusal(
        api.post("/cluster/sdn/vnets", data={"vnet": "v1", "zone": "lab", "tag": 5}))
    assert "already exist in vnet iot" in refusal(
        api.post("/cluster/sdn/vnets", data={"vnet": "v1", "zone": "vlans", "tag": 30}))
    assert data(api.post("/cluster/sdn/vnets", data={"vnet": "v1", "zone": "vlans", "tag": 31})) is None
    assert data(api.post("/cluster/sdn/vnets/v1/subnets",
                         data={"subnet": "10.31.0.0/24", "type": "subnet", "gateway": "10.31.0.1", "snat": 1})) is None
    outside = api.post("/cluster/sdn/vnets/v1/subnets", data={"subnet": "10.32.0.0/24", "type": "subnet",
                                                              "gateway": "10.99.0.1"})
    assert outside.status_code == 500 and "not in subnet" in outside.json()["message"]
    assert "still using it" in refusal(api.delete("/cluster/sdn/zones/vlans"))
    assert "still using it" in refusal(api.delete("/cluster/sdn/vnets/v1"))
    got = data(api.get("/cluster/sdn/vnets/v1/subnets/vlans-10.31.0.0-24"))
    assert got["gateway"] == "10.31.0.1" and got["snat"] == 1 and got["vnet"] == "v1"
    assert data(api.delete("/cluster/sdn/vnets/v1/subnets/vlans-10.31.0.0-24")) is None
    assert data(api.delete("/cluster/sdn/vnets/v1")) is None
    data(api.put("/cluster/sdn"))


def test_the_global_lock_makes_writes_need_its_token(api: httpx.Client) -> None:
    token = data(api.post("/cluster/sdn/lock"))
    refused = api.post("/cluster/sdn/zones", data={"zone": "locked", "type": "simple"})
    assert refused.status_code == 500 and "invalid lock token" in refused.json()["message"]
    assert data(api.post("/cluster/sdn/zones", data={"zone": "locked", "type": "simple", "lock-token": token})) is None
    assert data(api.post("/cluster/sdn/rollback", data={"lock-token": token, "release-lock": 1})) is None
    assert "locked" not in {z["zone"] for z in data(api.get("/cluster/sdn/zones"))}
    assert data(api.post("/cluster/sdn/lock")) != token
    assert data(api.delete("/cluster/sdn/lock", params={"force": 1})) is None


def test_the_auditor_reads_sdn_but_cannot_change_it(auditor: httpx.Client) -> None:
    assert {z["zone"] for z in data(auditor.get("/cluster/sdn/zones"))} >= {"lab", "vlans"}
    refused = auditor.post("/cluster/sdn/zones", data={"zone": "nope", "type": "simple"})
    assert refused.status_code == 403 and "(/sdn/zones, SDN.Allocate)" in refused.json()["message"]
    assert auditor.put("/cluster/sdn").status_code == 403
    one = auditor.get("/cluster/sdn/zones/lab")
    assert one.status_code == 403 and "SDN.Allocate" in one.json()["message"]


def test_a_guest_may_use_an_applied_vnet_as_its_bridge(api: httpx.Client) -> None:
    made = api.post("/nodes/pve1/qemu", data={"vmid": 930, "name": "on-vnet", "net0": "virtio,bridge=labnet"})
    assert made.status_code == 200, made.text
    assert data(api.post("/cluster/sdn/vnets", data={"vnet": "notyet", "zone": "lab"})) is None
    early = api.post("/nodes/pve1/qemu", data={"vmid": 931, "net0": "virtio,bridge=notyet"})
    assert early.status_code == 400 and "net0" in early.json()["errors"]  # pending until applied
    data(api.put("/cluster/sdn"))
    late = api.post("/nodes/pve1/qemu", data={"vmid": 931, "net0": "virtio,bridge=notyet"})
    assert late.status_code == 200, late.text
