"""Import reads a guest's firewall options as soon as the sync has its config (a `FirewallFeed`), not after the
last config: the options of the guests named first are read while the feed is still open, and what is read in
the end is the same as when every guest is known at once."""

from __future__ import annotations

import asyncio

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services.cluster_objects import read_objects
from pmpc_tui.services.firewall_feed import FirewallFeed
from pmpc_tui.simulator.server import SimulatorThread


def client_of(sim: SimulatorThread) -> PVEClient:
    user, name = sim.info.token_id.split("!", 1)
    return PVEClient(ConnectionSettings(sim.info.url, user, name, sim.info.token_secret,
                                        fingerprint=sim.info.fingerprint))


async def test_a_guest_named_early_has_its_options_read_before_the_feed_closes_and_the_result_is_the_same(
        sim: SimulatorThread) -> None:
    async with client_of(sim) as client:
        everyone = {int(r["vmid"]) for r in await client.get("/cluster/resources", type="vm")}
        read: list[str] = []
        client.observers.append(lambda method, path, status, elapsed: read.append(path))
        feed = FirewallFeed()
        reading = asyncio.ensure_future(read_objects(client, firewalled=feed))
        feed.add({101})
        for _ in range(200):  # the feed is still open: only 101 is named
            if "/nodes/pve1/qemu/101/firewall/options" in read:
                break
            await asyncio.sleep(0.025)
        guests_read = [p for p in read if p.startswith("/nodes/") and p.endswith("/firewall/options")]
        assert guests_read == ["/nodes/pve1/qemu/101/firewall/options"]  # no other guest's: not named yet
        assert not reading.done()
        feed.close(everyone - {101})
        fed = await reading

        known: asyncio.Future[set[int]] = asyncio.get_running_loop().create_future()
        known.set_result(everyone)
        at_once = await read_objects(client, firewalled=known)
    assert fed == at_once and fed.firewalled == at_once.firewalled == frozenset(everyone)


async def test_the_feed_names_each_guest_once_and_ends_when_closed() -> None:
    feed = FirewallFeed({1, 2})
    feed.add({2, 3})
    feed.close({3, 4})
    feed.add({5})  # after the close: nothing more
    assert [batch async for batch in feed.batches()] == [{1, 2, 3, 4}]
    assert feed.known == {1, 2, 3, 4}
