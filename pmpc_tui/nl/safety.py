"""The one safety path every proposal passes (offline parser, model back ends, Claude Code): each line must
be a registry command that plain English may propose; its risk comes from the registry (the action's for
commands with actions), never from a parser or a model; its guests are resolved against `Names`.

Guests the request did not name itself were picked by a selector ("every vm", "all the k8s vms"): templates
and guests already in the target state are skipped. Guests an exception left out never stay a target.
"""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.commands.registry import NEVER_FROM_LANGUAGE, risk_of_line
from pmpc_tui.commands.repl import parse_line
from pmpc_tui.nl.proposal import Proposal, Target, highest
from pmpc_tui.services.names import Names

# commands plain English never proposes, whatever the registry says of them today
NEVER = frozenset({"connect", "profiles", "init", "debug", "mcp", "simulator", "state", "ask"})
# the state a power action leaves a guest in, and the states it makes no sense from
POWER_SKIP = {"start": {"running"}, "stop": {"stopped"}, "shutdown": {"stopped"}, "reboot": {"stopped"},
              "suspend": {"paused", "stopped"}, "resume": {"running", "stopped"}}
# a request about one of these things is never carried out by a risky command about something else
SUBJECTS: list[tuple[str, set[str]]] = [
    (r"snap\s*shots?|snaps?\b", {"snapshot"}),
    (r"backups?|archives?|vzdump", {"backup"}),
    (r"disks?|volumes?", {"disk", "resize"}),
    (r"(?:bug|issue)\s+report|report\s+(?:a|an|the)\s+(?:bug|issue|problem)", {"report-issue"}),
    (r"tasks?\b|jobs?\b", {"tasks"}),
    (r"logs?\b", {"logs"}),
]


def _guest(kind: str, ident: str, names: Names, node: str = "") -> Target:
    """One guest as a target: known ones with VMID, name and node."""
    guests = names.guests
    found = next(((n, g) for n, g in guests.items() if ident == n or (ident.isdigit() and str(g[1]) == ident)), None)
    if found is None:
        return {"kind": kind, "vmid": int(ident) if ident.isdigit() else None, "name": "" if ident.isdigit()
                else ident, "node": node}
    name, (gkind, vmid, gnode, _status, _tags) = found
    return {"kind": gkind, "vmid": vmid, "name": name, "node": gnode or node}


def targets_of(args: Any, names: Names) -> list[Target]:
    """The guests one parsed command line acts on (a new guest of `create` by its name and node)."""
    kind = str(getattr(args, "kind", "") or "")
    if getattr(args, "command", "") == "create" and getattr(args, "name", None):
        return [{"kind": kind or "vm", "vmid": None, "name": str(args.name), "node": str(args.node or "")}]
    if kind not in ("vm", "ct"):
        return []
    idents = getattr(args, "guests", None) or ([args.guest] if getattr(args, "guest", None) else [])
    return [_guest(kind, str(i), names) for i in idents]


def _status(names: Names, target: Target) -> str:
    fact = names.guests.get(str(target.get("name", "")))
    return fact[3] if fact else ""


def _skip(command: str, target: Target, names: Names) -> str | None:
    """Why a guest a selector picked is left out of `command` (None: it stays)."""
    if names.is_template(target.get("vmid")):
        return "a template"
    status = _status(names, target)
    if status and status in POWER_SKIP.get(command, set()):
        return f"already {status}"
    return None


