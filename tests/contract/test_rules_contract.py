"""Contract: the value rules (`pmpc_tui.iac.rules`) agree with the official PVE 9.1 schema, and every PVE
parameter the bpg mapping writes has one.

The schema (`../shared/pve-api/apidata.json`) is read at test time only. For the create route of each guest
kind, each rule's type, minimum, maximum, enum, named format, maxLength and pattern must be the schema's;
property strings are compared key by key.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pmpc_tui.iac.bpg import MANAGED, GuestState, body_to_config, guest_to_body
from pmpc_tui.iac.pveconf import parse_props
from pmpc_tui.iac.rules import FORMATS, RULES, Rule, check_value, rule_for

ROUTES = {"qemu": "/nodes/{node}/qemu", "lxc": "/nodes/{node}/lxc"}
CASES = [(kind, param) for kind, rules in RULES.items() for param in rules]


@pytest.fixture(scope="module")
def create_params(pve_schema: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """kind → the parameters of its create route (POST /nodes/{node}/qemu|lxc)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            for kind, path in ROUTES.items():
                if node["path"] == path and "POST" in node.get("info", {}):
                    found[kind] = node["info"]["POST"]["parameters"]["properties"]
            walk(node.get("children", []))

    walk(pve_schema)
    assert set(found) == set(ROUTES)
    return found


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _pattern(value: str | None) -> str | None:
    """PVE writes Perl groups `(?^:…)`; compare them as plain groups."""
    return None if value is None else value.replace("(?^:", "(?:")


def _facts(prop: dict[str, Any]) -> dict[str, Any]:
    fmt = prop.get("format")
    return {"type": prop.get("type", "string"), "minimum": _num(prop.get("minimum")),
            "maximum": _num(prop.get("maximum")), "enum": tuple(prop["enum"]) if "enum" in prop else None,
            "format": fmt if isinstance(fmt, str) else None, "max_length": prop.get("maxLength"),
            "pattern": _pattern(prop.get("pattern"))}


def _ours(rule: Rule) -> dict[str, Any]:
    return {"type": rule.type, "minimum": _num(rule.minimum), "maximum": _num(rule.maximum), "enum": rule.enum,
            "format": rule.format, "max_length": rule.max_length, "pattern": _pattern(rule.pattern)}


@pytest.mark.parametrize(("kind", "param"), CASES, ids=[f"{k}-{p}" for k, p in CASES])
def test_each_rule_agrees_with_the_pve_schema(create_params: dict[str, dict[str, Any]], kind: str,
                                              param: str) -> None:
    rule = RULES[kind][param]
    prop = create_params[kind].get(param)
    assert prop is not None, f"{param} is not a parameter of POST {ROUTES[kind]}"
    if not rule.keys:
        assert _ours(rule) == _facts(prop)
        assert rule.format is None or rule.format in FORMATS, f"no checker for format {rule.format}"
        return
    schema_keys = prop.get("format")
    assert isinstance(schema_keys, dict), f"{param} is not a property string in the schema"
    marked = [k for k, v in schema_keys.items() if isinstance(v, dict) and v.get("default_key")]
    assert rule.default_key == (marked[0] if marked else None)
    for key, sub in rule.keys.items():
        entry = schema_keys.get(key)
        assert entry is not None, f"{param}.{key} is not a key of the schema's property string"
        if "alias" in entry:
            entry = schema_keys[entry["alias"]]
        assert _ours(sub) == _facts(entry), f"{param}.{key}"
        assert sub.format is None or sub.format in FORMATS, f"no checker for format {sub.format}"


def test_every_parameter_the_mapping_manages_has_a_rule(create_params: dict[str, dict[str, Any]]) -> None:
    missing = []
    for kind, params in create_params.items():
        for param in params:
            name = param.replace("[n]", "0")
            if MANAGED[kind].match(name) and rule_for(kind, name)[0] is None:
                missing.append(f"{kind} {param}")
    for kind, param in [("qemu", "vmid"), ("qemu", "node"), ("lxc", "vmid"), ("lxc", "node"), ("lxc", "ostemplate")]:
        if rule_for(kind, param)[0] is None:
            missing.append(f"{kind} {param}")
    assert missing == []


