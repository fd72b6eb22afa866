"""Sizes, counts and times said in words, in the registry's units (MiB, GiB, `1h`)."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.slots import NotGrounded

WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "half": 0.5, "single": 1, "twelve": 12, "sixteen": 16, "twenty-four": 24,
         "thirty-two": 32, "forty-eight": 48, "sixty-four": 64}


def mebibytes(text: str) -> int:
    """`8 gigs`, `8GB`, `512 MiB`, `half a gig`, `1.5G` → MiB."""
    t = text.lower().replace(",", ".")
    m = re.search(r"(\d+(?:\.\d+)?)|\b(half|one|two|three|four|six|eight|twelve|sixteen|twenty-four|thirty-two|"
                  r"forty-eight|sixty-four|a|an)\b", t)
    if not m:
        raise NotGrounded(f"cannot read the size {text!r}")
    value = float(m.group(1)) if m.group(1) else float(WORDS[m.group(2)])
    unit = t[m.end():].strip()
    if re.match(r"(m|mb|mib|meg|megs|megabytes?|mo)\b", unit):
        return int(value)
    if re.match(r"(t|tb|tib|tera|terabytes?)\b", unit):
        return int(value * 1024 * 1024)
    if not unit and value >= 128:
        return int(value)  # a bare 4096 is MiB already
    return int(value * 1024)


def gibibytes(text: str) -> int:
    """`32GB`, `1 TB`, `100 gigs` → GiB."""
    mib = mebibytes(text)
    return max(1, mib // 1024) if mib >= 1024 or re.search(r"[gt]", text.lower()) else max(1, mib)


def disk_size(text: str) -> str:
    """A disk size as PVE takes it, in the unit the request used when whole: `1T`, `512M`, else GiB (`2.5 TB` →
    `2560G`)."""
    m = re.fullmatch(r"\s*(\d+)\s*(t|tb|tib|tera\w*|m|mb|mib|megs?|megabytes?)\s*", text.lower())
    if m:
        return f"{m.group(1)}{m.group(2)[0].upper()}"
    return f"{gibibytes(text)}G"


def number(text: str) -> str:
    t = text.strip().lower()
    if t.isdigit():
        return t
    if t in WORDS and t != "half":
        return str(int(WORDS[t]))
    raise NotGrounded(f"cannot read the number {text!r}")


def since(text: str) -> str:
    """`the last hour` → 1h, `30 minutes` → 30m, `today` → 1d, `the last week` → 7d."""
    t = text.lower()
    if re.search(r"\b(today|yesterday|day)\b", t) and not re.search(r"\d", t):
        return "1d"
    if re.search(r"\bweek\b", t) and not re.search(r"\d", t):
        return "7d"
    m = re.search(r"(\d+)?\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\b", t)
    if not m:
        raise NotGrounded(f"cannot read the time {text!r}", ["logs --since 1h", "logs --since 30m"])
    count = int(m.group(1) or 1)
    unit = m.group(2)[0]
    return f"{count * 7}d" if unit == "w" else f"{count}{unit}"

