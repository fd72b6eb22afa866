"""Generation and parsing round-trip: parse(generate(x)) == x, and resource → PVE config keeps every managed key."""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from iac_support import BPG_SCHEMA, schema_problems

from pmpc_tui.iac.bpg import GuestState, body_to_config, config_differences, guest_to_body
from pmpc_tui.iac.hcl import Expr, Resource, parse, render_resource
from pmpc_tui.iac.terraform import guest_file, resource_label

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
NAME = st.from_regex(r"[a-z][a-z0-9-]{0,14}[a-z0-9]", fullmatch=True)
MAC = st.lists(st.integers(0, 255), min_size=3, max_size=3).map(
    lambda b: "BC:24:11:" + ":".join(f"{x:02X}" for x in b))
IPV4 = st.tuples(st.integers(1, 223), st.integers(0, 255), st.integers(0, 255), st.integers(1, 254))
CIDR = st.builds(lambda ip, p: ".".join(map(str, ip)) + f"/{p}", IPV4, st.integers(8, 30))
TAGS = st.lists(st.from_regex(r"[a-z0-9_][a-z0-9_+.-]{0,8}", fullmatch=True), max_size=4).map(
    lambda t: ";".join(sorted(set(t))))
STORE = st.sampled_from(["local-lvm", "nas", "zfs-1"])
SIZE_G = st.integers(1, 4096).map(lambda n: f"{n}G")


def _disk(vmid: int, n: int) -> st.SearchStrategy[str]:
    opts = st.fixed_dictionaries({}, optional={
        "discard": st.sampled_from(["on", "ignore"]), "iothread": st.sampled_from(["0", "1"]),
        "ssd": st.sampled_from(["0", "1"]), "cache": st.sampled_from(["none", "writeback", "writethrough"]),
        "backup": st.sampled_from(["0", "1"]), "replicate": st.sampled_from(["0", "1"]),
        "aio": st.sampled_from(["native", "threads", "io_uring"]), "serial": st.from_regex(r"[A-Za-z0-9]{1,10}",
                                                                                             fullmatch=True)})
    return st.builds(lambda store, size, o: ",".join([f"{store}:vm-{vmid}-disk-{n}", *(f"{k}={v}" for k, v in
                                                                                      sorted(o.items())),
                                                      f"size={size}"]), STORE, SIZE_G, opts)


