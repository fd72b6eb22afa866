"""Multi-step requests ("create 3 VMs with Talos for a k8s cluster"): blueprints from a YAML catalog.

Each blueprint (`blueprint_templates/catalog.yaml`) names its trigger phrases, its parameters with defaults
and a Jinja2 template that renders `create vm|ct …` lines in the registry's syntax. Matching reads the
parameters from the request, picks online nodes and free names and VMIDs from `Names`, renders the lines
and checks each with the REPL's parser. Nothing is written here: `nl/blueprint_flow.py` carries it out.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from pmpc_tui.services.names import Names

if TYPE_CHECKING:
    from jinja2 import Environment

    from pmpc_tui.nl.proposal import Proposal

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "no": 0, "zero": 0}
DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
NOT_A_NODE = {"a", "an", "the", "my", "our", "this", "that", "it", "top", "each", "every", "port"}
FIRST_VMID = 100


@dataclass
class Blueprint:
    """One catalog entry."""

    name: str
    title: str
    all: list[str]
    any: list[str]
    parameters: dict[str, dict[str, Any]]
    template: str
    explanation: str
    prefix: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    def triggered(self, text: str) -> bool:
        """Every `all` pattern and (when there are any) one `any` pattern match the request."""
        return all(re.search(p, text) for p in self.all) and (not self.any or any(re.search(p, text)
                                                                                  for p in self.any))


@dataclass
class Catalog:
    """The blueprints, and the patterns that keep a request from being one."""

    blueprints: list[Blueprint]
    never: list[str]


@dataclass
class BlueprintProposal:
    """A matched blueprint: its `create` lines, the values it used, the files it adds, and an explanation."""

    name: str
    title: str
    commands: list[str]
    explanation: str
    parameters: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # workspace-relative path → template (rendered at run)
    backends: list[str] = field(default_factory=list)  # guests whose addresses the files name
    problem: str = ""  # why it cannot be carried out as asked

    @property
    def understood(self) -> bool:
        return bool(self.commands) and not self.problem

    @property
    def guest_names(self) -> list[str]:
        """The names of the guests the lines create, in order."""
        return [_option(line, "--name") or "" for line in self.commands]


@functools.cache
def load_catalog() -> Catalog:
    """The blueprint catalog shipped in the package."""
    from ruamel.yaml import YAML

    text = resources.files("pmpc_tui.nl").joinpath("blueprint_templates/catalog.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    blueprints = [Blueprint(name=b["name"], title=b["title"], all=list(b["triggers"].get("all", [])),
                            any=list(b["triggers"].get("any", [])), parameters=dict(b.get("parameters") or {}),
                            template=b["template"], explanation=b["explanation"], prefix=b.get("prefix"),
                            files=dict(b.get("files") or {})) for b in data["blueprints"]]
    return Catalog(blueprints, list(data.get("never", [])))


@functools.cache
def environment() -> Environment:
    """Jinja2 over the packaged templates; `q` quotes a value for the command line."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("pmpc_tui.nl", "blueprint_templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    env.filters["q"] = lambda value: shlex.quote(str(value))
    return env


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Any:
    """A catalog string (a default, a path, an explanation) as a Jinja2 template, compiled once."""
    return environment().from_string(source)


def _option(line: str, flag: str) -> str | None:
    """The value after `flag` in a rendered line (a plain word, or one `shlex.quote` put in single quotes)."""
    m = re.search(rf"(?:^|\s){re.escape(flag)}\s+(?:'([^']*)'|(\S+))", line)
    return None if m is None else m.group(1) if m.group(1) is not None else m.group(2)


def _count(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def _captures(spec: dict[str, Any], text: str) -> list[str]:
    return [m.group(1) for p in spec.get("patterns", []) for m in re.finditer(p, text)]


def _guests_named(text: str, names: Names) -> list[str]:
    """Guests of the cluster the request names, in the order it names them."""
    found = []
    for name in names.guests:
        m = re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text)
        if m:
            found.append((m.start(), name))
    return [n for _pos, n in sorted(found)]


