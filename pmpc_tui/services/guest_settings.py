"""Guest settings (`set`): cores, memory, balloon, tags, description, onboot, protection — checked before
anything is sent, then read back from PVE's `/pending` to tell what waits for a reboot.

A running guest applies some changes at once (hot-plug) and keeps the others pending until it restarts:
for a VM `cores` always waits and `memory` waits without memory hot-plug; for a container `cores` applies
at once. The result names each waiting change as `cores 2 → 4` and how to apply it (a reboot).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.iac.pveconf import parse_props, split_tags
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError, ValidationFailed
from pmpc_tui.services.guest_ref import shown
from pmpc_tui.services.inventory import GuestRef, find_guest

log = logging.getLogger("pmpc.settings")
SETTINGS = ("cores", "memory", "balloon", "tags", "description", "onboot", "protection")
TAG_RE = re.compile(r"[a-z0-9_][a-z0-9_+.-]*", re.ASCII)
DESCRIPTION_MAX = 8192  # PVE keeps at most 8 KiB of description
MEMORY_MIN = 16


def _whole(value: object, name: str, low: int, high: int) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text, re.ASCII) or not low <= int(text) <= high:
        raise ValidationFailed("invalid", {name: f"{shown(text)} is not a whole number from {low} to {high}"})
    return int(text)


def _flag(value: object, name: str) -> int:
    text = str(value).strip().lower()
    if text in ("1", "yes", "true", "on"):
        return 1
    if text in ("0", "no", "false", "off"):
        return 0
    raise ValidationFailed("invalid", {name: f"{shown(text)} is not yes or no (1/0)"})


def check_settings(kind: str, wanted: dict[str, Any]) -> dict[str, Any]:
    """The given settings (None left out) as PVE's config parameters, else ValidationFailed per field."""
    out: dict[str, Any] = {}
    for key, value in wanted.items():
        if value is None:
            continue
        if key not in SETTINGS:
            raise ValidationFailed("invalid", {key: f"not a setting `set` changes (settings: {', '.join(SETTINGS)})"})
        flag = f"--{key}"
        if key == "cores":
            out[key] = _whole(value, flag, 1, 8192 if kind == "lxc" else 1024)
        elif key == "memory":
            out[key] = _whole(value, flag, MEMORY_MIN, 4 * 1024 * 1024 * 1024)
        elif key == "balloon":
            if kind != "qemu":
                raise ValidationFailed("invalid", {flag: "containers have no balloon: leave --balloon out"})
            out[key] = _whole(value, flag, 0, 4 * 1024 * 1024 * 1024)
        elif key == "tags":
            tags = split_tags(str(value))
            bad = [t for t in tags if not TAG_RE.fullmatch(t)]
            if bad:
                raise ValidationFailed("invalid", {flag: f"{shown(bad[0])} is not a tag: letters, digits, _ + . -"})
            out[key] = ";".join(tags)
        elif key == "description":
            text = str(value)
            if len(text.encode()) > DESCRIPTION_MAX:
                raise ValidationFailed("invalid", {flag: f"longer than {DESCRIPTION_MAX} bytes"})
            out[key] = text
        else:
            out[key] = _flag(value, flag)
    if not out:
        raise ValidationFailed("nothing to set:", {"settings": "give at least one of --cores, --memory, --balloon, "
                                                                "--tags, --description, --onboot, --protection"})
    if "balloon" in out and "memory" in out and out["balloon"] > out["memory"]:
        raise ValidationFailed("invalid", {"--balloon": f"{out['balloon']} MiB is more than --memory "
                                                        f"{out['memory']} MiB"})
    return out


def _memory_mib(value: Any) -> int | None:
    """A VM's `memory` (PVE 9 writes `current=N` or a bare N), in MiB."""
    if value is None or value == "":
        return None
    text = parse_props(str(value), "current").get("current", "")
    return int(text) if text.isdigit() else None


