"""Tool argument types shared by the MCP tools: a confirmation is the JSON boolean true and nothing else."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ValidationInfo


def _only_json_true(value: object, info: ValidationInfo) -> bool:
    """Refuse what lax validation would coerce to True ("true", "yes", "on", 1) — and false, too."""
    if value is True:
        return True
    raise ValueError(f"{info.field_name} must be the JSON boolean true")


# Leave it out (the default, False: not confirmed) or pass JSON `true`; any other value is a tool error.
Confirmation = Annotated[bool, BeforeValidator(_only_json_true)]