def _read_parameter(key: str, spec: dict[str, Any], text: str, names: Names, online: list[str],
                    values: dict[str, Any]) -> tuple[Any, str]:
    """(value, problem) of one parameter: from the request, else its default."""
    kind = spec.get("type", "text")
    label = key.replace("_", " ")
    if kind == "guests":
        picked = _guests_named(text, names)
        if len(picked) < int(spec.get("min", 0)):
            return picked, "which guests should it stand in front of? name them, e.g. 'in front of web-01 and web-02'"
        return picked, ""
    value: Any = None
    for raw in _captures(spec, text):
        if kind == "count":
            value = _count(raw)
        elif kind == "word":
            value = spec["choices"].get(raw.lower())
        elif kind == "node":
            if raw in NOT_A_NODE:
                continue
            if raw not in online:
                known = ", ".join(online) or "none known yet: read the cluster first (sync)"
                return None, f"'{raw}' is not an online node (online: {known})"
            value = raw
        elif kind == "name":
            if not DNS_LABEL.match(raw):
                return None, f"'{raw}' is not a valid name for the {label}: use letters, digits and hyphens"
            value = raw
        else:
            value = raw
        if value is not None:
            break
    if value is None:
        default = spec.get("default")
        if isinstance(default, str) and "{{" in default:
            default = _compiled(default).render(**values).strip()
        value = int(default) if kind == "count" and default is not None else default
    if kind == "count" and value is not None:
        low, high = int(spec.get("min", 0)), int(spec.get("max", 100))
        if not low <= int(value) <= high:
            return value, f"{value} {label} is outside {low}–{high}"
    return value, ""


def _free_vmids(names: Names, count: int) -> list[int]:
    used = {facts[1] for facts in names.guests.values()}
    vmids: list[int] = []
    vmid = FIRST_VMID
    while len(vmids) < count:
        if vmid not in used:
            vmids.append(vmid)
        vmid += 1
    return vmids


def _render(blueprint: Blueprint, values: dict[str, Any], online: list[str]) -> list[str]:
    def place(index: int) -> str:
        return str(values.get("node") or online[index % len(online)])

    text = environment().get_template(blueprint.template).render(**values, place=place)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _taken(lines: list[str], names: Names) -> list[str]:
    """Names the lines would create that the cluster already uses (or that repeat)."""
    known = {n.lower() for n in names.guests}
    seen: set[str] = set()
    taken = []
    for line in lines:
        name = (_option(line, "--name") or "").lower()
        if name in known or name in seen:
            taken.append(name)
        seen.add(name)
    return taken


def _checked(lines: list[str]) -> str:
    """The first line the registry does not parse as `create`, with its error ('' when all do)."""
    from pmpc_tui.commands.repl import parse_line

    for line in lines:
        parsed = parse_line(line)
        if parsed.kind != "command" or parsed.command is None or parsed.command.name != "create":
            return f"the blueprint made a line the registry rejects: {line} ({parsed.text.splitlines()[0]})"
    return ""


def _problem(blueprint: Blueprint, problem: str, values: dict[str, Any]) -> BlueprintProposal:
    return BlueprintProposal(blueprint.name, blueprint.title, [], f"{blueprint.title}: {problem}", values,
                             problem=problem)


