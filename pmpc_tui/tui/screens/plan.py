"""The plan screen: what applying the workspace's code would change (+ ~ - -/+), each guest's attribute
diff, and apply with a confirmation and live progress. In a workspace of several clusters, one plan per
cluster: each row names its cluster, and apply asks once per cluster, naming it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, RichLog, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.tui.widgets.keyed_table import KeyedTable

if TYPE_CHECKING:
    from pmpc_tui.services.multi_cluster import ClusterOutcome
    from pmpc_tui.services.plan import Plan, ResourceChange
    from pmpc_tui.tui.app import ProxmoxApp

COLUMNS = (("symbol", " "), ("action", "Action"), ("impact", "Impact"), ("address", "Resource"), ("vmid", "VMID"),
           ("name", "Name"), ("node", "Node"), ("changes", "Changes"))
COLOUR = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red", "no-op": "dim"}


IMPACT_COLOUR = {"in-place": "green", "reboot": "yellow", "disruptive": "magenta", "destructive": "red"}


def diff_lines(change: ResourceChange) -> list[str]:
    """Rich-markup lines of one resource's attribute diff, each with its impact."""
    from pmpc_tui.services.changes import IMPACT_TEXT
    from pmpc_tui.services.plan import change_line

    colour = COLOUR[change.action]
    lines = [f"[b {colour}]{escape(change.symbol)} {escape(change.address)}[/]"
             + (f"  — {escape(change.reason)}" if change.reason else "")
             + (f"  [{IMPACT_COLOUR[change.impact]}]\\[{IMPACT_TEXT[change.impact]}][/]"
                if change.impact != "in-place" else "")]
    for c in change.changes:
        if change.action == "create":
            lines.append(f"  [green]+ {escape(c.key)} = {escape(str(c.after))}[/]")
        else:
            lines.append(f"  [{IMPACT_COLOUR[c.impact]}]~ {escape(change_line(c))}[/]")
    if change.action == "delete":
        lines.append("  [red]- the guest and its disks are deleted[/]")
    if change.pending:
        lines.append(f"  [dim](set already, waiting for a reboot: {escape(', '.join(change.pending))})[/]")
    return lines


def summary_text(plan: Plan) -> str:
    """One plan's counts in a line (with its first error)."""
    s = plan.summary()
    text = (f"[green]+{s['create']}[/] create  [yellow]~{s['update']}[/] update  "
            f"[magenta]-/+{s['replace']}[/] replace  [red]-{s['delete']}[/] delete  · {s['no-op']} unchanged")
    impact = plan.impact_counts()
    if impact["destructive"]:
        text += f"  [b red]{impact['destructive']} destructive (listed first)[/]"
    if not plan.has_changes:
        text = f"No changes: the cluster matches the code ({s['no-op']} guests and cluster objects)."
    if plan.errors:
        text += f"\n[red]{len(plan.errors)} error(s): nothing can be applied — {escape(plan.errors[0])}[/]"
    return text


