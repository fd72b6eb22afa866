"""Render the static workspace files (provider, variables, Ansible config, playbooks) from Jinja2 templates."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Jinja2 is imported on first render: plan and validate never render (~35 ms at start-up)
    from jinja2 import Environment

PLAYBOOKS = ("start", "shutdown", "stop", "restart", "snapshot")


@lru_cache(maxsize=1)
def _env() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("pmpc_tui.iac", "templates"), undefined=StrictUndefined,
                       keep_trailing_newline=True, autoescape=False)


def render_template(name: str, **values: Any) -> str:
    """Render `templates/<name>.j2`."""
    return _env().get_template(f"{name}.j2").render(**values)
