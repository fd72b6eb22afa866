"""A plan as Markdown (`plan -o markdown`): for a CI job summary or a merge-request note."""

from __future__ import annotations

from pmpc_tui.services.changes import IMPACT_TEXT
from pmpc_tui.services.plan import Plan, change_line, impact_sentence

ACTION_WORDS = {"create": "create", "update": "update in place", "replace": "replace", "delete": "delete"}


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no line breaks, `|` escaped."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def _code(text: object) -> str:
    """Inline code that a backtick in the text cannot end early."""
    value = str(text).replace("\n", " ")
    fence = "``" if "`" in value else "`"
    return f"{fence} {value} {fence}" if fence == "``" else f"`{value}`"


def render_plan_markdown(plan: Plan, notes: list[str] | None = None) -> str:
    """The plan as Markdown: a summary line, a table of the changing guests (destructive first), each
    guest's attribute changes, the errors, and `notes` (such as an unfinished apply) as a quote."""
    s = plan.summary()
    lines = ["## proxmox-mpc plan", ""]
    if plan.has_changes:
        lines.append(f"**{s['create']} to create, {s['update']} to update in place, {s['replace']} to replace, "
                     f"{s['delete']} to delete**, {s['no-op']} unchanged. {impact_sentence(plan)}".rstrip())
    else:
        lines.append(f"No changes: the cluster matches the code ({s['no-op']} guests).")
    if plan.has_changes:
        lines += ["", "| | Resource | Guest | Node | Action | Impact |", "|---|---|---|---|---|---|"]
        for r in plan.changes:
            guest = f"{r.vmid or '?'} {r.name or ''}".strip()
            lines.append(f"| {_cell(r.symbol)} | {_code(r.address)} | {_cell(guest)} | {_cell(r.node or '?')} | "
                         f"{_cell(ACTION_WORDS.get(r.action, r.action))} | {_cell(IMPACT_TEXT[r.impact])} |")
        details = [r for r in plan.changes if r.changes or r.reason or r.pending]
        if details:
            lines += ["", "<details><summary>What changes</summary>", ""]
            for r in details:
                lines.append(f"- {_code(r.address)}" + (f" — {_cell(r.reason)}" if r.reason else ""))
                lines += [f"  - {_code(change_line(c))}" for c in r.changes]
                if r.pending:
                    lines.append(f"  - set already, waiting for a reboot: {_cell(', '.join(r.pending))}")
            lines += ["", "</details>"]
    if plan.errors:
        lines += ["", "### Errors", ""] + [f"- {_cell(e)}" for e in plan.errors]
    if notes:
        lines += [""] + [f"> {_cell(n)}" for n in notes]
    return "\n".join(lines)
