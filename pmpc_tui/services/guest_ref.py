"""Guest references and plan targets as users type them: the one parser every front end calls.

A VMID is ASCII digits only (Python's `int()` and `str.isdigit()` also take full-width and other
Unicode digits, which once deleted VM 109 when typed in full-width), 100 to 999999999, no sign, no
leading zero. A guest name is an ASCII DNS name. A `--target` is a resource address, a VMID or a
name, and must name a guest of the code or the cluster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pmpc_tui.pve.errors import ValidationFailed

VMID_MIN, VMID_MAX = 100, 999_999_999
ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
DNS_NAME = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*", re.ASCII)
ADDRESS = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,127}\.[A-Za-z_][A-Za-z0-9_-]{0,127}", re.ASCII)
SHOWN_MAX = 40  # characters of a bad value quoted back in an error


def shown(text: object) -> str:
    """A user's value, quoted and cut short, for an error message."""
    value = str(text)
    value = value if len(value) <= SHOWN_MAX else value[:SHOWN_MAX] + "…"
    return repr(value)


GUEST_KINDS = {"vm": "qemu", "vms": "qemu", "qemu": "qemu",
               "ct": "lxc", "cts": "lxc", "lxc": "lxc", "container": "lxc", "containers": "lxc"}


def parse_guest_kind(value: str, field: str = "kind") -> str:
    """The PVE guest type ("qemu" or "lxc") for vm/vms/qemu or ct/cts/lxc/container(s), else ValidationFailed."""
    kind = GUEST_KINDS.get(str(value).strip().lower())
    if kind is None:
        raise ValidationFailed("invalid", {field: f"{shown(value)} is not a guest kind: use vm or ct"})
    return kind


def check_pve_kind(kind: str) -> str:
    """`kind` itself when it is a PVE guest type (qemu or lxc), else ValidationFailed: services check it again."""
    if kind not in ("qemu", "lxc"):
        raise ValidationFailed("invalid", {"kind": f"{shown(kind)} is not a guest kind: use vm or ct"})
    return kind


def is_ascii_number(text: str) -> bool:
    """True when `text` is one or more ASCII digits 0-9 and nothing else."""
    return ASCII_DIGITS.fullmatch(text) is not None


def parse_vmid(value: str | int, field: str = "VMID") -> int:
    """A VMID from user input (text or int), or ValidationFailed saying what is allowed."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed("invalid", {field: f"{shown(value)} is not a VMID"})
    if isinstance(value, str):
        text = value.strip(" \t")
        if not is_ascii_number(text):
            raise ValidationFailed("invalid", {field: f"{shown(value)} is not a VMID: use the digits 0-9 "
                                                           f"({VMID_MIN}–{VMID_MAX})"})
        if len(text) > len(str(VMID_MAX)) or (len(text) > 1 and text.startswith("0")):
            raise ValidationFailed("invalid", {field: f"VMID {shown(value)} is out of range ({VMID_MIN}–{VMID_MAX})"})
        value = int(text)
    if not VMID_MIN <= value <= VMID_MAX:
        raise ValidationFailed("invalid", {field: f"VMID {value} is out of range ({VMID_MIN}–{VMID_MAX})"})
    return value


def is_guest_name(text: str) -> bool:
    """True for an ASCII DNS name, as Proxmox VE requires for guest names."""
    return DNS_NAME.fullmatch(text) is not None


def parse_guest_ident(value: str | int, field: str = "guest") -> int | str:
    """A guest named by VMID or by DNS name; anything else is rejected before any API call."""
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_vmid(value, field)
    if not isinstance(value, str):
        raise ValidationFailed("invalid", {field: f"{shown(value)} is neither a VMID nor a guest name"})
    text = value.strip(" \t")
    if text.isdigit() or (text[:1] in "+-" and text[1:].isdigit()):  # any digits, even full-width: a VMID
        return parse_vmid(text, field)
    if not is_guest_name(text) or is_ascii_number(text.replace(".", "")):
        raise ValidationFailed("invalid", {field: f"{shown(value)} is neither a VMID "
                                                        f"({VMID_MIN}–{VMID_MAX}) nor a valid DNS name"})
    return text


def check_target_syntax(targets: Iterable[str]) -> None:
    """Each `--target` is a resource address (type.name), a VMID or a guest name — checked before any request."""
    for target in targets:
        text = target.strip() if isinstance(target, str) else target
        if isinstance(text, str) and (ADDRESS.fullmatch(text) or is_ascii_number(text) or is_guest_name(text)):
            if is_ascii_number(text):
                parse_vmid(text, "--target")
            continue
        raise ValidationFailed("invalid", {"--target": f"{shown(target)} is not a resource address "
                                                                "(type.name), a VMID or a guest name"})


def resolve_targets(targets: Iterable[str], known: Iterable[tuple[str | None, int | None, str | None]]) -> None:
    """Every target must name a guest or cluster object of the code or the cluster: (address, vmid, name) triples.

    Raises ValidationFailed naming the unknown target(s) and a few valid ones.
    """
    triples = list(known)
    names: set[str] = set()
    for address, vmid, name in triples:
        names.update(str(x) for x in (address, vmid, name) if x not in (None, ""))
    unknown = sorted({t.strip() for t in targets} - names)
    if not unknown:
        return
    guests = sorted({str(vmid) if name in (None, "") else str(name) for _a, vmid, name in triples if vmid is not None})
    objects = sorted({str(name) for _a, vmid, name in triples if vmid is None and name})
    examples = (guests + objects)[:5]  # guests first: they are what most targets name
    valid = ", ".join(examples) if examples else "none: the code declares no guest and the cluster has none"
    named = ", ".join(shown(u) for u in unknown[:5])
    raise ValidationFailed("unknown", {"--target": f"{named} names no guest or cluster object of the code or the "
                                                            f"cluster (e.g. {valid})"})
