"""Backup jobs (`proxmox_backup_job`): `/cluster/backup`, one entry of jobs.cfg each; the import id is the job id."""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.base import Answers, Body, ObjectType, Request, answer_list, flag, no_more, plain, read
from pmpc_tui.iac.pveconf import parse_props

_LIST = read("/cluster/backup")
_STRINGS = ("schedule", "storage", "mode", "compress", "node", "pool", "mailnotification", "notes_template",
            "script", "tmpdir", "starttime", "pbs_change_detection_mode")
_NUMBERS = ("bwlimit", "ionice", "lockwait", "stopwait", "zstd", "pigz", "maxfiles")
_FLAGS = ("all", "repeat_missed", "protected", "remove", "stdexcludes")  # false when absent
_LISTS = ("vmid", "mailto", "exclude_path")
# nested attributes (`fleecing = { enabled = true, storage = "…" }`), PVE property strings: argument → type of each key
_NESTED: dict[str, dict[str, type]] = {"fleecing": {"enabled": bool, "storage": str},
                                       "performance": {"max_workers": int, "pbs_entries_max": int}}
ARGS = frozenset({"id", "enabled", "prune_backups", *_STRINGS, *_NUMBERS, *_FLAGS, *_LISTS, *_NESTED})
# PVE job options the provider (at the pinned commit) has no argument for: `comment`, `exclude`; left as they are


def _pve(arg: str) -> str:
    return arg.replace("_", "-")


def _prune(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {k: str(v) for k, v in parse_props(str(value or "")).items() if k.startswith("keep-")}


def _number(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _nested(arg: str, value: Any) -> dict[str, Any]:
    """A nested attribute in its canonical form (typed values, keys in the provider's spelling)."""
    raw = value if isinstance(value, dict) else parse_props(str(value or ""), "enabled" if arg == "fleecing" else None)
    out: dict[str, Any] = {}
    for key, item in raw.items():
        name = str(key).replace("-", "_")
        kind = _NESTED[arg].get(name)
        if item is None or kind is None:
            continue
        out[name] = flag(item) if kind is bool else _number(item) if kind is int else str(item)
    return out


def from_pve(job: dict[str, Any]) -> Body:
    """One job of GET /cluster/backup as its canonical body."""
    body: Body = {"id": str(job["id"]), "enabled": flag(job.get("enabled", 1))}
    for arg in _STRINGS:
        if job.get(_pve(arg)) not in (None, ""):
            body[arg] = str(job[_pve(arg)])
    for arg in _NUMBERS:
        if job.get(_pve(arg)) not in (None, ""):
            body[arg] = _number(job[_pve(arg)])
    for arg in _FLAGS:
        if flag(job.get(_pve(arg), 0)):
            body[arg] = True
    for arg in _LISTS:
        items = [v.strip() for v in str(job.get(_pve(arg)) or "").replace(";", ",").split(",") if v.strip()]
        if arg == "vmid":
            items = sorted(items, key=lambda v: (len(v), v))
        if items:
            body[arg] = items
    if job.get("prune-backups"):
        body["prune_backups"] = _prune(job["prune-backups"])
    for arg in _NESTED:
        if job.get(arg) and (nested := _nested(arg, job[arg])):
            body[arg] = nested
    return body


def normalize(body: Body) -> Body:
    out = plain(body, ARGS)
    out["enabled"] = out.get("enabled", True) is not False
    for arg in _FLAGS:
        if out.get(arg) is False:
            out.pop(arg)
    for arg in _LISTS:
        if isinstance(out.get(arg), list):
            out[arg] = [str(v) for v in out[arg]]
            if arg == "vmid":
                out[arg] = sorted(out[arg], key=lambda v: (len(v), v))
            if not out[arg]:
                out.pop(arg)
    if isinstance(out.get("prune_backups"), dict):
        out["prune_backups"] = {str(k): str(v) for k, v in out["prune_backups"].items()}
    for arg in _NESTED:
        if isinstance(out.get(arg), dict):
            out[arg] = _nested(arg, out[arg])
            if not out[arg]:
                out.pop(arg)
    return out


def to_pve(body: Body) -> dict[str, Any]:
    """The API parameters of a canonical body."""
    params: dict[str, Any] = {}
    for arg, value in body.items():
        if arg == "id":
            continue
        if isinstance(value, bool):
            params[_pve(arg)] = 1 if value else 0
        elif isinstance(value, list):
            params[_pve(arg)] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            params[_pve(arg)] = ",".join(f"{_pve(k)}={int(v) if isinstance(v, bool) else v}"
                                         for k, v in sorted(value.items()))
        else:
            params[_pve(arg)] = value
    return params


def _update(key: str, before: Body, after: Body) -> list[Request]:
    params = {k: v for k, v in to_pve(after).items() if to_pve(before).get(k) != v}
    gone = sorted(_pve(k) for k in before if k not in after and k != "id")
    if gone:
        params["delete"] = ",".join(gone)
    return [Request("PUT", f"/cluster/backup/{key}", params)] if params else []


def _jobs(answers: Answers) -> dict[str, Body]:
    return {str(j["id"]): from_pve(j) for j in answer_list(answers, _LIST)
            if j.get("id") and j.get("type", "vzdump") == "vzdump"}


BACKUP_JOB = ObjectType(
    kind="backup_job", noun="backup job", resource_type="proxmox_backup_job", file="backup_jobs.tf", rank=50,
    arguments=ARGS, reads=lambda: [_LIST], more_reads=no_more, actual=_jobs,
    key=lambda body: str(body["id"]) if isinstance(body.get("id"), str) and body["id"] else None,
    normalize=normalize, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/cluster/backup", {"id": key, **to_pve(body)})],
    update=_update,
    delete=lambda key, _body: [Request("DELETE", f"/cluster/backup/{key}")],
)
