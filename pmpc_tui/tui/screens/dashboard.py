"""Dashboard: nodes with usage bars, guests by status, CPU/memory history, storage warnings, recent tasks."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from pmpc_tui.formatting import human_bytes, human_duration, sparkline, task_time, usage_bar
from pmpc_tui.services.live import ClusterView
from pmpc_tui.tui.screens.base import LiveScreen
from pmpc_tui.tui.widgets.guest_table import compact_size
from pmpc_tui.tui.widgets.keyed_table import KeyedTable, task_status

BAR = 5  # usage bars short enough for the node table to fit 80 columns

NODE_COLUMNS = (("node", "Node"), ("status", "Status"), ("cpu", "CPU"), ("mem", "Memory"), ("disk", "Root disk"),
                ("uptime", "Uptime"))
TASK_COLUMNS = (("start", "Started"), ("node", "Node"), ("type", "Type"), ("id", "ID"), ("status", "Status"))
RECENT_TASKS = 8
CLUSTER_COLUMNS = (("cluster", "Cluster"), ("nodes", "Nodes"), ("vms", "VMs run/all"), ("cts", "CTs run/all"),
                   ("tasks", "Tasks"), ("state", "State".ljust(13)))  # wide enough for "1 unreachable"


def _status_counts(counts: dict[str, int]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: -kv[1]))


class DashboardScreen(LiveScreen):
    """Cluster overview."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static("", id="group-title", classes="section-title")
            yield KeyedTable(CLUSTER_COLUMNS, id="clusters")
            yield Static("", id="group-errors")
            yield Static("", id="summary")
            yield Static("", id="drift-badge")
            yield KeyedTable(NODE_COLUMNS, id="nodes")
            yield Static("", id="history")
            yield Static("", id="storage-summary")
            yield Static("Recent tasks", id="tasks-title", classes="section-title")
            yield KeyedTable(TASK_COLUMNS, id="recent-tasks")
        yield Footer()

    def show_view(self, view: ClusterView | None) -> None:
        """Render the latest cluster data (called by the app after each refresh)."""
        self.show_group()
        summary = self.query_one("#summary", Static)
        if view is None:
            summary.update("loading cluster…")
            return
        online = sum(1 for n in view.nodes if n["status"] == "online")
        vms, cts = view.counts("qemu"), view.counts("lxc")
        group = self.proxmox.group
        summary.update(
            (f"[b]{escape(group.current_name)}:[/b] " if group is not None else "") +
            f"[b]Nodes {online}/{len(view.nodes)} online[/b]   "
            f"[b]VMs[/b] {_status_counts(vms)}   [b]Containers[/b] {_status_counts(cts)}")
        self.query_one("#nodes", KeyedTable).show({n["node"]: [
            n["node"], n["status"], usage_bar(n["cpu"], BAR) + f" of {n['maxcpu']}",
            usage_bar(n["mem"] / n["maxmem"] if n["maxmem"] else 0, BAR) + f" of {compact_size(n['maxmem'])}",
            usage_bar(n["disk"] / n["maxdisk"] if n["maxdisk"] else 0, BAR), human_duration(n["uptime"]),
        ] for n in view.nodes})
        self._show_drift()
        self._show_history(view)
        self._show_storage(view)
        self.query_one("#recent-tasks", KeyedTable).show({t["upid"]: [
            task_time(t["starttime"]), t["node"], t["type"], t["id"], task_status(t["status"]),
        ] for t in view.tasks[:RECENT_TASKS]}, ordered=True)
        self.query_one("#tasks-title", Static).update(
            f"Recent tasks ({len(view.running_tasks())} running) · 5 for all tasks" if view.tasks
            else "Recent tasks: none yet — start a guest with 2, select it, press s")

    def show_group(self) -> None:
        """Group mode: one row per open cluster (the current one first) and the totals; else hidden."""
        from pmpc_tui.services.multi_cluster import group_rows

        group = self.proxmox.group
        table = self.query_one("#clusters", KeyedTable)
        title = self.query_one("#group-title", Static)
        table.display = title.display = group is not None
        if group is None:
            self.query_one("#group-errors", Static).display = False
            return
        rows = group_rows(group.current_name, self.proxmox.cluster_view, self.proxmox.group_outcomes)
        waiting = set(group.others()) - {o.cluster for o in self.proxmox.group_outcomes}
        cells: dict[str, list[str | Text]] = {}
        for row in [*rows[:-1], *({"cluster": name} for name in group.others() if name in waiting), rows[-1]]:
            name = row["cluster"]
            if row.get("error"):
                cells[name] = [name, "", "", "", "", Text("✖ cannot read", style="red")]
            elif row.get("loading") or name in waiting:
                cells[name] = [name, "", "", "", "", "reading…"]
            else:
                state = ("current" if name == group.current_name else
                         f"{row['unreachable']} unreachable" if name == "total" and row["unreachable"] else "")
                cells[name] = [Text(name, style="bold") if name in ("total", group.current_name) else name,
                               f"{row['nodes_online']}/{row['nodes']}", f"{row['vms_running']}/{row['vms']}",
                               f"{row['cts_running']}/{row['cts']}", str(row["tasks_running"]), state]
        title.update(f"[b]Clusters[/b]  {len(group.sessions)} open · :ctx NAME switches")
        table.show(cells, ordered=True)
        errors = self.query_one("#group-errors", Static)
        failed = [f"[red]✖[/red] {escape(r['cluster'])}: {escape(str(r['error']))}" for r in rows if r.get("error")]
        errors.display = bool(failed)
        errors.update("\n".join(failed))

    def _show_drift(self) -> None:
        """The badge for the workspace's last plan: in sync, or how many guests differ from the code."""
        import time

        badge = self.query_one("#drift-badge", Static)
        if self.proxmox.workspace_root is None:
            badge.display = False
            return
        badge.display = True
        plan = self.proxmox.last_plan
        if plan is None:
            badge.update("[b]Code[/b]  not compared yet — press 9 to plan")
            return
        when = time.strftime("%H:%M", time.localtime(plan.created_at))
        if plan.has_changes:
            badge.update(f"[b yellow]▲ Drift[/]  {len(plan.changes)} resource(s) differ from the code "
                         f"(plan at {when}) — 9 to review, a to apply")
        else:
            badge.update(f"[b green]✔ In sync[/]  the cluster matches the code (plan at {when})")

    def _show_history(self, view: ClusterView) -> None:
        history = self.proxmox.history
        lines = ["[b]Last readings[/b]  (CPU · memory, one mark per refresh)"]
        for n in view.nodes:
            if n["status"] != "online":
                lines.append(f"  {n['node']:<8} {n['status']}")
                continue
            cpu, mem = history.cpu(n["node"]), history.mem(n["node"])
            lines.append(f"  {n['node']:<8} CPU {sparkline(cpu):<20} {n['cpu'] * 100:3.0f}%   "
                         f"MEM {sparkline(mem):<20} {(mem[-1] if mem else 0) * 100:3.0f}%")
        self.query_one("#history", Static).update("\n".join(lines))

    def _show_storage(self, view: ClusterView) -> None:
        warnings = view.storage_warnings()
        if not view.storage:
            text = "[b]Storage[/b]  none reported"
        elif not warnings:
            fullest = max(view.storage, key=lambda s: s["used_fraction"])
            text = (f"[b]Storage[/b]  {len(view.storage)} storages, all below 80 % "
                    f"(fullest: {fullest['storage']} on {fullest['node']}, {fullest['used_fraction'] * 100:.0f}%)")
        else:
            lines = [f"[b]Storage[/b]  {len(warnings)} above 80 %:"]
            for s in warnings:
                mark = "[red]✖ CRITICAL[/red]" if s["level"] == "critical" else "[yellow]▲ warning[/yellow]"
                lines.append(f"  {mark} {s['storage']} on {s['node']}: {usage_bar(s['used_fraction'])} "
                             f"({human_bytes(s['disk'])} of {human_bytes(s['maxdisk'])})")
            text = "\n".join(lines)
        self.query_one("#storage-summary", Static).update(text)