def match_blueprint(text: str, names: Names, *, online_nodes: list[str] | None = None) -> BlueprintProposal | None:
    """The blueprint a request asks for, expanded into `create` lines; None when it asks for none.

    `online_nodes` are the nodes guests may be placed on (default: every node `names` knows)."""
    clean = re.sub(r"\s+", " ", text.strip().lower().rstrip("?.!"))
    catalog = load_catalog()
    if any(re.search(p, clean) for p in catalog.never):
        return None
    # a new guest's own name never asks for a blueprint ("need a vm gitlab-runner, 4 cores"): masked before matching
    trigger = re.sub(r"\b(vm|ct|container|lxc|called|named)\s+['\"]?[a-z][a-z0-9]*-[a-z0-9-]+['\"]?", r"\1 <name>",
                     clean)
    blueprint = next((b for b in catalog.blueprints if b.triggered(trigger)), None)
    if blueprint is None:
        return None
    online = sorted(online_nodes if online_nodes is not None else names.nodes)
    values: dict[str, Any] = {}
    for key, spec in blueprint.parameters.items():
        value, problem = _read_parameter(key, spec, clean, names, online, values)
        values[key] = value
        if problem:
            return _problem(blueprint, problem, values)
    if "source" in values and not values["source"]:
        values["source"] = next((n for n, f in names.guests.items() if f[0] == "vm" and "talos" in n.lower()
                                 and "template" in (n.lower() + f[4].lower())), "")
    if not online and not values.get("node"):
        return _problem(blueprint, "no online node is known yet: read the cluster first (sync)", values)
    lines = _render(blueprint, values, online)
    note = ""
    if blueprint.prefix and _taken(lines, names):
        base = values[blueprint.prefix]
        for suffix in range(2, 10):
            values[blueprint.prefix] = f"{base}{suffix}"
            lines = _render(blueprint, values, online)
            if not _taken(lines, names):
                note = f" ('{base}' names are taken: using '{values[blueprint.prefix]}')"
                break
    taken = _taken(lines, names)
    if taken:
        return _problem(blueprint, f"the name(s) {', '.join(taken)} are taken; say 'called NAME'", values)
    lines = [f"{line} --vmid {vmid}" for line, vmid in zip(lines, _free_vmids(names, len(lines)), strict=True)]
    broken = _checked(lines)
    if broken:
        return _problem(blueprint, broken, values)
    explanation = " ".join(_compiled(blueprint.explanation).render(**values).split())
    files = {_compiled(path).render(**values): _compiled(template).render(**values)
             for path, template in blueprint.files.items()}
    return BlueprintProposal(blueprint.name, blueprint.title, lines, explanation + note, values, files,
                             list(values.get("backends") or []))


def render_file(proposal: BlueprintProposal, template: str, servers: list[dict[str, str]]) -> str:
    """One of the blueprint's extra files, naming the backends' addresses (`servers`: name, address)."""
    return environment().get_template(template).render(**proposal.parameters, servers=servers)


def place_by_memory(lines: list[str], free_mib: dict[str, int]) -> list[str]:
    """The lines with each guest on a node that has room for its memory: among the nodes it fits on, the one
    holding the fewest of these guests, then the one with the most memory free (nodes in `free_mib` only)."""
    left = dict(free_mib)
    placed_here = dict.fromkeys(left, 0)
    out = []
    for line in lines:
        words = shlex.split(line)
        memory = int(_option(line, "--memory") or 512)
        fitting = [n for n in left if left[n] >= memory] or list(left)
        if not fitting or "--node" not in words:
            out.append(line)
            continue
        node = min(fitting, key=lambda n: (placed_here[n], -left[n], n))
        words[words.index("--node") + 1] = node
        left[node] -= memory
        placed_here[node] += 1
        out.append(shlex.join(words))
    return out


def blueprint_request(text: str, names: Names) -> Proposal | None:
    """The request as a proposal whose lines a blueprint made (None when it asks for no blueprint)."""
    from pmpc_tui.commands.registry import CHANGE
    from pmpc_tui.nl.proposal import Proposal

    found = match_blueprint(text, names)
    if found is None:
        return None
    if not found.understood:
        return Proposal([], 0.3, found.explanation, CHANGE, suggestions=["/help create"])
    return Proposal(found.commands, 0.9, f"{found.explanation}; written to the workspace, validated and planned, "
                                         "then applied after one confirmation", CHANGE, blueprint=found)
