"""Write tests/data/bpg-extra-schema.json from the bpg provider's resource docs at a pinned commit.

The cluster object types (pools, backup jobs, HA, firewall, SDN, storage, access, images) are not in
/work/shared/terraform/bpg-schema.json, so their arguments are read from the provider's own documentation
(`docs/resources/*.md`, read with `git show` from the mirrored repository, never from a work tree). Both doc
styles are read: the generated one (`## Schema` with `### Required`/`### Optional` and `### Nested Schema for`
sections) and the hand-written one (`## Argument Reference`, nested arguments as indented bullets).

    python tests/tools/bpg_docs_schema.py [--repo BARE_GIT_DIR] [--commit REV] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path
from typing import Any

REPO = Path("/work/.mirror/bpg+terraform-provider-proxmox/repo")
COMMIT = "d6bd1ffe"  # v0.111.1+16: the commit of /work/shared/terraform/bpg-schema.json
OUT = Path(__file__).resolve().parents[1] / "data" / "bpg-extra-schema.json"
DOCS = ("virtual_environment_pool", "pool_membership", "backup_job", "harule", "haresource",
        "virtual_environment_cluster_firewall", "virtual_environment_cluster_firewall_security_group",
        "virtual_environment_firewall_alias", "virtual_environment_firewall_ipset",
        "virtual_environment_firewall_options", "virtual_environment_firewall_rules",
        "sdn_zone_simple", "sdn_zone_vlan", "sdn_zone_qinq", "sdn_zone_vxlan", "sdn_zone_evpn", "sdn_vnet",
        "sdn_subnet", "sdn_applier", "storage_directory", "storage_lvm", "storage_lvmthin", "storage_nfs",
        "storage_zfspool", "storage_cifs", "storage_pbs",
        "virtual_environment_user", "virtual_environment_group", "virtual_environment_role", "acl", "download_file",
        "realm_ldap", "realm_openid")

_TITLE = re.compile(r"^title:\s*(\S+)\s*$", re.M)
_SCHEMA_ITEM = re.compile(r"^- `([a-z0-9_]+)` \(([^)]*)\)")
_NESTED_HEAD = re.compile(r"^### Nested Schema for `([a-z0-9_.]+)`")
_LEGACY_ITEM = re.compile(r"^(\s*)- `([a-z0-9_]+)`\s*-?\s*\((Required|Optional)\)")
_ANY_BULLET = re.compile(r"^(\s*)- ")

Schema = dict[str, Any]


def git_show(repo: Path, commit: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def _add(schema: Schema, name: str, required: bool) -> Schema:
    entry = schema.setdefault(name, {"required": required})
    entry["required"] = entry["required"] and required  # named twice (alternative blocks): required in both
    return entry


def _generated(text: str) -> Schema:
    """The `## Schema` style: top-level sections, then one `Nested Schema for` section per nested path."""
    schema: Schema = {}
    target: Schema = schema
    section = ""
    for line in text.split("## Schema", 1)[1].splitlines():
        if line.startswith("## "):
            break
        head = _NESTED_HEAD.match(line)
        if head:
            target, section = schema, "Optional"
            for part in head.group(1).split("."):
                target = target.setdefault(part, {"required": False}).setdefault("block", {})
            continue
        if line.startswith("### "):  # a top-level section
            target, section = schema, line[4:].strip()
            continue
        if line.strip() in ("Required:", "Optional:", "Read-Only:"):  # a section of a nested schema
            section = line.strip().rstrip(":")
            continue
        item = _SCHEMA_ITEM.match(line)
        if item and section in ("Required", "Optional"):
            entry = _add(target, item.group(1), section == "Required")
            if item.group(2).split(",")[0] == "Attributes":  # a single nested attribute: `x = { … }`
                entry["attribute"] = True
    return schema


def _legacy(text: str) -> Schema:
    """The `## Argument Reference` style: nesting by the bullets' indentation."""
    schema: Schema = {}
    stack: list[tuple[int, Schema]] = [(-1, schema)]
    alternatives: set[int] = set()  # indentations of the open "one of these blocks" bullets
    for line in text.split("## Argument Reference", 1)[1].splitlines():
        if line.startswith("## "):
            break
        bullet = _ANY_BULLET.match(line)
        if not bullet:
            continue
        indent = len(bullet.group(1))
        while stack[-1][0] >= indent:
            stack.pop()
        item = _LEGACY_ITEM.match(line)
        if item is None:  # a bullet describing alternatives: its children belong to the enclosing argument,
            alternatives.add(indent)  # and are required only within their alternative
            stack.append((indent, stack[-1][1]))
            continue
        alternatives = {i for i in alternatives if i < indent}
        required = item.group(3) == "Required" and not alternatives
        entry = _add(stack[-1][1], item.group(2), required)
        stack.append((indent, entry.setdefault("block", {})))
    return _prune(schema)


def _prune(schema: Schema) -> Schema:
    """Drop the empty `block` of plain arguments."""
    for entry in schema.values():
        if "block" in entry:
            if entry["block"]:
                _prune(entry["block"])
            else:
                del entry["block"]
    return schema


def resource_schema(text: str) -> tuple[str, Schema]:
    """(resource type, arguments) of one doc page."""
    title = _TITLE.search(text)
    if title is None:
        raise ValueError("no title in the front matter")
    if "\n## Schema" in text:
        return title.group(1), _prune(_generated(text))
    return title.group(1), _legacy(text)


def build(repo: Path = REPO, commit: str = COMMIT) -> dict[str, Any]:
    full = subprocess.run(["git", "--git-dir", str(repo), "rev-parse", f"{commit}^{{commit}}"], check=True,
                          capture_output=True, text=True).stdout.strip()
    resources = dict(resource_schema(git_show(repo, full, f"docs/resources/{doc}.md")) for doc in DOCS)
    return {"provider": "bpg/proxmox", "provider_commit": full, "source": "docs/resources/*.md",
            "resources": dict(sorted(resources.items()))}


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO)
    parser.add_argument("--commit", default=COMMIT)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.write_text(render(build(args.repo, args.commit)), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