def _mismatch(request: str, lines: list[str], names: Names) -> str | None:
    """A risky line about something else than what the request is about (`delete vm` for "the snapshot")."""
    for name in sorted(names.guests, key=len, reverse=True):  # "backup-server" is a guest, not a backup
        request = re.sub(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", " ", request)
        spaced = re.sub(r"[-_.]+", " ", name.lower())  # "the backup server vm": the guest said with spaces
        if spaced != name.lower():
            request = re.sub(rf"(?<![\w-]){re.escape(spaced)}(?![\w-])", " ", request)
    # "pause vm 110 while I swap the usb disk": the reason or the moment said around it is no subject
    request = re.sub(r"\b(?:while|because|since|as|so\s+that|so)\s+(?:i|we|you|they)\b.*", " ", request)
    # "reboot web-02 and show me the task log": the order's own task, which --wait follows
    request = re.sub(r"\b(?:show|give)\s+me\s+(?:the\s+)?task(?:'s)?\s+(?:log|output|progress)\b", " ", request)
    if any("--purge" in line.split() for line in lines):  # "purge it from backup jobs": what --purge does
        request = re.sub(r"\b(?:from|of|in)\s+(?:the\s+|all\s+|any\s+)?(?:backup\s+)?(?:jobs?|replication|ha)\b.*", " ",
                         request)
    about = [(pattern, allowed) for pattern, allowed in SUBJECTS if re.search(rf"\b(?:{pattern})", request)]
    if not about:
        return None
    allowed = set().union(*(a for _p, a in about))
    for line in lines:
        name = line.split()[0].lstrip("/")
        if name not in allowed and risk_of_line(line) in ("disruptive", "destructive"):
            return line
    return None


def _without(line: str, left_out: list[Target]) -> str:
    """A line on several guests without the ones left out (their names or VMIDs as words)."""
    gone = {str(t.get("name")) for t in left_out} | {str(t.get("vmid")) for t in left_out}
    return " ".join(w for w in line.split() if w not in gone)


def check(proposal: Proposal, names: Names, request: str = "", excluded: set[str] | None = None) -> Proposal:
    """The proposal as it may be shown and carried out: lines checked, targets resolved, risk from the
    registry. `request` is the user's own text (what it names itself); `excluded` are guests left out."""
    from pmpc_tui.nl.ground.described import singled_out
    from pmpc_tui.nl.guards import mentioned, normalize

    excluded = excluded or set()
    named = mentioned(request, names) - excluded
    named |= singled_out(request, proposal.commands, names) - excluded  # "the windows desktop VM" (nl17i)
    kept: list[str] = []
    targets: list[Target] = []
    notes = list(proposal.notes)
    dropped = 0
    rewritten = False
    for raw in proposal.commands:
        line = raw.strip() if isinstance(raw, str) else ""
        parsed = parse_line(line) if line else None
        if parsed is None or parsed.kind != "command" or parsed.command is None:
            dropped += 1
            notes.append(f"dropped `{line}`: not a proxmox-mpc command")
            continue
        name = parsed.command.name
        if name in NEVER or risk_of_line(line) == NEVER_FROM_LANGUAGE:
            dropped += 1
            notes.append(f"dropped `{line}`: `{name}` is never run from plain English — type it yourself")
            continue
        line_targets = targets_of(parsed.args, names)
        left_out = [t for t in line_targets if t.get("name") in excluded]
        if left_out and name == "backup" and len(left_out) < len(line_targets):
            line = _without(line, left_out)  # "back up the prod vms except db-01": one archive a guest, db-01 none
            notes.append(f"left out {', '.join(str(t['name']) for t in left_out)} (the request excludes it)")
            line_targets = [t for t in line_targets if t not in left_out]
            left_out, rewritten = [], True
        if left_out:
            if len(line_targets) > 1:  # one line on several guests, some left out: never run it whole
                return Proposal([], 0.0, f"`{line}` also acts on {left_out[0]['name']}, which the request "
                                         "leaves out: nothing was proposed", suggestions=["list vms"], notes=notes)
            notes.append(f"left out {left_out[0]['name']} (the request excludes it)")
            continue
        if len(line_targets) == 1 and line_targets[0].get("name") not in named and \
                name not in ("create", "clone", "describe"):  # a template is what a clone starts from
            why = _skip(name, line_targets[0], names)
            if why is not None:
                notes.append(f"skipped {line_targets[0]['name']}: {why}")
                continue
        kept.append(line)
        targets += [t for t in line_targets if t not in targets]
    wrong = _mismatch(normalize(request), kept, names)
    if wrong is not None:
        return Proposal([], 0.0, f"the request is not about what `{wrong}` does, so nothing was proposed — say it "
                                 "as a command (`/help` lists them)", suggestions=["/help"], notes=notes)
    confidence = proposal.confidence if not dropped else min(proposal.confidence, 0.3)
    explanation = proposal.explanation
    verbs = {c.split()[0] for c in kept}
    # say what is left, not what was read
    if (len(kept) < len(proposal.commands) or rewritten) and len(verbs) == 1 and targets:
        explanation = f"{verbs.pop()} {', '.join(str(t.get('name') or t.get('vmid')) for t in targets)}"
    if notes:
        explanation = f"{explanation} ({'; '.join(notes)})" if explanation else "; ".join(notes)
    if proposal.commands and not kept and not dropped:
        explanation = f"nothing to do: {'; '.join(notes)}"
    return Proposal(kept, confidence, explanation, highest([risk_of_line(c) for c in kept]),
                    suggestions=proposal.suggestions if kept else (proposal.suggestions or ["list vms"]),
                    targets=targets, notes=notes)