@st.composite
def vm_configs(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    vmid = draw(st.integers(100, 999_999))
    c: dict[str, Any] = {"name": draw(NAME), "cores": draw(st.integers(1, 64)), "sockets": draw(st.integers(1, 4)),
                         "memory": str(draw(st.integers(16, 262144)))}
    optional = {
        "description": ANY_TEXT.filter(bool), "tags": TAGS.filter(bool), "onboot": st.sampled_from([0, 1]),
        "protection": st.just(1), "template": st.just(1), "bios": st.sampled_from(["seabios", "ovmf"]),
        "machine": st.sampled_from(["q35", "pc-i440fx-9.0"]), "ostype": st.sampled_from(["l26", "win11", "other"]),
        "scsihw": st.sampled_from(["virtio-scsi-single", "virtio-scsi-pci", "lsi"]),
        "agent": st.sampled_from(["1", "enabled=1,fstrim_cloned_disks=1", "enabled=0", "enabled=1,type=isa"]),
        "cpu": st.sampled_from(["host", "x86-64-v2-AES", "host,flags=+aes;-pcid", "kvm64"]),
        "numa": st.sampled_from([0, 1]), "vcpus": st.integers(1, 4), "cpulimit": st.sampled_from([0.5, 2, 1.25]),
        "cpuunits": st.integers(1, 10000), "balloon": st.integers(0, 1024), "acpi": st.sampled_from([0, 1]),
        "tablet": st.sampled_from([0, 1]), "keyboard": st.sampled_from(["de", "en-us"]),
        "startup": st.sampled_from(["order=1", "order=2,up=30,down=60", "up=5"]),
        "vga": st.sampled_from(["std", "serial0", "qxl,memory=32", "virtio,clipboard=vnc"]),
        "serial0": st.just("socket"), "smbios1": st.uuids().map(lambda u: f"uuid={u}"),
        "efidisk0": STORE.map(lambda s: f"{s}:vm-1-disk-9,efitype=4m,pre-enrolled-keys=1,size=4M"),
        "tpmstate0": STORE.map(lambda s: f"{s}:vm-1-disk-8,size=4M,version=v2.0"),
        "ide3": st.sampled_from(["none,media=cdrom", "local:iso/debian.iso,media=cdrom"]),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            c[key] = draw(strategy)
    for i, iface in enumerate(draw(st.lists(st.sampled_from(["scsi0", "scsi1", "virtio0", "sata0", "ide0"]),
                                            unique=True, max_size=3))):
        c[iface] = draw(_disk(vmid, i))
    for i in draw(st.lists(st.integers(0, 3), unique=True, max_size=3)):
        model = draw(st.sampled_from(["virtio", "e1000", "vmxnet3"]))
        extra = draw(st.sampled_from(["", ",tag=10", ",mtu=1400,queues=4", ",link_down=1", ",rate=12.5",
                                      ",trunks=10;20"]))
        c[f"net{i}"] = f"{model}={draw(MAC)},bridge=vmbr{draw(st.integers(0, 2))},firewall={draw(st.integers(0, 1))}"
        c[f"net{i}"] += extra
    if draw(st.booleans()):
        c["ide2"] = f"{draw(STORE)}:vm-{vmid}-cloudinit,media=cdrom"
        for i in draw(st.lists(st.integers(0, 2), unique=True, max_size=2)):
            c[f"ipconfig{i}"] = draw(st.sampled_from(["ip=dhcp", "ip6=auto"]) | CIDR.map(lambda x: f"ip={x}"))
        if draw(st.booleans()):
            c["ciuser"] = draw(NAME)
        if draw(st.booleans()):
            c["nameserver"] = "1.1.1.1 9.9.9.9"
            c["searchdomain"] = "lab.example"
        if draw(st.booleans()):
            c["cicustom"] = "user=local:snippets/u.yaml,network=local:snippets/n.yaml"
        if draw(st.booleans()):
            c["sshkeys"] = "ssh-ed25519%20AAAA%20me%40host%0A"
        if draw(st.booleans()):
            c["ciupgrade"] = draw(st.sampled_from([0, 1]))
    if any(k in c for k in ("scsi0", "net0")) and draw(st.booleans()):
        c["boot"] = "order=" + ";".join(k for k in ("scsi0", "net0") if k in c)
    return vmid, c


@st.composite
def ct_configs(draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    vmid = draw(st.integers(100, 999_999))
    c: dict[str, Any] = {"hostname": draw(NAME), "cores": draw(st.integers(1, 32)),
                         "memory": draw(st.integers(16, 65536)), "swap": draw(st.integers(0, 4096)),
                         "rootfs": f"{draw(STORE)}:vm-{vmid}-disk-0,size={draw(SIZE_G)}"}
    optional = {
        "description": ANY_TEXT.filter(bool), "tags": TAGS.filter(bool), "onboot": st.sampled_from([0, 1]),
        "protection": st.just(1), "template": st.just(1), "unprivileged": st.sampled_from([0, 1]),
        "arch": st.sampled_from(["amd64", "arm64"]), "ostype": st.sampled_from(["debian", "ubuntu", "alpine"]),
        "cpulimit": st.sampled_from([1, 2.5]), "cpuunits": st.integers(1, 10000),
        "features": st.sampled_from(["nesting=1", "nesting=1,keyctl=1", "fuse=1,mount=nfs;cifs", "mknod=1"]),
        "nameserver": st.just("192.168.1.53"), "searchdomain": st.just("lab.example"),
        "startup": st.sampled_from(["order=3", "order=1,up=10"]), "console": st.sampled_from([0, 1]),
        "tty": st.integers(0, 6), "cmode": st.sampled_from(["tty", "console", "shell"]),
        "mp0": st.sampled_from(["local-lvm:vm-1-disk-1,mp=/data,size=4G", "/srv/share,mp=/mnt/share,ro=1",
                                "nas:vm-1-disk-2,mp=/var/lib,backup=1,size=10G"]),
        "dev0": st.sampled_from(["/dev/ttyUSB0", "path=/dev/dri/renderD128,gid=44,mode=0660"]),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            c[key] = draw(strategy)
    for i in draw(st.lists(st.integers(0, 2), unique=True, max_size=3)):
        ip = draw(st.sampled_from(["ip=dhcp", ""]) | CIDR.map(lambda x: f"ip={x},gw=192.168.1.1"))
        parts = [f"name=eth{i}", f"bridge=vmbr{draw(st.integers(0, 2))}", f"firewall={draw(st.integers(0, 1))}",
                 f"hwaddr={draw(MAC)}", ip, draw(st.sampled_from(["", "tag=20", "mtu=9000", "rate=5", "link_down=1"])),
                 "type=veth"]
        c[f"net{i}"] = ",".join(p for p in parts if p)
    return vmid, c


SCHEMA = json.loads(BPG_SCHEMA.read_text())["resources"] if BPG_SCHEMA.exists() else None


def _check_schema(resource: Resource) -> None:
    """Only the provider's arguments, every required one (when ../shared is there to check against)."""
    if SCHEMA is not None:
        assert schema_problems(resource.body, SCHEMA[resource.type], resource.address) == []


def _guest(kind: str, vmid: int, config: dict[str, Any], running: bool) -> GuestState:
    name = str(config.get("name") or config.get("hostname"))
    return GuestState(kind, vmid, "pve1", name, "running" if running else "stopped", config)


@settings(max_examples=120, deadline=None)
@given(vm_configs(), st.booleans())
def test_vm_resource_round_trips_through_hcl_and_back_to_pve(drawn: tuple[int, dict[str, Any]], running: bool) -> None:
    vmid, config = drawn
    guest = _guest("qemu", vmid, config, running)
    _, text = guest_file(guest, resource_label(guest.name, vmid, set()))
    (resource,) = parse(text).resources
    assert resource.body == guest_to_body(guest).body
    _check_schema(resource)
    assert config_differences("qemu", config, body_to_config("qemu", resource.body).config) == {}


@settings(max_examples=120, deadline=None)
@given(ct_configs(), st.booleans())
def test_ct_resource_round_trips_through_hcl_and_back_to_pve(drawn: tuple[int, dict[str, Any]], running: bool) -> None:
    vmid, config = drawn
    guest = _guest("lxc", vmid, config, running)
    _, text = guest_file(guest, resource_label(guest.name, vmid, set()))
    (resource,) = parse(text).resources
    _check_schema(resource)
    parsed = resource.body
    expected = guest_to_body(guest).body
    parsed.pop("lifecycle")
    assert parsed == expected
    assert config_differences("lxc", config, body_to_config("lxc", parsed).config) == {}


# names starting with "__" are python-hcl2's own metadata keys (__is_block__ …); no bpg argument looks like that
IDENT = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True).filter(lambda name: not name.startswith("__"))
SCALAR = st.one_of(ANY_TEXT, st.integers(-(2**53), 2**53), st.booleans(),
                   st.decimals(-1000, 1000, places=2, allow_nan=False).map(float).filter(lambda f: not f.is_integer()))
BODY = st.recursive(
    st.dictionaries(IDENT, st.one_of(SCALAR, st.lists(st.one_of(ANY_TEXT, st.integers(0, 999)), max_size=3)),
                    max_size=4),
    lambda inner: st.dictionaries(IDENT, st.one_of(SCALAR, st.lists(inner, min_size=1, max_size=2)), max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), BODY)
def test_any_body_round_trips_through_hcl(label: str, body: dict[str, Any]) -> None:
    resource = Resource("proxmox_virtual_environment_vm", label, body)
    (parsed,) = parse(render_resource(resource)).resources
    assert (parsed.name, parsed.body) == (label, body)


def test_expressions_and_escapes_survive_a_round_trip() -> None:
    body = {"a": Expr("var.x"), "b": "${not} %{interpolated}", "c": 'q"\\\n\t\x01' + string.printable}
    (parsed,) = parse(render_resource(Resource("t", "n", body))).resources
    assert parsed.body == body and isinstance(parsed.body["a"], Expr)


def test_parse_cache_returns_the_same_state_and_follows_edits(tmp_path: Any) -> None:
    from pathlib import Path

    from pmpc_tui.iac.terraform import load_desired_state

    tf, cache = Path(tmp_path) / "terraform", Path(tmp_path) / "cache.json"
    tf.mkdir()
    guest = _guest("lxc", 200, {"hostname": "pihole", "cores": 1, "memory": 512, "swap": 512,
                                "rootfs": "local-lvm:vm-200-disk-0,size=8G"}, True)
    name, text = guest_file(guest, "pihole")
    (tf / name).write_text(text)
    first = load_desired_state(tf, cache)
    again = load_desired_state(tf, cache)
    assert cache.exists() and [g.body for g in again.guests] == [g.body for g in first.guests]
    ignored = again.guests[0].body["lifecycle"][0]["ignore_changes"][0]
    assert isinstance(ignored, Expr) and again.guests[0].imported_id == "pve1/200"
    (tf / name).write_text(text.replace("cores        = 1", "cores        = 3"))
    edited = load_desired_state(tf, cache)
    assert edited.guests[0].body["cpu"][0]["cores"] == 3
