"""`m` on marked guests: one form (target node, online and local-disk toggles), every guest checked before
anything is sent (those already on the node skipped, refusals listed), then the migrations one after the other
under one progress bar and a summary naming the failures. Rules: services/migrate.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import migrate as migrations
from pmpc_tui.services.task_progress import ProgressUpdate
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.migrate_form import MigrateFormScreen
from pmpc_tui.tui.widgets.task_progress import ProgressScreen


def _label(kind: str, row: dict[str, Any]) -> str:
    return f"{'VM' if kind == 'qemu' else 'CT'} {row['vmid']} ({row.get('name', '')})"


async def ask_and_migrate_marked(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """Offer one form for the marked `rows`, check them all, then migrate them one after the other."""
    app = proxmox_app(screen)
    try:
        nodes = await migrations.online_nodes(await app.client())
    except PVEError as exc:
        app.notify(exc.message, title="Cannot read the nodes", severity="error")
        return
    running = any(str(r.get("status")) in migrations.RUNNING for r in rows)
    labels = [f"{_label(kind, r)} on {r['node']}" for r in rows]
    how = (f"{sum(str(r.get('status')) in migrations.RUNNING for r in rows)} of {len(rows)} running; "
           "guests already on the target node are skipped")
    form = MigrateFormScreen(f"{len(rows)} guests: " + ", ".join(labels), nodes, kind, running, how=how)
    vmids = [int(r["vmid"]) for r in rows]

    def chosen(choice: dict[str, Any] | None) -> None:
        if choice is not None:
            app.run_worker(_check_and_run(screen, kind, vmids, choice), group="migrate", exit_on_error=False)

    app.push_screen(form, chosen)


async def _check_and_run(screen: Any, kind: str, vmids: list[int], choice: dict[str, Any]) -> None:
    """Plan every migration first; tell what is not sent; run the rest under one progress bar."""
    app = proxmox_app(screen)
    target = choice["node"]
    try:
        bulk = await migrations.plan_migrations(await app.client(), kind, vmids, target, online=choice["online"],
                                                with_local_disks=choice["with_local_disks"])
    except PVEError as exc:
        app.notify(exc.message, title="Not sent: migrate", severity="warning", timeout=8)
        return
    if bulk.summary:
        app.notify(bulk.summary, title=f"Not sent: migrate to {target}", severity="warning", timeout=10)
    if not bulk.plans:
        return
    failed: list[str] = []
    total = len(bulk.plans)

    async def run() -> AsyncIterator[ProgressUpdate]:
        client = await app.client()
        for index, plan in enumerate(bulk.plans):
            head = f"{index + 1}/{total} {plan.guest.label}"
            yield ProgressUpdate(index / total, f"{head}: starting")
            try:
                await migrations.start_migrate(client, plan)
                async for update in migrations.follow_migrate(client, plan):
                    share = update.fraction if update.fraction is not None else 0.0
                    yield ProgressUpdate((index + share) / total, f"{head}: {update.message}")
            except PVEError as exc:
                failed.append(f"{plan.guest.label}: {exc.message}")
                continue
            if plan.exitstatus not in (None, "OK"):
                failed.append(f"{plan.guest.label}: {plan.exitstatus}")
        done = total - len(failed)
        yield ProgressUpdate(1.0, f"{done} of {total} migrated", done=True,
                             exitstatus="OK" if not failed else f"{len(failed)} of {total} failed")

    def finished(_outcome: str | None) -> None:
        app.refresh_data()
        moved = total - len(failed)
        text = f"migrated {moved} of {total} guests to {target}"
        if failed:
            app.notify("\n".join([text, *(f"failed: {f}" for f in failed)]), title="migrate all marked",
                       severity="error", timeout=12)
        else:
            app.notify(text, title="migrate all marked", timeout=6)

    if getattr(screen, "table", None) is not None and screen.table.marked:
        screen.table.clear_marks()
        screen._update_title()
    app.push_screen(ProgressScreen(f"Migrating {total} guests to {target}", run), finished)
