"""What every cluster object kind declares (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Body = dict[str, Any]
Read = tuple[str, tuple[tuple[str, str], ...]]  # a GET: path and query parameters (hashable)
Answers = dict[Read, Any]  # what each read answered (a PVEError where it failed)
UNREAD = "_unread"  # a body with this key stands for a place that could not be read, not for an object


@dataclass(frozen=True)
class Request:
    """One write: method, path, parameters."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)


def read(path: str, **params: Any) -> Read:
    return (path, tuple(sorted((k, str(v)) for k, v in params.items())))


def label_for(key: str) -> str:
    """A Terraform label from an object id (`prod/web` → `prod_web`)."""
    label = re.sub(r"[^A-Za-z0-9_]", "_", key).strip("_") or "object"
    return label if re.match(r"[A-Za-z_]", label) else f"o_{label}"


def answer_list(answers: Answers, r: Read) -> list[dict[str, Any]]:
    """A list answer; a failed or missing read reads as empty."""
    value = answers.get(r)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


def split_list(value: Any) -> list[str]:
    return [v.strip() for v in re.split(r"[,;\s]+", str(value or "")) if v.strip()]


@dataclass(frozen=True)
class ObjectType:
    """One kind of cluster object."""

    kind: str  # the plan's `kind`
    noun: str  # how a person names one
    resource_type: str  # the bpg/proxmox resource
    file: str  # the terraform/ file import writes
    rank: int  # created/updated in rising rank, deleted in falling rank
    arguments: frozenset[str]  # the top-level arguments the resource has (written and read)
    reads: Callable[[], list[Read]]  # first batch
    more_reads: Callable[[Answers], list[Read]]  # reads that need the first batch's answers
    actual: Callable[[Answers], dict[str, Body]]  # id → canonical body
    key: Callable[[Body], str | None]  # the id a desired body names
    normalize: Callable[[Body], Body]  # a desired body as the canonical form
    import_id: Callable[[str, Body], str | None]  # (id, body) → `terraform import`'s id; None: not importable
    create: Callable[[str, Body], list[Request]]
    update: Callable[[str, Body, Body], list[Request]]
    delete: Callable[[str, Body], list[Request]]
    impact: Callable[[str, Any, Any], str] = lambda _arg, _before, _after: "in-place"
    delete_impact: str = "destructive"
    depth: Callable[[str], int] = lambda _key: 0  # nested ids: parents first
    per_guest: bool = False  # ids are `vm/<vmid>` or `container/<vmid>`, read with one request per guest
    guest_of: Callable[[str], int | None] = lambda _key: None  # the guest an object belongs to (it goes with it)
    # a read of a whole-cluster import that can wait for a later batch and be skipped: True read it, False
    # skip it, None not known yet (its answer needs another read's first)
    needed: Callable[[Read, Answers], bool | None] | None = None
    written: Callable[[str, Body], Body] | None = None  # the body import writes (default: the body read)
    extra: Callable[[str, Body], list[str]] | None = None  # blocks import writes after the resource (variables)
    skipped: Callable[[Answers], list[str]] | None = None  # what import leaves out of the code, and why
    # the comment import writes above one object (a body's `_`-keys are such facts: never compared or written)
    note: Callable[[str, Body], str | None] = lambda _key, _body: None
    cannot_create: Callable[[Body], str | None] = lambda _body: None  # why a missing object cannot be created
    # whether an object the cluster does not show may exist where the cluster could not be read (an offline
    # node's storage): then it is neither created nor deleted. Such places are kept as bodies marked UNREAD.
    unread: Callable[[str, dict[str, Body]], bool] = lambda _key, _found: False

    def label(self, key: str) -> str:
        return label_for(key)

    def address(self, label: str) -> str:
        return f"{self.resource_type}.{label}"


def trailing_vmid(key: str) -> int | None:
    """`prod/vm/101`, `vm/101`, `vm:101` → 101 (None for a storage member or a cluster-wide object)."""
    tail = key.replace(":", "/").rsplit("/", 2)
    return int(tail[-1]) if len(tail) >= 2 and tail[-2] in ("vm", "ct", "container") and tail[-1].isdigit() else None


def no_more(_answers: Answers) -> list[Read]:
    return []


def plain(body: Body, arguments: frozenset[str]) -> Body:
    """The body's own arguments (meta-arguments such as lifecycle, depends_on left out), None dropped."""
    return {k: v for k, v in body.items() if k in arguments and v is not None}
