"""Tool argument types shared by the MCP tools: enums the input schema carries, and a confirmation that is
the JSON boolean true and nothing else."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo


def _only_json_true(value: object, info: ValidationInfo) -> bool:
    """Refuse what lax validation would coerce to True ("true", "yes", "on", 1) — and false, too."""
    if value is True:
        return True
    raise ValueError(f"{info.field_name} must be the JSON boolean true")


def _guest_kind(value: object) -> object:
    """vm for vm/vms/qemu, ct for ct/cts/lxc/container(s) (the service's one rule); anything else is refused."""
    from pmpc_tui.pve.errors import ValidationFailed
    from pmpc_tui.services.guest_ref import parse_guest_kind

    if not isinstance(value, str):
        return value  # the Literal refuses it
    try:
        return "vm" if parse_guest_kind(value) == "qemu" else "ct"
    except ValidationFailed as exc:
        raise ValueError(exc.message) from None


# Leave it out (the default, False: not confirmed) or pass JSON `true`; any other value is a tool error.
Confirmation = Annotated[bool, BeforeValidator(_only_json_true)]
# The schema offers vm and ct; the aliases people say (vms, qemu, container, lxc …) are taken as those.
GuestKind = Annotated[Literal["vm", "ct"], BeforeValidator(_guest_kind),
                      Field(description="vm (QEMU) or ct (LXC container)")]
PowerAction = Literal["start", "stop", "shutdown", "reboot", "suspend", "resume"]
GuestStatus = Literal["running", "stopped", "paused"]
TaskStatus = Literal["running", "ok", "failed"]
