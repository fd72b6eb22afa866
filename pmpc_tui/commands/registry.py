"""The one command registry: names, arguments, help and handlers, shared by CLI, REPL and palette.

Only argparse is imported here, so `proxmox-mpc --help` stays fast; handlers are imported lazily.
"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

OUTPUT_FORMATS = ("table", "json", "yaml")

# How much a command can hurt, read by every confirmation (console keys, REPL, MCP, natural language):
# read: nothing changes; change: something changes, nothing is interrupted; disruptive: running guests are
# interrupted (stop, reboot); destructive: something is deleted (every target is shown before the yes);
# never-from-language: plain English (offline parser or a model) may never propose it.
# (declared first: ops_storage imports them back while this module is loading, and mypy needs their type then)
READ: str
CHANGE: str
DISRUPTIVE: str
DESTRUCTIVE: str
NEVER_FROM_LANGUAGE: str
READ, CHANGE, DISRUPTIVE, DESTRUCTIVE, NEVER_FROM_LANGUAGE = (
    "read", "change", "disruptive", "destructive", "never-from-language")
RISKS = (READ, CHANGE, DISRUPTIVE, DESTRUCTIVE, NEVER_FROM_LANGUAGE)
GUEST_KIND_CHOICES = ("vm", "ct")
LIST_KIND_CHOICES = ("vms", "cts", "nodes", "storage", "vm", "ct", "node")


@dataclass
class Result:
    """What a handler returns; front ends render it."""

    data: Any = None
    columns: list[tuple[str, str, str]] | None = None  # (key, header, format)
    message: str | None = None
    exit_code: int = 0
    table_data: Any = None  # what a table shows when it differs from `data` (several clusters: rows of all)


@dataclass(frozen=True)
class Command:
    """One command: how to parse it and which handler runs it."""

    name: str
    help: str
    handler: str  # "module:function"
    configure: Callable[[argparse.ArgumentParser], None] = lambda p: None
    needs_cluster: bool = True
    mutates: bool = False
    examples: tuple[str, ...] = field(default_factory=tuple)
    console: bool = True  # offered in the console's REPL (False: only makes sense in a shell)
    risk: str = READ  # one of RISKS
    offline_flag: str | None = None  # with this argument set the command needs no cluster: --demo starts none
    outputs: tuple[str, ...] = OUTPUT_FORMATS  # the choices of its --output (plan adds markdown)

    def load(self) -> Callable[..., Awaitable[Result]]:
        module, _, func = self.handler.partition(":")
        return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]

    def examples_epilog(self, prefix: str = "") -> str | None:
        """The examples as an argparse epilog, each line starting with `prefix`."""
        if not self.examples:
            return None
        return "examples:\n" + "\n".join(f"  {prefix}{e}" for e in self.examples)

    def configure_parser(self, p: argparse.ArgumentParser, output_default: Any = argparse.SUPPRESS) -> None:
        """Add this command's arguments plus `--output` to a parser (the CLI's and the REPL's)."""
        self.configure(p)
        p.add_argument("--output", "-o", choices=self.outputs, default=output_default, help="output format")


def whole_number(text: str) -> int:
    """argparse type: an integer in ASCII digits (`int()` alone also takes full-width and other digits)."""
    if not re.fullmatch(r"-?[0-9]{1,18}", text.strip(), re.ASCII):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number (digits 0-9)")
    return int(text)


def decimal_number(text: str) -> float:
    """argparse type: a finite number in ASCII digits, such as 2 or 0.5 (no nan, inf or full-width digits)."""
    if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,15})?|-?\.[0-9]{1,15}", text.strip(), re.ASCII):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number (digits 0-9, e.g. 2 or 0.5)")
    return float(text)


def _guest_target(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=GUEST_KIND_CHOICES, help="vm (QEMU) or ct (LXC container)")
    p.add_argument("guest", help="VMID or name")


