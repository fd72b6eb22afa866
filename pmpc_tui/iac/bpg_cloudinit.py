"""The cloud-init settings of a bpg VM body (`initialization`), both ways."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import unquote as urlunquote

from pmpc_tui.iac.bpg_common import dns_config, indexed, ip_addresses, ip_config, put_dns
from pmpc_tui.iac.hcl import Body
from pmpc_tui.iac.pveconf import flag, format_props, parse_props


def put_cloud_init(c: dict[str, Any], cloudinit: Body | None, body: Body, w: list[str]) -> None:
    """The `initialization` block of a VM config's cloud-init drive and settings (none without either)."""
    ipconfigs = indexed(c, "ipconfig")
    init_keys = ("ciuser", "sshkeys", "nameserver", "searchdomain", "cicustom", "ciupgrade")
    if cloudinit is not None or ipconfigs or any(k in c for k in init_keys):
        init: Body = dict(cloudinit or {})
        if cloudinit is None:
            w.append("cloud-init settings without a cloud-init drive")
        put_dns(c, init)
        if ipconfigs:
            blocks = []
            for i in range(max(ipconfigs) + 1):
                blocks.append(ip_config(parse_props(ipconfigs.get(i, ""))))
            init["ip_config"] = blocks
        if "ciuser" in c or "sshkeys" in c:
            account: Body = {}
            if "ciuser" in c:
                account["username"] = str(c["ciuser"])
            if "sshkeys" in c:
                account["keys"] = [k for k in urlunquote(str(c["sshkeys"])).splitlines() if k.strip()]
            init["user_account"] = [account]
        if "cicustom" in c:
            custom = parse_props(str(c["cicustom"]))
            for key in ("user", "network", "meta", "vendor"):
                if key in custom:
                    init[f"{key}_data_file_id"] = custom[key]
        if "ciupgrade" in c:
            init["upgrade"] = flag(c["ciupgrade"])
        body["initialization"] = [init]


def cloud_init_config(body: Body, c: dict[str, Any]) -> None:
    """A VM body's `initialization` as the cloud-init drive and the ci*/ipconfig/DNS keys."""
    for init in body.get("initialization", []):
        store = init.get("datastore_id", "local-lvm")
        c[init.get("interface", "ide2")] = f"{store}:cloudinit,media=cdrom"  # how PVE is asked to make one
        dns_config(init, c)
        for i, ipc in enumerate(init.get("ip_config", [])):
            v4, v6 = ip_addresses(ipc)
            text = format_props([("ip", v4.get("address")), ("gw", v4.get("gateway")),
                                 ("ip6", v6.get("address")), ("gw6", v6.get("gateway"))])
            if text:
                c[f"ipconfig{i}"] = text
        for account in init.get("user_account", []):
            if "username" in account:
                c["ciuser"] = account["username"]
            if account.get("keys"):
                c["sshkeys"] = urlquote("\n".join(account["keys"]) + "\n", safe="")
        custom = [(key, init.get(f"{key}_data_file_id")) for key in ("user", "network", "meta", "vendor")]
        if any(v for _, v in custom):
            c["cicustom"] = format_props(custom)
        if "upgrade" in init:
            c["ciupgrade"] = int(bool(init["upgrade"]))
