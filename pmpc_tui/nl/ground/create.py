"""`create` lines: names (ranges, counts), node, cores, memory, disk, template, tags and storage."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.newnames import listed, said_name, unknown_guests
from pmpc_tui.nl.ground.slots import RANGE, SIZE, Grounded, NotGrounded
from pmpc_tui.nl.ground.units import gibibytes, mebibytes, number

# the container templates Proxmox VE 9 offers for download (`pveam available`), by distribution and release; the
# first of each is what the bare word means. They are looked for on `local`; `validate` checks the volume is there.
DEBIAN_12 = "debian-12-standard_12.7-1_amd64.tar.zst"
UBUNTU_24 = "ubuntu-24.04-standard_24.04-2_amd64.tar.zst"
UBUNTU_22 = "ubuntu-22.04-standard_22.04-1_amd64.tar.zst"
OS_TEMPLATES = {"debian": {"12": DEBIAN_12, "bookworm": DEBIAN_12},
                "ubuntu": {"24.04": UBUNTU_24, "noble": UBUNTU_24, "22.04": UBUNTU_22, "jammy": UBUNTU_22}}
DISTRO = re.compile(r"\b(debian|ubuntu)(?:\s+|-)?(\d+(?:\.\d+)?|bookworm|noble|jammy)?\b")
VERSION_NUMBER = re.compile(r"\b(?:debian|ubuntu|alpine|rocky|alma|fedora|centos)[\s-]*(\d+(?:\.\d+)?)")


def _ostemplate(words: str) -> str | None:
    """`local:vztmpl/…` for "a debian container", "ubuntu 24.04", "debian 12" (None for a release not offered)."""
    said = DISTRO.search(words)
    if not said:
        return None
    releases = OS_TEMPLATES[said.group(1)]
    file = releases.get(said.group(2)) if said.group(2) else next(iter(releases.values()))
    return f"local:vztmpl/{file}" if file else None


def _create(g: Grounder) -> Grounded:
    kind = g.kind_filter() or "vm"
    names: list[str] = []
    for text in g.slots.all("RANGE"):
        names += listed(g, text)
    for text in g.slots.all("NEWNAME"):  # a range the tagger took for one name
        names += g.expand_range(text) if RANGE.search(text) else listed(g, text)
    unknown, _ = unknown_guests(g, keep_first=False)  # words taken for guests the cluster does not have
    names = list(dict.fromkeys(names + unknown))
    if not names and said_name(g):
        names = [said_name(g) or ""]
    if not names:
        raise NotGrounded("what should the new guest be called?", [f"create {kind} --name NAME --node NODE"])
    words = " ".join(g.slots.words).lower()
    names.sort(key=lambda n: words.find(n) if n in words else len(words))  # in the order the request said them
    count = g.slots.first("COUNT")
    numbered = [n for n in names if re.search(r"\d", n)]
    if count and len(names) > int(number(count)) == len(numbered):  # "2 web vms web-04 and web-05": "web" no name
        names = numbered
    if count and len(names) == 1 and int(number(count)) > 1:
        names = [f"{names[0]}-{i}" for i in range(1, int(number(count)) + 1)]
    taken = [n for n in names if n in g.guests]
    if taken:
        raise NotGrounded(f"a guest called {taken[0]} exists already", [f"describe {g.ref(taken[0])}"])
    opts: list[str] = []
    node = g.node()
    if node:
        opts += ["--node", node]
    explicit = re.search(r"\b(\d{1,3})\s*(?:v?cpus?|cores?|vcores?)\b", " ".join(g.slots.words))
    cores = explicit.group(1) if explicit else g.slots.first("CORES")  # "debian 12, 1 core": the number by "core"
    if cores and not explicit and cores in VERSION_NUMBER.findall(" ".join(g.slots.words).lower()):
        cores = None  # "from the debian 12 template": a release, not cores
    if cores:
        opts += ["--cores", number(cores)]
    memory, disk = g.slots.first("MEM"), g.slots.first("DISK")
    words = " ".join(g.slots.words).lower()
    sizes = [m.group(0) for m in SIZE.finditer(words)]
    said_disk = re.search(r"(\d+(?:\.\d+)?\s*(?:gb|g|gigs?|gib|tb|t|tib))\s+(?:of\s+)?(?:disk|storage|root|ssd|hdd|"
                          r"drive)\b", words)
    if said_disk and len(sizes) >= 2 and not (memory and disk and said_disk.group(1).replace(" ", "") ==
                                              disk.lower().replace(" ", "")):
        # "2 cores 4g 32g disk": the size before the disk word is the disk, the first other one the memory
        disk = said_disk.group(1)
        memory = memory if memory and memory.lower().replace(" ", "") != disk.replace(" ", "") else next(
            (x for x in sizes if x != disk), memory)
    compact = re.search(r"\b(\d{1,3})\s*c(?:ores?)?\s*/\s*(\d+)\s*g\s*/\s*(\d+)\s*g\b", words)  # "4c/8g/100g"
    if compact:
        opts += [] if "--cores" in opts else ["--cores", compact.group(1)]
        memory, disk = f"{compact.group(2)}g", f"{compact.group(3)}g"
    clone_of = re.search(r"\b(?:clone(?:d)?(?:\s+of|\s+from)?|from\s+template|template)\s+(\d{3,9})\b", words)
    id_words = {m.group(1) for m in re.finditer(r"\b(?:vmid|id|template|clone(?:\s+of)?)\s+(\d{3,9})\b", words)}
    if disk and disk.strip() in id_words:
        disk = None  # "vmid 113", "from template 100": an id, not a disk size
    if not disk:
        bare = re.search(r"\bdisk\s+(?:of\s+)?(\d+)\s*(?:g|gb|gib|gigs?)?\b", words)
        disk = bare.group(1) if bare else None  # "disk 16"
    if not disk and memory:
        disk = _last_size(sizes, memory, id_words | set(VERSION_NUMBER.findall(words)))
    versions = set(VERSION_NUMBER.findall(words))
    if memory and re.sub(r"[^\d.]", "", memory) in versions:  # "ubuntu 24.04, 512mb": a release, not memory
        memory = next((x for x in sizes if re.sub(r"[^\d.]", "", x) not in versions and x != disk), None)
    if memory:
        opts += ["--memory", str(mebibytes(memory))]
    if disk:
        opts += ["--disk", str(gibibytes(disk))]
    template = g.slots.first("TEMPLATE")
    if clone_of and kind == "vm" and not template:  # "clone 100", "from template 100": by VMID, as written
        template = clone_of.group(1)
    os_template = _ostemplate(words) if kind == "ct" else None
    versioned = os_template and re.search(r"\b(?:debian|ubuntu)[\s-]*\d", words)
    ct_template = g.described(template=True) if kind == "ct" and "template" in words and not versioned else None
    if ct_template and g.kind_of(ct_template) == "ct":  # "a ct from the ubuntu ct template": a clone of it
        return Grounded([f"clone ct {ct_template} --name {n}" for n in names],
                        f"clone {ct_template} as {', '.join(names)}")
    only = [n for n, f in g.guests.items() if f[0] == kind and (f[3] == "template" or g.names.is_template(f[1]))]
    if template and kind == "vm":
        source = g.guest(template, destructive=False)
        opts += ["--clone", g.ident(source)]
    elif kind == "vm" and re.search(r"\btemplate\b", " ".join(g.slots.words)) and g.described(template=True):
        opts += ["--clone", g.described(template=True) or ""]
    elif kind == "vm" and re.search(r"\bfrom\s+(?:the\s+|a\s+)?template\b", words) and len(only) == 1:
        opts += ["--clone", only[0]]  # "from template": the one VM template there is
    if os_template and not any(o == "--clone" for o in opts):  # "a debian container", "ubuntu 24.04"
        opts += ["--ostemplate", os_template]
    listed_tags = re.search(r"\btags?\s*[:=]?\s*([a-z][\w-]*(?:\s*,\s*[a-z][\w-]*)*)", words)
    tags = [t.strip() for t in listed_tags.group(1).split(",")] if listed_tags else []
    tags = tags if len(tags) > len(g.slots.all("TAG")) else [t.lower() for t in g.slots.all("TAG")]
    if tags:  # "tags logging,monitoring": every one, also those no guest has yet
        opts += ["--tags", ",".join(tags)]
    if g.storage():  # "a 100 gig disk on the nas"
        opts += ["--storage", g.storage() or ""]
    what = "VM" if kind == "vm" else "container"
    return Grounded([" ".join(["create", kind, "--name", n, *opts]) for n in names],
                    f"add {len(names)} {what}(s) to the workspace's code ({', '.join(names)}); nothing reaches "
                    "the cluster until apply")


def _last_size(sizes: list[str], memory: str, not_sizes: set[str]) -> str | None:
    """The disk of a bare list of sizes ("2 cpus, 2048 MiB, 40G"): the size said after the memory, when it is no
    smaller than the memory (a disk is never smaller than the RAM it is said after) (nl18)."""
    said = [x for x in sizes if re.sub(r"[^\d.]", "", x) not in not_sizes]
    at = next((i for i, x in enumerate(said) if x.replace(" ", "") == memory.lower().replace(" ", "")), None)
    after = said[at + 1:] if at is not None else []
    if len(after) == 1 and gibibytes(after[0]) * 1024 >= mebibytes(memory):
        return after[0]
    return None