class PlanScreen(Screen[None]):
    """`p` plans again, Enter shows a resource's diff, `a` applies (after a confirmation)."""

    AUTO_FOCUS = "#plan-table"
    BINDINGS = [Binding("p", "plan", "Plan"), Binding("a", "apply", "Apply")]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.plans: dict[str, Plan] = {}  # a workspace of several clusters: each cluster's plan

    @property
    def proxmox(self) -> ProxmoxApp:
        return cast("ProxmoxApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("", id="plan-summary")
            yield KeyedTable(COLUMNS, id="plan-table")
            yield RichLog(id="plan-detail", wrap=True, markup=True, max_lines=2000)
        yield Footer()

    def on_mount(self) -> None:
        if self.proxmox.workspace_root is None:
            self.query_one("#plan-summary", Static).update(
                "No workspace: `/init` (or `proxmox-mpc init`) makes one, `/sync` imports the cluster into it.")
            return
        self.action_plan()

    def action_plan(self) -> None:
        if self.proxmox.workspace_root is None:
            self.notify("Open a workspace first (/init).", severity="warning")
            return
        self.query_one("#plan-summary", Static).update("planning… (reading the cluster and the code)")
        self.make_plan()

    @work(exclusive=True, group="plan")
    async def make_plan(self) -> None:
        """Plan through the services (fresh read, parse, compare)."""
        from pmpc_tui.services.plan import make_plan
        from pmpc_tui.services.workspace_clusters import is_multi, plan_each

        try:
            ws, db = await self.proxmox.workspace_db()
            if is_multi(ws):
                if not self.proxmox.session.uses_saved_profiles:  # a browser's console: its user's cluster only
                    ws.require_one_cluster()
                self.show_plans(await plan_each(ws))
                return
            plan = await make_plan(ws, db, await self.proxmox.client())
        except PVEError as exc:
            self.plan, self.plans = None, {}  # an old plan must not be applied after the code stopped parsing
            self.query_one("#plan-table", KeyedTable).clear()
            self.query_one("#plan-summary", Static).update(f"[red]✖ {escape(str(exc))}[/]")
            return
        self.show_plan(plan)

    def show_plan(self, plan: Plan) -> None:
        self.plan, self.plans = plan, {}
        self.proxmox.last_plan = plan
        self.query_one("#plan-summary", Static).update(summary_text(plan) + "  · p plan again · a apply · Enter diff")
        self._show_rows({"": plan})

    def show_plans(self, outcomes: list[ClusterOutcome]) -> None:
        """Each cluster's plan (or why it could not plan) in a workspace of several clusters."""
        self.plan = None
        self.plans = {o.cluster: o.result for o in outcomes if o.ok}
        lines = [f"[b]{escape(o.cluster)}[/] ({escape(o.profile)}): " + (summary_text(o.result) if o.ok else
                 f"[red]✖ {escape(o.error['message'] if o.error else '')}[/]") for o in outcomes]
        self.query_one("#plan-summary", Static).update("\n".join(lines) + "\np plan again · a apply (asks per "
                                                       "cluster) · Enter diff")
        self._show_rows(self.plans)

    def _show_rows(self, plans: dict[str, Plan]) -> None:
        """The changes of every plan; with several clusters, each row's resource names its cluster."""
        self.query_one("#plan-table", KeyedTable).show({f"{name}\0{r.address}": [
            r.symbol, r.action, r.impact, f"{name}: {r.address}" if name else r.address, str(r.vmid or ""), r.name,
            r.node, str(len(r.changes)),
        ] for name, plan in plans.items() for r in plan.changes}, ordered=True)
        log = self.query_one("#plan-detail", RichLog)
        log.clear()
        for name, plan in plans.items():
            for change in plan.changes[:20]:
                for line in diff_lines(change):
                    log.write(f"[b]{escape(name)}[/] {line}" if name else line)

    @on(DataTable.RowSelected, "#plan-table")
    def _show_diff(self, event: DataTable.RowSelected) -> None:
        name, _, address = str(event.row_key.value).partition("\0")
        plan = self.plans.get(name) if name else self.plan
        change = next((r for r in (plan.changes if plan else []) if r.address == address), None)
        if change is not None:
            log = self.query_one("#plan-detail", RichLog)
            log.clear()
            for line in diff_lines(change):
                log.write(line)

    def action_apply(self) -> None:
        if self.plans:
            self._apply_clusters([name for name, plan in self.plans.items() if plan.has_changes or plan.errors])
            return
        self._ask_and_apply(self.plan, None)

    def _apply_clusters(self, names: list[str], started: bool = False) -> None:
        """Ask for each cluster with changes in turn (a no for one goes on to the next), naming the cluster;
        after the last, refresh and plan again."""
        if not names:
            if not started:
                self.notify("Nothing to apply in any cluster — plan first (p).", severity="warning")
                return
            self.proxmox.refresh_data()
            self.action_plan()
            return
        self._ask_and_apply(self.plans[names[0]], names[0], lambda: self._apply_clusters(names[1:], True))

    def _ask_and_apply(self, plan: Plan | None, cluster: str | None, then: Callable[[], None] | None = None) -> None:
        from pmpc_tui.tui.widgets.confirm import ConfirmScreen

        where = f" on cluster '{cluster}'" if cluster else ""
        if plan is None or (not plan.has_changes and not (then and plan.errors)):
            if then is not None:
                then()  # the next cluster
            else:
                self.notify("Nothing to apply — plan first (p).", severity="warning")
            return
        if plan.errors:
            self.notify("; ".join(plan.errors), title=f"The plan has errors{where}: nothing applied",
                        severity="error", timeout=10)
            if then is not None:
                then()
            return
        s = plan.summary()
        question = (f"Apply {len(plan.changes)} change(s){where}: {s['create']} create, {s['update']} update, "
                    f"{s['replace']} replace, {s['delete']} delete?")
        destructive = plan.destructive
        typed = str(len(destructive)) if destructive else None
        if destructive:
            question += (f"\n{len(destructive)} destructive: " + "; ".join(r.what_is_destroyed() for r in destructive)
                         + "\nType how many destructive changes there are.")

        def go(confirmed: bool | None) -> None:
            if confirmed:
                self.run_apply(plan, allow_destroy=bool(destructive), cluster=cluster, then=then)
            elif then is not None:
                then()

        self.app.push_screen(ConfirmScreen(escape(question), type_to_confirm=typed, confirm_label="Apply"), go)

    @work(exclusive=True, group="apply")  # its own group: the plan it starts at the end must not cancel it
    async def run_apply(self, plan: Plan, allow_destroy: bool = False, cluster: str | None = None,
                        then: Callable[[], None] | None = None) -> None:
        """Apply through the services (in `cluster`'s own session when named); progress lines go to the detail
        pane as they come; `then` asks about the next cluster."""
        from pmpc_tui.services.apply import apply_plan
        from pmpc_tui.services.workspace_clusters import apply_in_cluster

        log = self.query_one("#plan-detail", RichLog)
        log.clear()

        def progress(line: str) -> None:
            log.write(escape(line))

        where = f" on cluster '{cluster}'" if cluster else ""
        try:
            ws, db = await self.proxmox.workspace_db()
            if cluster is not None:
                result = await apply_in_cluster(ws, cluster, plan, progress, allow_destroy=allow_destroy)
            else:
                result = await apply_plan(ws, db, await self.proxmox.client(), plan, progress,
                                          allow_destroy=allow_destroy)
        except PVEError as exc:
            self.notify(str(exc), title=f"Apply refused{where}", severity="error", timeout=10)
        else:
            self.notify(result.summary(), title=f"Apply finished{where}",
                        severity="error" if result.failed else "information", timeout=10)
        if then is not None:
            then()
            return
        self.proxmox.refresh_data()
        self.action_plan()