@dataclass
class Change:
    """One setting: before → after, and whether it waits for a reboot."""

    key: str
    before: Any
    after: Any
    pending: bool = False

    @property
    def text(self) -> str:
        def show(v: Any) -> str:
            text = "" if v is None else str(v).replace("\n", " ")
            return shown(text[:40] + ("…" if len(text) > 40 else "")) if self.key == "description" else text or "—"
        return f"{self.key} {show(self.before)} → {show(self.after)}"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "before": self.before, "after": self.after, "pending": self.pending}


@dataclass
class SettingsResult:
    """What `set` changed (or would change), which part waits for a reboot, and the drift notice."""

    guest: GuestRef
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    rebooted: bool = False
    notice: str | None = None

    @property
    def pending(self) -> list[Change]:
        return [c for c in self.changes if c.pending]

    @property
    def reboot_command(self) -> str:
        return f"proxmox-mpc reboot {'vm' if self.guest.kind == 'qemu' else 'ct'} {self.guest.vmid}"

    def as_dict(self) -> dict[str, Any]:
        return {"vmid": self.guest.vmid, "name": self.guest.name, "node": self.guest.node, "type": self.guest.kind,
                "dry_run": self.dry_run, "changes": [c.as_dict() for c in self.changes],
                "pending": [c.key for c in self.pending], "rebooted": self.rebooted, "notice": self.notice}

    @property
    def message(self) -> str:
        if not self.changes:
            return f"{self.guest.label} already has these settings: nothing sent"
        done = [c.text for c in self.changes if not c.pending]
        head = "would set" if self.dry_run else "set"
        lines = [f"{head} {self.guest.label}: " + ", ".join(c.text for c in self.changes)
                 + (" (dry run: nothing sent)" if self.dry_run else "")]
        if not self.dry_run and done and self.pending:
            lines.append("applied now: " + ", ".join(done))
        if self.pending:
            lines.append("pending until reboot: " + ", ".join(c.text for c in self.pending))
            if self.rebooted:
                lines.append(f"rebooted {self.guest.label}: the pending changes are applied")
            elif not self.dry_run:
                lines.append(f"reboot to apply them: {self.reboot_command} (or `set … --reboot`)")
        if self.notice:
            lines.append(self.notice)
        return "\n".join(lines)


def current_value(kind: str, key: str, config: dict[str, Any]) -> Any:
    """The setting's value in `config`, as `set` compares it (memory in MiB, flags 0/1, tags sorted)."""
    value = config.get(key)
    if key == "memory" and kind == "qemu":
        return _memory_mib(value)
    if key in ("onboot", "protection"):
        return 1 if str(value) in ("1", "True", "true") else 0
    if key in ("cores", "memory", "balloon") and value is not None and str(value).isdigit():
        return int(value)
    if key == "tags":
        return ";".join(split_tags(str(value or "")))
    return value


def _pending_keys(entries: list[dict[str, Any]]) -> set[str]:
    """Keys of `/pending` that hold a value or a deletion not yet applied."""
    return {str(e["key"]) for e in entries if "pending" in e or e.get("delete")}


async def set_guest(client: PVEClient, kind: str, ident: int | str, wanted: dict[str, Any], *,
                    dry_run: bool = False, reboot: bool = False, timeout: float = 300.0) -> SettingsResult:
    """Change the given settings (only those that differ), then tell which wait for a reboot (and reboot
    the guest when `reboot` and something waits)."""
    params = check_settings(kind, wanted)
    ref = await find_guest(client, kind, ident)
    config = await client.get(f"{ref.path}/config")
    if "balloon" in params and "memory" not in params:
        memory = current_value(kind, "memory", config)
        if memory is not None and params["balloon"] > memory:
            raise ValidationFailed("invalid", {"--balloon": f"{params['balloon']} MiB is more than the guest's "
                                                            f"memory ({memory} MiB)"})
    result = SettingsResult(ref, dry_run)
    send = {}
    for key, value in params.items():
        before = current_value(kind, key, config)
        if before == value or (key == "description" and (before or "") == value):
            continue
        send[key] = value
        result.changes.append(Change(key, before, value))
    if not send or dry_run:
        if dry_run and ref.status == "running":
            await _predict_pending(client, ref, result)
        return result
    cleared = [key for key, value in send.items() if value == ""]  # PVE clears a setting by `delete`, not by ''
    values = {key: value for key, value in send.items() if key not in cleared}
    await client.put(f"{ref.path}/config", digest=config.get("digest"), **values,
                     **({"delete": ",".join(cleared)} if cleared else {}))
    log.info("set %s of %s", ", ".join(send), ref.label)
    waiting = _pending_keys(await client.get(f"{ref.path}/pending"))
    for change in result.changes:
        change.pending = change.key in waiting
    if reboot and result.pending and ref.status == "running":
        await reboot_guest(client, ref, timeout)
        result.rebooted = True
    return result


