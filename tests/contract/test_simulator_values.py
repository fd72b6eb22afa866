"""Values inside property strings (memory, NIC and disk options) are checked as PVE checks them."""

from __future__ import annotations

import pytest

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.simulator.server import SimulatorThread


def settings(sim: SimulatorThread) -> ConnectionSettings:
    user, token = sim.info.token_id.split("!")
    return ConnectionSettings(sim.info.url, user, token, sim.info.token_secret, fingerprint=sim.info.fingerprint)


@pytest.mark.parametrize(("param", "value", "fragment"), [
    ("memory", "lots", "type check ('integer') failed"),
    ("memory", "8", "minimum value of 16"),
    ("net0", "virtio,bridge=vmbr0,tag=abc", "net0.tag"),
    ("net0", "virtio,bridge=vmbr0,tag=5000", "maximum value of 4094"),
    ("net0", "virtio=not-a-mac,bridge=vmbr0", "net0.virtio"),
    ("net0", "virtio,bridge=vmbr0,firewall=maybe", "type check ('boolean')"),
    ("scsi0", "local-lvm:8,size=huge", "scsi0.size"),
    ("net0", "virtio,bridge=vmbr0,bridge=vmbr1", "duplicate key"),
])
async def test_bad_values_inside_property_strings_are_rejected(shared_sim: SimulatorThread, param: str,
                                                               value: str, fragment: str) -> None:
    async with PVEClient(settings(shared_sim)) as client:
        with pytest.raises(ValidationFailed) as exc:
            await client.post("/nodes/pve1/qemu", vmid=990, name="probe", **{param: value})
    assert param in exc.value.errors
    assert fragment in exc.value.errors[param]


async def test_good_property_strings_pass(shared_sim: SimulatorThread) -> None:
    async with PVEClient(settings(shared_sim)) as client:
        upid = await client.post("/nodes/pve1/qemu", vmid=991, name="probe-ok", memory="current=2048",
                                 net0="virtio,bridge=vmbr0,tag=20,firewall=1", scsi0="local-lvm:8,ssd=1")
        status = await client.wait_task(upid)
    assert status["exitstatus"] == "OK"