RICH_VM = {
    "name": "rich", "description": "all of it", "tags": "a;b", "template": 0, "onboot": 1, "protection": 1,
    "bios": "ovmf", "machine": "q35", "ostype": "l26", "scsihw": "virtio-scsi-single", "boot": "order=scsi0;net0",
    "acpi": 1, "tablet": 0, "keyboard": "de", "hotplug": "network,disk", "args": "-no-reboot",
    "hookscript": "local:snippets/hook.sh", "agent": "enabled=1,fstrim_cloned_disks=1,type=virtio",
    "cpu": "host,flags=+aes", "cores": 2, "sockets": 1, "numa": 1, "vcpus": 2, "cpulimit": 1.5, "cpuunits": 200,
    "affinity": "0-1", "arch": "x86_64", "memory": 2048, "balloon": 1024, "shares": 500, "hugepages": "2",
    "keephugepages": 1,
    "scsi0": "local-lvm:vm-1-disk-0,iothread=1,ssd=1,discard=on,cache=writeback,aio=native,serial=abc,size=8G",
    "ide3": "local:iso/x.iso,media=cdrom", "ide2": "local-lvm:vm-1-cloudinit,media=cdrom",
    "efidisk0": "local-lvm:vm-1-disk-1,efitype=4m,pre-enrolled-keys=1",
    "tpmstate0": "local-lvm:vm-1-disk-2,version=v2.0",
    "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=10,trunks=20;30,mtu=1500,queues=2,rate=10,"
            "link_down=1",
    "ipconfig0": "ip=10.0.0.2/24,gw=10.0.0.1", "ciuser": "me", "sshkeys": "ssh-ed25519%20AAAA",
    "nameserver": "1.1.1.1", "searchdomain": "lan", "cicustom": "user=local:snippets/u.yaml", "ciupgrade": 0,
    "serial0": "socket", "vga": "qxl,memory=32,clipboard=vnc", "smbios1": "uuid=6f9c1c44-27d6-4c8c-9b0c-55a1c0e0f0a1",
    "startup": "order=1,up=30,down=60",
}
RICH_CT = {
    "hostname": "rich", "description": "all of it", "tags": "a", "onboot": 1, "protection": 1, "arch": "amd64",
    "cores": 2, "cpulimit": 1, "cpuunits": 100, "memory": 512, "swap": 256,
    "rootfs": "local-lvm:subvol-1-disk-0,size=8G",
    "mp0": "local-lvm:subvol-1-disk-1,mp=/data,backup=1,ro=0,shared=0,replicate=1,acl=1,quota=0,"
           "mountoptions=noatime,size=4G",
    "net0": "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:02,ip=10.0.0.3/24,gw=10.0.0.1,ip6=auto,"
            "mtu=1500,rate=5,tag=10,type=veth",
    "nameserver": "1.1.1.1", "searchdomain": "lan", "features": "nesting=1,keyctl=1,fuse=1,mknod=0,mount=nfs",
    "unprivileged": 1, "ostype": "debian", "startup": "order=2", "console": 1, "tty": 2, "cmode": "tty",
    "hookscript": "local:snippets/hook.sh", "dev0": "/dev/ttyUSB0,mode=0660,uid=0,gid=0,deny-write=0",
}


@pytest.mark.parametrize(("kind", "config"), [("qemu", RICH_VM), ("lxc", RICH_CT)], ids=["vm", "ct"])
def test_every_value_the_mapping_writes_has_a_rule_and_passes_it(kind: str, config: dict[str, Any]) -> None:
    body = guest_to_body(GuestState(kind, 150, "pve1", "rich", "stopped", dict(config)), "local:vztmpl/x.tar.zst").body
    desired = body_to_config(kind, body)
    unruled = []
    for param, value in desired.config.items():
        rule, _ = rule_for(kind, param)
        if rule is None:
            unruled.append(param)
            continue
        if rule.keys:
            for key, sub in parse_props(str(value), rule.default_key).items():
                named = "macaddr" if kind == "qemu" and param.startswith("net") and key == "virtio" else key
                if named not in rule.keys:
                    unruled.append(f"{param}.{key}")
                elif sub != "":
                    assert check_value(rule.keys[named], sub) is None, f"{param}.{key}={sub}"
        else:
            assert check_value(rule, value) is None, f"{param}={value}"
    assert unruled == []


NUMERIC = [(k, p, r) for k, rules in RULES.items() for p, r in rules.items() if r.type in ("integer", "number")]


@pytest.mark.parametrize(("kind", "param", "rule"), NUMERIC, ids=[f"{k}-{p}" for k, p, _ in NUMERIC])
def test_ranges_refuse_values_just_outside_them(kind: str, param: str, rule: Rule) -> None:
    if rule.minimum is not None:
        assert check_value(rule, int(rule.minimum)) is None
        assert re.search("below the minimum", check_value(rule, int(rule.minimum) - 1) or "")
    if rule.maximum is not None:
        assert check_value(rule, int(rule.maximum)) is None
        assert re.search("above the maximum", check_value(rule, int(rule.maximum) + 1) or "")
    assert "not a" in (check_value(rule, "lots") or "")
