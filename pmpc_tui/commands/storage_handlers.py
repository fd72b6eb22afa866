"""`storage content`, `download`, `upload`, `tasks stop`: thin adapters over services/storage_files.py."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.progress import ProgressPrinter, show_progress
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ConfirmationRefused, ValidationFailed
from pmpc_tui.services import storage_files as files
from pmpc_tui.services.filters import check_upid
from pmpc_tui.services.inputs import check_positive
from pmpc_tui.services.task_progress import follow_task


def _printer(ctx: CommandContext) -> ProgressPrinter:
    """A bar on the CLI's terminal; plain lines in a pipe and in the console's REPL."""
    return ProgressPrinter(ctx.report, tty=None if ctx.owns_session else False)


async def storage(ctx: CommandContext, args: argparse.Namespace) -> Result:
    files.parse_node(args.node)
    files.parse_storage(args.storage, "STORAGE")
    if args.content is not None:
        files.parse_content_type(args.content)
    items = await files.list_content(await ctx.client(), args.node, args.storage, args.content)
    return Result(data=[i.as_dict() for i in items], columns=files.CONTENT_COLUMNS,
                  message=None if items else f"{args.storage} on {args.node} holds no "
                                             f"{args.content + ' ' if args.content else ''}content")


async def download(ctx: CommandContext, args: argparse.Namespace) -> Result:
    check_positive(args.timeout, "--timeout")
    files.parse_download_url(args.url)
    name = files.checked_filename(args.filename if args.filename is not None
                                  else files.filename_from_url(args.url))
    files.check_transfer_inputs(args.node, args.storage, name, args.checksum)  # before connecting
    client = await ctx.client()
    transfer = await files.plan_download(client, args.node, args.storage, args.url, args.filename, args.checksum)
    if args.dry_run:
        transfer.dry_run = True
        return Result(data=transfer.as_dict(), message=transfer.message)
    upid = await files.start_download(client, transfer)
    if args.wait:
        last = await show_progress(follow_task(client, upid, timeout=args.timeout), _printer(ctx))
        transfer.exitstatus = (last.exitstatus if last else None) or "OK"
    return Result(data=transfer.as_dict(), message=transfer.message)


async def stop_task(ctx: CommandContext, args: argparse.Namespace) -> Result:
    """`tasks stop UPID`: names the task and asks for its type to be typed (unless --yes)."""
    if not args.upid:
        raise ValidationFailed("missing task id", {"upid": "usage: tasks stop UPID"})
    check_upid(args.upid)  # a malformed id stops before connecting
    client = await ctx.client()
    stop = await files.plan_stop(client, args.upid)
    if args.dry_run or stop.status == "stopped":
        stop.dry_run = args.dry_run and stop.status != "stopped"
        return Result(data=stop.as_dict(), message=stop.message)
    if not args.yes:
        answer = await ctx.confirm_by_typing(f"Stop the task {stop.label} ({stop.upid})? It ends with an error "
                                             "and what it did so far may be left half done.", stop.type)
        if answer is None:
            raise ConfirmationRefused("stopping a task needs confirmation",
                                      "Run it in a terminal to type the task's type, or pass --yes.")
        if answer.strip() != stop.type:
            raise ConfirmationRefused(f"confirmation '{answer.strip()}' does not match the task type '{stop.type}'",
                                      "Type the task's exact type to confirm.")
    await files.stop_task(client, stop)
    return Result(data=stop.as_dict(), message=stop.message)


async def upload(ctx: CommandContext, args: argparse.Namespace) -> Result:
    check_positive(args.timeout, "--timeout")
    files.check_upload_inputs(args.file, args.node, args.storage, args.filename, args.checksum)  # before connecting
    client = await ctx.client()
    transfer = await files.plan_upload(client, args.node, args.storage, args.file, args.filename, args.checksum)
    if args.dry_run:
        transfer.dry_run = True
        return Result(data=transfer.as_dict(), message=transfer.message)
    updates = files.upload(client, transfer, timeout=args.timeout)
    if not args.wait:  # the bytes must still go out; only the import task is not waited for
        async for _update in updates:
            if transfer.upid:
                await updates.aclose()
                break
    else:
        await show_progress(updates, _printer(ctx))
    return Result(data=transfer.as_dict(), message=transfer.message)