async def reboot_guest(client: PVEClient, ref: GuestRef, timeout: float = 300.0) -> None:
    """Reboot the guest so its pending changes apply (waits for the task)."""
    log.info("reboot %s to apply pending changes", ref.label)
    upid = await client.post(f"{ref.path}/status/reboot")
    await client.wait_task(upid, timeout=timeout)


async def _predict_pending(client: PVEClient, ref: GuestRef, result: SettingsResult) -> None:
    """For a dry run on a running guest: which changes would wait (cores of a VM; memory without hot-plug)."""
    config = await client.get(f"{ref.path}/config")
    hotplug = str(config.get("hotplug", "network,disk,usb"))
    features = {"network", "disk", "usb", "memory", "cpu"} if hotplug == "1" else set(hotplug.split(","))
    for change in result.changes:
        if ref.kind == "qemu":
            change.pending = change.key == "cores" or (change.key == "memory" and "memory" not in features)


BULK_SETTINGS = ("cores", "memory", "tags", "onboot", "protection")


@dataclass
class BulkSettingsResult:
    """`set` on several guests: each one's result, those refused before anything was sent, those that failed."""

    results: list[SettingsResult] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        changed = [r for r in self.results if r.changes]
        total = len(self.results) + len(self.refused) + len(self.failed)
        lines = [f"changed {len(changed)} of {total} guests"]
        lines += [f"{r.guest.label}: " + ", ".join(c.text for c in r.changes) for r in changed]
        lines += [f"{r.guest.label}: already so, nothing sent" for r in self.results if not r.changes]
        waiting = [f"{r.guest.label}: " + ", ".join(c.text for c in r.pending) for r in changed if r.pending]
        if waiting:
            lines.append("pending until reboot (reboot each to apply): " + "; ".join(waiting))
        lines += [f"refused: {reason}" for reason in self.refused]
        lines += [f"failed: {reason}" for reason in self.failed]
        return "\n".join(lines)


async def set_guests(client: PVEClient, kind: str, vmids: list[int], wanted: dict[str, Any]) -> BulkSettingsResult:
    """The same settings on several guests: every guest checked first (a dry run), then only what differs sent."""
    bad = [key for key, value in wanted.items() if value is not None and key not in BULK_SETTINGS]
    if bad:
        raise ValidationFailed("invalid", {bad[0]: f"not changed on several guests at once (only "
                                                   f"{', '.join(BULK_SETTINGS)})"})
    check_settings(kind, wanted)
    bulk = BulkSettingsResult()
    ready = []
    word = "VM" if kind == "qemu" else "CT"
    for vmid in vmids:
        try:
            await set_guest(client, kind, vmid, wanted, dry_run=True)
            ready.append(vmid)
        except PVEError as exc:
            bulk.refused.append(f"{word} {vmid}: {exc.message}")
    for vmid in ready:
        try:
            bulk.results.append(await set_guest(client, kind, vmid, wanted))
        except PVEError as exc:
            bulk.failed.append(f"{word} {vmid}: {exc.message}")
    return bulk