def _write_flags(p: argparse.ArgumentParser, wait_default: bool = False) -> None:
    p.add_argument("--dry-run", action="store_true", help="show what would be done; send nothing")
    if wait_default:
        p.add_argument("--no-wait", dest="wait", action="store_false", help="return as soon as the task starts")
    else:
        p.add_argument("--wait", action="store_true", help="wait for the task to finish, showing its log")
    p.add_argument("--timeout", type=decimal_number, default=300.0,
                   help="seconds to wait for the task (default 300)")


def _power(action: str, summary: str) -> Command:
    def configure(p: argparse.ArgumentParser) -> None:
        _guest_target(p)
        _write_flags(p)

    risk = CHANGE if action in ("start", "resume") else DISRUPTIVE
    return Command(action, summary, "pmpc_tui.commands.handlers:power", configure, mutates=True, risk=risk,
                   examples=(f"{action} vm 101 --wait", f"{action} ct pihole --dry-run"))


def _simulator(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback by default)")
    p.add_argument("--port", type=whole_number, default=8006, help="port (0 picks a free one)")
    p.add_argument("--scenario", choices=("homelab", "large"), default="homelab")
    p.add_argument("--nodes", type=whole_number, help="generated cluster: number of nodes")
    p.add_argument("--vms", type=whole_number, help="generated cluster: number of VMs")
    p.add_argument("--cts", type=whole_number, help="generated cluster: number of containers")
    p.add_argument("--latency-ms", type=decimal_number, default=0.0, help="added latency per request")
    p.add_argument("--fault-rate", type=decimal_number, default=0.0, help="share of requests that fail (0–1)")
    p.add_argument("--seed", type=whole_number, default=1, help="seed for data, latency jitter and faults")
    p.add_argument("--task-speed", type=decimal_number, default=1.0,
                   help="task duration factor (0.1 = 10x faster)")
    p.add_argument("--password", help="root@pam password (random by default)")
    p.add_argument("--ticket-lifetime", type=decimal_number, default=7200.0, metavar="SECONDS",
                   help="how long a login ticket stays valid (PVE: 7200)")
    p.add_argument("--json", action="store_true", help="print connection details as one JSON line")


def _connect(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="profile name, e.g. homelab")
    p.add_argument("--url", required=True, help="API endpoint, e.g. https://pve1.example.com:8006")
    p.add_argument("--token-id", help="API token id USER@REALM!TOKEN (recommended)")
    p.add_argument("--user", help="user for password (ticket) login, e.g. root@pam")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--secret-env", metavar="VAR", help="read the token secret/password from this env var")
    source.add_argument("--secret-file", metavar="PATH", help="read it from this file (must be mode 0600)")
    source.add_argument("--secret-stdin", action="store_true",
                        help="read it from stdin now and store it in a 0600 file under the config dir")
    source.add_argument("--keyring", action="store_true", help="read it from the OS keyring (needs `keyring`)")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--fingerprint", help="pin the server certificate's SHA-256 fingerprint")
    tls.add_argument("--ca-bundle", metavar="PATH", help="CA certificate(s) to verify the server with")
    tls.add_argument("--insecure", action="store_true", help="do not verify TLS (not recommended)")
    p.add_argument("--no-test", action="store_true", help="save without testing the connection")
    p.add_argument("--no-activate", action="store_true", help="do not make this the active profile")


def _list(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=LIST_KIND_CHOICES, help="what to list")
    p.add_argument("--node", help="only this node")
    p.add_argument("--storage", help="only this storage (with `list storage`)")
    p.add_argument("--status", help="only guests in this status (running, stopped, …); nodes: online, offline")
    p.add_argument("--selector", "-l", help="filter guests: tag=web,name=web-*,status=running")
    p.add_argument("--sort", choices=("name", "vmid", "node", "status", "cpu", "mem", "maxmem", "maxdisk", "uptime"),
                   help="sort by this column")
    p.add_argument("--desc", action="store_true", help="with --sort: largest first")


def _describe(p: argparse.ArgumentParser) -> None:
    _guest_target(p)


def _delete(p: argparse.ArgumentParser) -> None:
    _guest_target(p)
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument("--purge", action="store_true", help="also remove from backup jobs, HA and replication")
    _write_flags(p, wait_default=True)


