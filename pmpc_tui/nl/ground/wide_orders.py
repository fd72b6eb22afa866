"""Orders wider than plain English may carry out, checked on the proposal against the request (nl19): a power
order whose object is a node itself ("reboot all three nodes one after another", "redémarre le nœud pve2") is never
turned into its guests' reboots, and a `destroy` of every guest the workspace declares is typed by hand.
"""

from __future__ import annotations

import re

from pmpc_tui.services.names import Names

# a node said as a word, in the languages the parser reads
NODE_WORD = r"(?:nodes?|hosts?|hypervisors?|n(?:œ|oe)uds?|knoten|nodos?|nodi|w[ęe]z(?:eł|ły|ly|el|ła|la)|hypervis\w*)"
# power verbs (English, French, German, Spanish, Italian, Dutch, Polish)
POWER_VERB = (r"(?:re-?boot\w*|restart\w*|shut\s*(?:ting\s+)?down|shutdown|power\s*(?:off|down|cycle)|turn\s+off|"
              r"switch\s+off|stop\w*|halt\w*|bounce|cycle|kill|suspend\w*|pause|red[ée]marr\w*|arr[êe]t\w*|"
              r"[ée]tein\w*|neu\s*start\w*|herunterfahr\w*|reinici\w*|apag\w*|riavvi\w*|spegn\w*|herstart\w*|"
              r"zrestartuj\w*|wyłącz\w*|wylacz\w*)")
# the words that may stand between the verb and the node it acts on ("all three of the", "le", "every single")
FILLER = (r"(?:the|all|every|each|both|my|our|its|their|single|two|three|four|five|\d+|of|physical|proxmox|pve|"
          r"cluster|le|la|les|l'|el|los|las|das|den|die|der|alle|tous|todos|i|gli|il|de|het|wszystkie|bitte|please|pls)")
GUEST_AFTER = (r"(?!\s*(?:'s|’s|'|s'|vms?|cts?|containers?|guests?|lxcs?|workloads?|machines?|kvms?|services?|ones|"
               r"boxes|stuff|things)\b)")
POWER_LINES = frozenset({"start", "stop", "shutdown", "reboot", "suspend", "resume"})
WHY_NODE = ("proxmox-mpc never powers off or reboots a node itself, and never turns that into its guests' reboots: "
            "say which guests (e.g. `reboot every vm on pve2`) — nothing was proposed")
WHY_DESTROY_ALL = ("a `destroy` of every guest the workspace declares is typed by hand, never proposed from plain "
                   "English: `destroy --dry-run` shows what it would remove, `destroy --target NAME` removes one")


def powers_a_node(text: str, lines: list[str], names: Names) -> str | None:
    """Why power lines were read from an order on a node itself (None: they were not)."""
    if not any(line.split()[:1] and line.split()[0] in POWER_LINES for line in lines):
        return None
    nodes = "|".join(re.escape(n.lower()) for n in names.nodes)
    node = rf"(?:{NODE_WORD}|{nodes})" if nodes else NODE_WORD
    lower = text.lower()
    # "starte den knoten pve2 neu": a German separable verb, its particle after the node
    particle = r"(?:\s+\S+)?\s+(?:neu|herunter|runter)\b"
    if re.search(rf"\b(?:start\w*|fahr\w*)\s+(?:{FILLER}\s+){{0,4}}{node}\b{particle}", lower):
        return WHY_NODE
    for said in re.finditer(rf"\b{POWER_VERB}\s+(?:{FILLER}\s+){{0,4}}{node}\b{GUEST_AFTER}", lower):
        after = re.match(r"\s*([\w.-]+)", lower[said.end():])
        if after is None or after.group(1) not in {n.lower() for n in names.guests}:  # "node k8s-worker-2": a guest
            return WHY_NODE
    return None


def destroys_everything(lines: list[str]) -> str | None:
    """Why a `destroy` of the whole workspace (no target, no dry run) is not proposed (None: there is none)."""
    for line in lines:
        words = line.split()
        if words[:1] == ["destroy"] and not {"--dry-run", "--target"} & set(words) and \
                not any(w.startswith("--target=") for w in words):
            return WHY_DESTROY_ALL
    return None
