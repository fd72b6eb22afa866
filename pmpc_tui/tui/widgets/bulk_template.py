"""`T` on marked guests: every guest checked first (running, locked and template ones refused and listed, nothing
sent for them), one typed confirmation naming every guest to convert (type their number), then the conversions
one after the other and one notification naming the failures. Rules: services/templates.py."""

from __future__ import annotations

from typing import Any

from pmpc_tui.commands.confirmation import TYPED, Target, confirmation_for
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import templates
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.confirm import ConfirmScreen


async def ask_and_convert_marked(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """Check the marked guests, ask once naming every one, then convert them."""
    app = proxmox_app(screen)
    try:
        bulk = await templates.plan_templates(await app.client(), kind, [int(r["vmid"]) for r in rows])
    except PVEError as exc:
        app.notify(exc.message, title="Not sent: template", severity="warning", timeout=8)
        return
    if bulk.refused:
        app.notify("\n".join(f"refused: {reason}" for reason in bulk.refused), title="Not sent: template",
                   severity="warning", timeout=10)
    if not bulk.plans:
        return
    word = "VM" if kind == "qemu" else "CT"
    asked = confirmation_for("template", [Target(f"{word} {p.guest.vmid}", p.guest.name or "") for p in bulk.plans],
                             bulk.question)
    expected = asked.expected if asked is not None and asked.kind == TYPED else str(len(bulk.plans))
    question = asked.question if asked is not None else bulk.question

    async def convert_all() -> None:
        client = await app.client()
        done: list[str] = []
        failed: list[str] = []
        for plan in bulk.plans:
            try:
                await templates.convert(client, plan)
            except PVEError as exc:
                failed.append(f"{plan.guest.label}: {exc.message}")
                continue
            if plan.exitstatus not in (None, "OK"):
                failed.append(f"{plan.guest.label}: {plan.exitstatus}")
            else:
                done.append(plan.guest.label)
        app.refresh_data()
        lines = [f"{len(done)} of {len(bulk.plans)} guests are now templates", *done,
                 *(f"failed: {f}" for f in failed)]
        app.notify("\n".join(lines), title="template all marked", severity="error" if failed else "information",
                   timeout=12 if failed else 8)

    def answered(yes: bool | None) -> None:
        if yes:
            if getattr(screen, "table", None) is not None:
                screen.table.clear_marks()
                screen._update_title()
            app.run_worker(convert_all(), group="template", exit_on_error=False)

    app.push_screen(ConfirmScreen(question, type_to_confirm=expected, confirm_label="Convert"), answered)