def _sync(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db-only", action="store_true", help="only update the state database, even in a workspace")


def _plan(p: argparse.ArgumentParser) -> None:
    _cluster(p)
    p.add_argument("--target", action="append", metavar="ADDR",
                   help="only this resource (address, VMID or name); repeat for more")
    p.add_argument("--out", metavar="FILE", help="save the plan as JSON, for `apply FILE`")
    p.add_argument("--against", metavar="REV", help="plan the code of this revision (see `history`) instead")


def _apply(p: argparse.ArgumentParser) -> None:
    _cluster(p)
    p.add_argument("plan_file", nargs="?", metavar="FILE", help="a plan saved with `plan --out` (applied exactly)")
    p.add_argument("--auto-approve", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument("--allow-destroy", action="store_true",
                   help="with --auto-approve: also apply destructive changes (deletes, replaced volumes)")
    p.add_argument("--resume", action="store_true", help="finish an apply that was interrupted")
    p.add_argument("--abandon", action="store_true", help="forget an interrupted apply (changes nothing)")
    p.add_argument("--dry-run", action="store_true", help="show the plan; apply nothing")


def _destroy(p: argparse.ArgumentParser) -> None:
    _cluster(p)
    p.add_argument("--target", action="append", metavar="ADDR", help="only this guest (address, VMID or name)")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask (otherwise you type the workspace name)")
    p.add_argument("--dry-run", action="store_true", help="show what would be destroyed")


def _logs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", help="only newer entries: 30m, 2h, 1d")
    p.add_argument("--level", help="minimum level: debug, info, warning, error")
    p.add_argument("--op", help="only this operation (command name, e.g. sync)")
    p.add_argument("--cid", help="only this correlation ID")
    p.add_argument("--grep", help="only entries containing this text")
    p.add_argument("--limit", type=whole_number, default=200, help="at most this many (newest)")


def _cluster(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cluster", action="append", metavar="NAME",
                   help="in a workspace of several clusters: only this one (repeat for more; default: all, or the "
                        "one whose folder you are in)")


def _drift(p: argparse.ArgumentParser) -> None:
    _cluster(p)


def _validate(p: argparse.ArgumentParser) -> None:
    _cluster(p)
    p.add_argument("--offline", action="store_true",
                   help="contact no cluster: check against the last sync only (ISOs and templates not looked up)")


def _debug(p: argparse.ArgumentParser) -> None:
    p.add_argument("state", choices=("on", "off"), help="verbose logging of every API call on or off")


def _report(p: argparse.ArgumentParser) -> None:
    p.add_argument("summary", help='what went wrong, in a sentence: "apply fails on web-03"')
    p.add_argument("--minutes", type=whole_number, default=60, help="logs of the last N minutes (default 60)")
    p.add_argument("--anonymize", action="store_true", help="also mask host names and IP addresses")


def _state(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("check", "rebuild"),
                   help="check: integrity, schema version, connection · rebuild: move a broken file aside and re-sync")
    p.add_argument("--dry-run", action="store_true", help="rebuild: show what would be done; change nothing")
    p.add_argument("--yes", "-y", action="store_true", help="rebuild: do not ask for confirmation")


def _ci(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("init",), help="init: write the pipeline file")
    p.add_argument("provider", choices=("github", "gitlab"),
                   help="github: .github/workflows/proxmox-mpc.yml · gitlab: .gitlab-ci.yml")
    p.add_argument("--branch", default="main", help="the branch whose pushes apply (default main)")
    p.add_argument("--allow-destroy", action="store_true",
                   help="let the pipeline's apply carry out destructive changes (deletes, replaced volumes)")
    p.add_argument("--force", action="store_true", help="overwrite a different file already there (shown as a diff)")
    p.add_argument("--dry-run", action="store_true", help="show the file (or the difference); write nothing")


def _mcp(p: argparse.ArgumentParser) -> None:
    p.add_argument("--read-only", action="store_true",
                   help="only tools that read, and nothing written: no state database, report or log file write "
                        "(for untrusted clients)")
    p.add_argument("--transport", choices=("stdio", "http"), default="stdio",
                   help="stdio (default) or streamable HTTP on loopback with a bearer token")
    p.add_argument("--port", type=whole_number, default=8765, help="HTTP port (default 8765)")


def _serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback by default)")
    p.add_argument("--port", type=whole_number, default=8443, help="HTTPS port (default 8443; 0 picks a free one)")
    p.add_argument("--cert", metavar="FILE", help="your TLS certificate (PEM; default: a self-signed one, kept)")
    p.add_argument("--key", metavar="FILE", help="its private key (PEM), with --cert")
    p.add_argument("--read-only", action="store_true", help="every route that would change something answers 403")
    p.add_argument("--json", action="store_true", help='print {"url", "fingerprint"} as one JSON line once listening')
    p.add_argument("--idle-timeout", type=decimal_number, default=900.0, metavar="SECONDS",
                   help="forget a login after this long without a request (default 900)")
    p.add_argument("--login-limit", type=whole_number, default=5, metavar="N",
                   help="failed logins per user and address before a 5-minute lockout (default 5)")
    p.add_argument("--cache-ttl", type=decimal_number, default=2.0, metavar="SECONDS",
                   help="reuse a user's list/describe answer this long, 0 to 10 (default 2; 0: read PVE every time)")


def _tasks(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", choices=("list", "log", "stop"), default="list")
    p.add_argument("upid", nargs="?", help="task id, for `tasks log UPID` and `tasks stop UPID`")
    p.add_argument("--yes", "-y", action="store_true", help="stop: don't ask for the task's type")
    p.add_argument("--dry-run", action="store_true", help="stop: show the task; stop nothing")
    p.add_argument("--node", help="only this node")
    p.add_argument("--limit", type=whole_number, default=20)


def _init(p: argparse.ArgumentParser) -> None:
    p.add_argument("directory", nargs="?", default=".", help="where to create the workspace (default: here)")
    p.add_argument("--profile", "-p", default=argparse.SUPPRESS, action="append",
                   help="connection profile the workspace uses (default: the active one); with --cluster, the "
                        "cluster's (in pairs)")
    p.add_argument("--cluster", action="append", metavar="NAME",
                   help="a workspace of several clusters: clusters/NAME/ with its own --profile (repeatable; in an "
                        "existing workspace, adds the cluster)")
    p.add_argument("--node", help="default node for `create`")
    p.add_argument("--storage", help="default storage for `create`")
    p.add_argument("--bridge", default="vmbr0", help="default bridge for `create` (default vmbr0)")
    p.add_argument("--ct-template", metavar="VOLID", help="default container OS template, e.g. local:vztmpl/…")
    p.add_argument("--gateway", help="default IPv4 gateway for static addresses")


def _history(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p.add_argument("rev", nargs="?", metavar="REV", help="show: the commit (hash, HEAD~1, …)")
    p.add_argument("--limit", type=whole_number, default=20, help="at most this many commits (newest)")


def _revert(p: argparse.ArgumentParser) -> None:
    p.add_argument("rev", metavar="REV", help="the revision whose code to restore (see `history`)")
    p.add_argument("--dry-run", action="store_true", help="show the files and the plan; write nothing")


def _import(p: argparse.ArgumentParser) -> None:
    _cluster(p)
    p.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    force = p.add_mutually_exclusive_group()
    force.add_argument("--force", action="store_true", help="overwrite files you edited (a .bak is kept)")
    force.add_argument("--merge", action="store_true",
                       help="merge the cluster's changes into files you edited when they do not overlap (needs git)")
    p.add_argument("--offline", action="store_true", help="use the workspace's state DB as it is (no sync)")
    p.add_argument("--addresses", action=argparse.BooleanOptionalAction, default=None,
                   help="ask the QEMU guest agent / container interfaces of running guests without a static "
                        "address for ansible_host (default: the workspace's inventory.addresses; without it the "
                        "addresses come from the configs and what the guests reported on an earlier run)")
    p.add_argument("--guest", action="append", metavar="VMID",
                   help="only regenerate this guest's files; repeat for more")


def _create(p: argparse.ArgumentParser) -> None:
    _cluster(p)
    p.add_argument("kind", choices=GUEST_KIND_CHOICES, help="vm (QEMU) or ct (LXC container)")
    p.add_argument("--name", required=True, help="guest name (a DNS label such as web-03)")
    p.add_argument("--node", help="node to place it on (default: defaults.node)")
    p.add_argument("--cores", type=whole_number, help="CPU cores (default 2 for VMs, 1 for containers)")
    p.add_argument("--memory", type=whole_number, help="memory in MiB (default 2048 for VMs, 512 for containers)")
    p.add_argument("--disk", type=whole_number, help="disk size in GiB (default 32 for VMs, 8 for containers)")
    p.add_argument("--storage", help="storage for the disk (default: defaults.storage or local-lvm)")
    p.add_argument("--bridge", help="network bridge (default: defaults.bridge or vmbr0)")
    p.add_argument("--clone", metavar="TEMPLATE", help="clone this template (name or VMID)")
    p.add_argument("--ostemplate", metavar="VOLID",
                   help="containers: OS template, e.g. local:vztmpl/debian-12-….tar.zst")
    p.add_argument("--ip", help="dhcp or an address with prefix, e.g. 192.168.1.50/24")
    p.add_argument("--gw", help="IPv4 gateway for a static --ip")
    p.add_argument("--tags", help="comma-separated tags, e.g. web,prod")
    p.add_argument("--vmid", help="VMID (default: the next free one)")
    p.add_argument("--description", help="notes shown in the Proxmox UI")
    p.add_argument("--dry-run", action="store_true", help="print the resource that would be written; write nothing")


COMMANDS: list[Command] = [
    Command("simulator", "run the bundled Proxmox VE API simulator", "pmpc_tui.commands.handlers:simulator",
            _simulator, needs_cluster=False, console=False, risk=NEVER_FROM_LANGUAGE,
            examples=("simulator --port 8006 --scenario homelab",)),
    Command("connect", "save a connection profile (and test it)", "pmpc_tui.commands.handlers:connect",
            _connect, needs_cluster=False, risk=NEVER_FROM_LANGUAGE,
            examples=("connect homelab --url https://pve1:8006 --token-id root@pam!mpc --secret-env PVE_TOKEN",)),
    Command("profiles", "list connection profiles", "pmpc_tui.commands.handlers:profiles", needs_cluster=False,
            risk=NEVER_FROM_LANGUAGE),
    Command("test-connection", "check the active profile can reach and log in to the cluster",
            "pmpc_tui.commands.handlers:test_connection"),
    Command("sync", "read the whole cluster into the state database; inside a workspace also regenerate its "
            "Terraform and Ansible (same as import)", "pmpc_tui.commands.handlers:sync", _sync, risk=CHANGE,
            examples=("sync", "sync --db-only")),
    Command("list", "list vms, cts, nodes or storage", "pmpc_tui.commands.handlers:list_", _list,
            examples=("list vms --status running", "list cts -l tag=dns -o json")),
    Command("describe", "show a guest's config, status, snapshots and tasks",
            "pmpc_tui.commands.handlers:describe", _describe, examples=("describe vm 101",)),
    _power("start", "start a guest"),
    _power("stop", "stop a guest immediately (like pulling the plug)"),
    _power("shutdown", "shut a guest down cleanly"),
    _power("reboot", "reboot a guest"),
    _power("suspend", "pause a guest"),
    _power("resume", "resume a paused guest"),
    Command("delete", "destroy a stopped guest and its disks", "pmpc_tui.commands.handlers:delete", _delete,
            mutates=True, risk=DESTRUCTIVE, examples=("delete vm 109", "delete ct 204 --yes")),
    Command("tasks", "recent tasks, or one task's log", "pmpc_tui.commands.handlers:tasks", _tasks,
            examples=("tasks", "tasks log UPID:pve1:…", "tasks stop UPID:pve1:…")),
    Command("init", "create a workspace: proxmox-mpc.yaml, terraform/, ansible/, .gitignore",
            "pmpc_tui.commands.iac_handlers:init", _init, needs_cluster=False, risk=NEVER_FROM_LANGUAGE,
            examples=("init homelab-iac", "init . --node pve1 --storage local-lvm")),
    Command("import", "sync, then write the cluster as Terraform (bpg/proxmox) and Ansible into the workspace",
            "pmpc_tui.commands.iac_handlers:import_", _import, risk=CHANGE,
            examples=("import", "import --dry-run", "import --merge", "import --force")),
    Command("create", "add a new VM or container to the workspace's IaC (applied later)",
            "pmpc_tui.commands.iac_handlers:create", _create, risk=CHANGE,
            examples=("create vm --name web-03 --node pve1 --cores 2 --memory 2048 --disk 32 "
                      "--clone debian-12-template",
                      "create ct --name cache-01 --node pve2 --ostemplate local:vztmpl/debian-12-standard_12.7-1_amd64"
                      ".tar.zst --ip 192.168.1.70/24 --gw 192.168.1.1")),
    Command("plan", "show what applying the workspace's code would change (exit code 2 when something would)",
            "pmpc_tui.commands.plan_handlers:plan", _plan, outputs=(*OUTPUT_FORMATS, "markdown"),
            examples=("plan", "plan -o json", "plan --target proxmox_virtual_environment_vm.web_01 --out web.plan",
                      "plan --out plan.json -o markdown", "plan --against HEAD~1")),
    Command("apply", "apply the workspace's code to the cluster (journaled; resumable)",
            "pmpc_tui.commands.plan_handlers:apply", _apply, mutates=True, risk=DESTRUCTIVE,  # a plan may delete
            examples=("apply", "apply web.plan", "apply --auto-approve", "apply -y --allow-destroy", "apply --resume")),
    Command("destroy", "delete every guest the workspace's code declares (you type the workspace name)",
            "pmpc_tui.commands.plan_handlers:destroy", _destroy, mutates=True, risk=DESTRUCTIVE,
            examples=("destroy --dry-run", "destroy --target web-03")),
    Command("history", "the workspace's commits (each change proxmox-mpc wrote) and edits not yet committed",
            "pmpc_tui.commands.history_handlers:history", _history, needs_cluster=False,
            risk=NEVER_FROM_LANGUAGE,  # the request model has no history phrasing yet (it would need retraining)
            examples=("history", "history --limit 5 -o json", "history show HEAD~1")),
    Command("revert", "restore the code of an earlier revision and show its plan (apply it afterwards)",
            "pmpc_tui.commands.history_handlers:revert", _revert,
            risk=NEVER_FROM_LANGUAGE,  # rewrites the workspace's code: typed by a person, never proposed
            examples=("revert HEAD~1 --dry-run", "revert 3f2a9c1e")),
    Command("validate", "check the workspace's code: syntax, arguments, duplicates, nodes/storage/bridges, fit",
            "pmpc_tui.commands.plan_handlers:validate", _validate,
            examples=("validate", "validate -o json", "validate --offline")),
    Command("drift", "what changed in the cluster outside the code, and guests no code describes",
            "pmpc_tui.commands.plan_handlers:drift", _drift, examples=("drift", "drift -o json")),
    Command("test", "generate tests/ in the workspace from the code and run them against the live cluster",
            "pmpc_tui.commands.plan_handlers:test", _drift, examples=("test",)),
    Command("ci", "write a CI pipeline (GitHub Actions or GitLab CI): plan on review, apply the saved plan on main",
            "pmpc_tui.commands.ci_handlers:ci", _ci, needs_cluster=False, console=False, risk=NEVER_FROM_LANGUAGE,
            examples=("ci init github", "ci init gitlab --dry-run", "ci init github --force")),
    Command("logs", "the log files: filter by time, level, operation, correlation ID, text",
            "pmpc_tui.commands.obs_handlers:logs", _logs, needs_cluster=False,
            examples=("logs --since 30m --level error -o json", "logs --cid 3f2a9c1e")),
    Command("debug", "verbose logging on or off", "pmpc_tui.commands.obs_handlers:debug", _debug,
            needs_cluster=False, risk=NEVER_FROM_LANGUAGE, examples=("debug on",)),
    Command("health", "API, credentials, database, workspace, tools, quorum, nodes, storage, failed tasks",
            "pmpc_tui.commands.obs_handlers:health", examples=("health", "health -o json")),
    Command("report-issue", "bundle logs, health, config and state summary (secrets removed) for a bug report",
            "pmpc_tui.commands.obs_handlers:report_issue", _report,
            examples=('report-issue "apply fails on web-03" --anonymize',)),
    Command("state", "check the state database, or rebuild it from the cluster when it is damaged",
            "pmpc_tui.commands.state_handlers:state", _state, needs_cluster=False, console=False,
            risk=NEVER_FROM_LANGUAGE,
            examples=("state check", "state check -o json", "state rebuild --dry-run", "state rebuild --yes")),
    Command("mcp", "serve the workspace and cluster to AI assistants (MCP over stdio, or HTTP with a token)",
            "pmpc_tui.mcp.command:mcp", _mcp, console=False, risk=NEVER_FROM_LANGUAGE,
            examples=("mcp", "mcp --read-only", "mcp --transport http --port 8765")),
    Command("serve", "serve the web API and console over HTTPS; users log in with their own Proxmox VE account",
            "pmpc_tui.web.command:serve", _serve, console=False, risk=NEVER_FROM_LANGUAGE,
            examples=("serve", "serve --read-only", "serve --host 0.0.0.0 --cert site.pem --key site.key",
                      "serve --port 0 --json")),
]

from pmpc_tui.commands import ops_backup  # noqa: E402  (backup create|list|restore)

COMMANDS.extend(ops_backup.COMMANDS)
from pmpc_tui.commands.ops_snapshot import ACTION_RISKS as _snapshot_risks  # noqa: E402
from pmpc_tui.commands.ops_snapshot import COMMANDS as _SNAPSHOT  # noqa: E402  (snapshot create|list|…)

COMMANDS += _SNAPSHOT
from pmpc_tui.commands.ops_migrate import COMMANDS as _MIGRATE  # noqa: E402  (migrate, clone, template)

COMMANDS += _MIGRATE
from pmpc_tui.commands.ops_disk import ACTION_RISKS as _disk_risks  # noqa: E402
from pmpc_tui.commands.ops_disk import COMMANDS as _DISK  # noqa: E402  (resize, set, disk)

COMMANDS += _DISK
from pmpc_tui.commands.ops_storage import COMMANDS as _STORAGE  # noqa: E402,I001  (storage content, download, upload)
COMMANDS += _STORAGE
from pmpc_tui.commands.ops_ask import COMMANDS as _ASK  # noqa: E402,I001  (ask: plain English from a shell)
COMMANDS += _ASK
BY_NAME = {c.name: c for c in COMMANDS}
# the risk of each action of the commands with actions (the command's own risk is the highest of them)
ACTION_RISKS: dict[str, dict[str, str]] = {"snapshot": _snapshot_risks, "disk": _disk_risks,
                                           "backup": ops_backup.ACTION_RISK,
                                           "tasks": {"list": READ, "log": READ, "stop": DESTRUCTIVE}}
DEFAULT_ACTIONS = {"tasks": "list"}  # `tasks` alone lists


def risk_of(name: str) -> str:
    """The risk class of the command `name` (unknown commands are never run from language)."""
    command = BY_NAME.get(name.lstrip("/"))
    return command.risk if command is not None else NEVER_FROM_LANGUAGE


def risk_of_line(line: str) -> str:
    """The risk class of one command line: its action's for commands with actions (`snapshot create …` is a
    change, `snapshot delete …` destructive, `backup restore … --force` destructive), else its command's."""
    import shlex

    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if not words:
        return NEVER_FROM_LANGUAGE
    name = words[0].lstrip("/")
    if name == "ask" and "--explain" not in words:  # plain English that runs plain English: never proposed
        return NEVER_FROM_LANGUAGE
    risks = ACTION_RISKS.get(name)
    if risks is None:
        return risk_of(name)
    action = next((w for w in words[1:] if not w.startswith("-")), DEFAULT_ACTIONS.get(name, ""))
    if name == "backup" and action == "restore" and "--force" in words:
        action = "restore-over"
    return risks.get(action, risk_of(name))
