"""Guests listed together, some by description ("start dev-sandbox and the windows desktop", "reboot the dns box and
the grafana box"): each description that fits exactly one guest is written as its name before parsing, so no listed
guest is dropped (nl18). A description that fits several or none is left as said (the grounding asks)."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.guests import ROLES, _name_parts
from pmpc_tui.services.names import Names

# a described guest: "the" and up to four words, up to "and", a comma, "then" or the end
DESCRIBED = re.compile(r"\bthe\s+(?P<d>(?:(?!and\b|then\b|or\b)[\w-]+\s*){1,4}?)(?=\s*(?:,|\band\b|\bthen\b|$|[.;!?]))",
                       re.IGNORECASE)
# words of a description that name what a guest is, not which one
KIND_WORDS = frozenset({"box", "boxes", "vm", "ct", "container", "lxc", "server", "machine", "instance", "guest", "one",
                        "host", "appliance", "desktop", "broker", "service"})


def _one_guest(phrase: str, names: Names) -> str | None:
    """The one guest a description fits (a word of it is the guest's name, or a role only it has), or None."""
    words = re.findall(r"[\w-]+", phrase.lower())
    usable = [n for n, f in names.guests.items() if f[3] != "template" and not names.is_template(f[1])]
    parts = {p for n in usable for p in _name_parts(n)} | {n.lower() for n in usable}
    roles = {w for pattern, _ in ROLES for m in re.finditer(pattern, phrase.lower()) for w in m.group(0).split()}
    if not all(w in KIND_WORDS or w in parts or w in roles or w.removesuffix("s") in KIND_WORDS for w in words):
        return None  # "the pre-deploy snapshots on web-01": something of a guest, never the guest
    by_name = [n for n in usable if n.lower() in words]
    if by_name:
        return by_name[0] if len(by_name) == 1 else None
    fragments = {f for pattern, frags in ROLES if re.search(pattern, phrase.lower()) for f in frags}
    rest = [w for w in words if w not in KIND_WORDS]
    fits = [n for n in usable if set(_name_parts(n)) & fragments] if fragments else \
        [n for n in usable if rest and all(w in _name_parts(n) for w in rest)]
    return fits[0] if len(fits) == 1 else None


def named_in_lists(text: str, names: Names) -> str:
    """The request with each described guest of a list ("X and the Y box") written as its name."""
    if not re.search(r"\band\b", text, re.IGNORECASE):
        return text
    spans = list(DESCRIBED.finditer(text))
    listed = [m for m in spans if re.search(r"\b(?:and|then)\s*$", text[:m.start()], re.IGNORECASE) or
              re.match(r"\s*and\b", text[m.end():], re.IGNORECASE)]
    for m in reversed(listed):
        name = _one_guest(m.group("d"), names)
        if name is not None:
            end = m.start("d") + len(m.group("d").rstrip())
            text = text[:m.start()] + name + text[end:]
    return text
