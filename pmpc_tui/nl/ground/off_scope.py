"""Requests no registry command answers, refused before any parsing (read by `nl/guards.py`).

Buying or ordering hardware ("order more RAM for pve3 from the supplier") is no cluster command. (A typed "--yes" is
not refused here: the confirmation that lists every target is asked anyway.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PURCHASE = re.compile(r"\b(?:order|buy|purchase|procure|requisition)\s+(?:(?:some|more|new|a|an|another|extra|of|"
                      r"\d+(?:\s*(?:gb|g|tb|t|gigs?))?)\s+)*(?:ram|memory|dimms?|disks?|drives?|ssds?|nvmes?|hdds?|"
                      r"hardware|servers?|nodes?|licen[cs]es?|subscriptions?|cpus?|nics?|switch(?:es)?)\b(?!\s+by\b)")
WHY_PURCHASE = "buying or ordering hardware is nothing proxmox-mpc does (nothing was done)"
# hands-on hardware work, another hypervisor's guests, certificates (nl17k): no registry command does them
HANDS_ON = re.compile(r"\b(?:replace|swap(?:\s+out)?|install|fit|pull|reseat)\s+(?:the\s+|a\s+|an\s+)?"
                      r"(?:failing\s+|failed\s+|broken\s+|dead\s+|new\s+|faulty\s+|bad\s+)?(?:ssds?|nvmes?|hdds?|dimms?|psus?|power\s+supply|"
                      r"fans?|nics?|drives?)\b|\b(?:esxi|vmware|vsphere|hyper-v|virtualbox)\b|"
                      r"^(?:please\s+)?(?:renew|issue|rotate|"
                      r"install|replace)\s+(?:the\s+|a\s+|an\s+)?(?:[\w']+\s+){0,3}?(?:certificates?|certs?)\b")
# firmware of a node ("flash the bios on pve2", "update the bmc firmware") and formatting storage ("reformat the nas
# share", "wipe the backup pool"): host work no registry command does (nl18)
HOST_WORK = re.compile(r"\b(?:updat|upgrad|flash|reflash|patch|downgrad)\w*\s+(?:the\s+|its\s+|their\s+)?(?:\S+\s+)?"
                       r"(?:bios|uefi|firmware|bmc|ipmi|idrac|ilo|microcode)\b|\b(?:bios|uefi|firmware|bmc)\s+"
                       r"(?:update|upgrade|flash)|\b(?:re-?)?format\w*\s+(?:the\s+)?(?:\S+\s+){0,2}?(?:share|pool|"
                       r"datastore|volume|lun|nfs|export|dataset|zpool|storage|array|raid)\b|\b(?:wipe|erase|zap|"
                       r"re-?initiali[sz]e)\s+(?:the\s+)?(?:\S+\s+){0,2}?(?:share|pool|datastore|zpool|dataset|"
                       r"array|raid)\b")
WHY_HANDS_ON = ("that is hands-on hardware work, firmware, formatting storage, another hypervisor's guests or a "
                "certificate, which proxmox-mpc never "
                "does from plain English (nothing was done)")


FORMAT = re.compile(r"\b(?:re-?)?format\w*\s+(?:the\s+)?(?P<what>[\w.-]+)")
# wiping a disk or a storage itself ("wipe local-lvm clean", "zap the partition table on pve2's second disk", "erase
# the boot ssd of pve1", "shred the raw drives"): host work, never a read of what it holds (nl19)
WIPE = re.compile(r"\b(?:wip(?:e|ing)|eras(?:e|ing)|zap(?:ping)?|nuk(?:e|ing)|shred(?:ding)?|blank(?:ing)?|zero(?:ing)?"
                  r"(?:\s+out)?|dd)\s+(?:out\s+)?(?:the\s+|all\s+|every\s+|my\s+|our\s+|its\s+|[\w-]+'s\s+)?"
                  r"(?:(?P<thing>(?:[\w.-]+\s+){0,2}?(?:partitions?|partition\s+tables?|gpt|mbr|superblocks?|drives?|ssds?|"
                  r"nvmes?|hdds?|filesystems?|file\s*systems?|lvm|volume\s+groups?|vgs?|thin\s*pools?|storages?|"
                  r"(?:physical|raw|boot|system|second|first|third|os|data)\s+disks?)\b)|(?P<name>[\w.-]+))")


def why_out_of_scope(clean: str, storages: Iterable[str] = ()) -> str | None:
    """Why the request (lower case) is refused before parsing, or None; `storages`: the cluster's storage names
    ("reformat local-lvm")."""
    known = {s.lower() for s in storages}
    said = FORMAT.search(clean)
    if said and said.group("what") in known:
        return WHY_HANDS_ON
    wiped = WIPE.search(clean)
    if wiped and (wiped.group("thing") or wiped.group("name") in known):
        return WHY_HANDS_ON
    if PURCHASE.search(clean):
        return WHY_PURCHASE
    if HANDS_ON.search(clean) or HOST_WORK.search(clean):
        return WHY_HANDS_ON
    return None
