"""Words and names the generator draws from: guests of the scenarios plus realistic made-up ones, units, phrasings."""

from __future__ import annotations

import random

from pmpc_tui.services.names import Names

MORE_TAGS = ["cache", "frontend", "backend", "edge", "lb", "games", "home", "office", "gpu", "db-replica", "k3s"]
FAMILIES = ["web", "db", "api", "cache", "nextcloud", "gitlab", "runner", "jellyfin", "plex", "vault", "proxy", "mail",
            "dns", "monitor", "ci", "build", "redis", "mongo", "mysql", "postgres", "docker", "nas", "elk", "kafka",
            "k8s-worker", "k8s-cp", "k8s-master", "talos", "lb", "haproxy", "traefik", "minecraft", "unifi",
            "zabbix", "jenkins", "sonarr", "radarr", "wiki", "ldap", "keycloak", "app", "frontend", "backend",
            "worker", "etcd", "ceph-mon", "ansible", "bastion", "vpn", "wireguard", "opnsense", "truenas", "win-srv",
            "ubuntu", "debian", "fedora", "rocky", "alma", "arch", "sandbox", "test", "staging", "files",
            "homeassistant"]
# names for guests that do not exist yet (create)
NEW_NAMES = ["gitea", "forgejo", "immich", "paperless", "vaultwarden", "authentik", "netbox", "semaphore", "harbor",
             "argocd", "loki", "tempo", "uptime-kuma", "nginx", "caddy", "postfix", "matrix", "mastodon", "jitsi",
             "bookstack", "syncthing", "restic", "openvpn", "squid", "step-ca", "consul", "nomad", "rabbitmq", "nats",
             "clickhouse", "influxdb", "telegraf", "graylog", "wazuh", "k3s", "rke2", "talos-cp", "talos-worker",
             "web", "db", "api", "cache", "runner", "node-exporter", "edge", "lab", "media", "game", "build-agent"]
STYLES = ["{f}-0{n}", "{f}-{n}", "{f}0{n}", "{f}-prod-0{n}", "{f}-dev-{n}", "{f}{n}", "{f}"]
TAGS = ["prod", "web", "db", "k8s", "dev", "iot", "monitoring", "infra", "staging", "test", "backup", "dns", "media",
        "ci", "storage", "desktop", "lab", "critical"]
NODES = ["pve1", "pve2", "pve3", "pve4", "pve5", "node1", "node2", "node3", "proxmox1", "proxmox2", "hv01", "hv02",
         "nuc", "epyc", "pve-a", "pve-b"]
STORAGES = ["local", "local-lvm", "nas", "pbs", "ceph-pool", "zfs-fast", "nfs-backup", "local-zfs", "tank", "ssd"]
TEMPLATES = ["debian-12-template", "ubuntu-2404-tmpl", "talos-template", "rocky9-template", "win2022-template",
             "alpine-tmpl", "golden"]
SNAPSHOTS = ["before-upgrade", "pre-update", "clean-state", "snap1", "before-kernel", "pre-migration", "baseline",
             "known-good", "v2", "weekly"]
URLS = ["https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.2.0-amd64-netinst.iso",
        "https://releases.ubuntu.com/24.04/ubuntu-24.04.1-live-server-amd64.iso",
        "https://github.com/siderolabs/talos/releases/download/v1.8.0/metal-amd64.iso",
        "http://mirror.example.org/isos/alpine-virt-3.20.iso"]
FILES = ["./debian-13.2.0-amd64-netinst.iso", "~/Downloads/ubuntu.iso", "/tmp/talos.iso", "./alpine.tar.zst",
         "isos/win11.iso"]
SUMMARIES = ["the failed apply", "apply fails on web-03", "sync is slow", "the console crashed", "plan hangs",
             "import lost my edits", "the migration timed out", "backups failing on pbs", "login errors"]


def world(seed: int = 7) -> Names:
    """The generator's cluster: the homelab scenario's guests plus families of realistic names on more nodes."""
    from pmpc_tui.simulator.scenarios import homelab

    rng = random.Random(seed)
    cluster = homelab()
    names = Names(nodes=[*sorted(cluster.nodes), "pve4", "pve5", "node1", "hv01", "nuc"],
                  storage=["local", "local-lvm", "nas", "pbs", "ceph-pool", "zfs-fast", "tank"])
    for g in cluster.guests.values():
        names.facts[g.name] = ("vm" if g.kind == "qemu" else "ct", g.vmid, g.node, g.status,
                               str(g.config.get("tags", "")))
    vmid = 300
    for fam in FAMILIES:
        style = rng.choice(STYLES)
        count = 1 if style == "{f}" else rng.randint(2, 6)
        kind = "ct" if rng.random() < 0.3 else "vm"
        tags = ";".join(sorted(set(rng.sample(TAGS, rng.randint(1, 2)))))
        for n in range(1, count + 1):
            name = style.format(f=fam, n=n)
            if name in names.facts:
                continue
            names.facts[name] = (kind, vmid, rng.choice(names.nodes), rng.choice(["running", "running", "stopped"]),
                                 tags)
            vmid += 1
    for tmpl in TEMPLATES:
        if tmpl not in names.facts:
            names.facts[tmpl] = ("vm", 9000 + vmid % 100, names.nodes[0], "stopped", "template")
            vmid += 1
    return names
