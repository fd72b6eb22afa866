"""Running a registry command for a web request: the same handlers, rules and confirmations as the CLI.

A route turns its path and JSON body into the command's arguments (checked by the command's own parser: a bad
value is a 400 and nothing is sent), runs the handler in the user's own `Session`, and answers with its data,
its messages, the exit-code name and the correlation ID. Confirmations come from the body's `confirm` (and
`allow_destroy` for apply): the handler asks exactly what it asks in a terminal, and a missing or wrong answer
is a 428 naming what to send. State-changing runs are written to the audit log.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse

from pmpc_tui.commands.confirmation import YES_NO, Target, confirmation_for, refusal
from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import BY_NAME, DISRUPTIVE, Result, risk_of, risk_of_line
from pmpc_tui.commands.repl import UsageError, command_parser
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.observability.correlation import operation
from pmpc_tui.pve.errors import ConfirmationRefused, PVEError, ValidationFailed
from pmpc_tui.pve.redact import redact
from pmpc_tui.services.read_cache import MISS
from pmpc_tui.web.audit_hook import audit
from pmpc_tui.web.auth import WebUser
from pmpc_tui.web.errors import STATUS, code_of, error_body, status_of

Scalar = str | int | float | bool


def text_value(name: str, value: Any) -> str:
    """A JSON value as one argument: strings and numbers only, never something argparse would read as a flag."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationFailed(f"{name} must be a string or a number", {name: "a string or a number"})
    text = str(value)
    if not text or text.startswith("-") or len(text) > 500 or any(ord(c) < 32 for c in text):
        raise ValidationFailed(f"{name} is empty, too long or starts with '-'", {name: "a plain value"})
    return text


def flag(body: dict[str, Any], key: str) -> bool:
    """A boolean option from the body (absent: false); anything but true/false is a usage error."""
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ValidationFailed(f"{key} must be true or false", {key: "true or false"})
    return value


def options(body: dict[str, Any], valued: Sequence[str] = (), flags: Sequence[str] = (),
            repeated: Sequence[str] = ()) -> list[str]:
    """`--name=value` arguments for the body's keys (snake_case keys become --kebab-case options)."""
    argv: list[str] = []
    for key in valued:
        if body.get(key) is not None:
            argv.append(f"--{key.replace('_', '-')}={text_value(key, body[key])}")
    for key in flags:
        if flag(body, key):
            argv.append(f"--{key.replace('_', '-')}")
    for key in repeated:
        values = body.get(key)
        if values is None:
            continue
        if not isinstance(values, list):
            values = [values]
        argv += [f"--{key.replace('_', '-')}={text_value(key, v)}" for v in values]
    return argv


def query_body(request: Request) -> dict[str, Any]:
    """Query parameters as a body (for GET routes): `true`/`false` become booleans."""
    out: dict[str, Any] = {}
    for key, value in request.query_params.items():
        out[key] = {"true": True, "false": False}.get(value.lower(), value)
    return out


class _Answers:
    """The confirmations a web request brings along, given to a handler the way a terminal would answer."""

    def __init__(self, body: dict[str, Any], destroys: bool = False) -> None:
        self.confirm = body.get("confirm")
        self.allow_destroy = body.get("allow_destroy") is True
        self.destroys = destroys  # apply: its one typed question is about destructive changes
        self.asked: tuple[str, str] | None = None

    async def typed(self, question: str, expected: str) -> str | None:
        self.asked = (question, expected)
        if self.destroys and not self.allow_destroy:
            return None  # deleting needs allow_destroy as well as the count
        if isinstance(self.confirm, str | int) and not isinstance(self.confirm, bool):
            return str(self.confirm)
        return None

    def prompt(self, question: str) -> str | None:
        self.asked = (question, "yes")
        return "yes" if self.confirm is True or self.confirm == "yes" else None


def _refused(answers: _Answers, exc: PVEError) -> JSONResponse:
    question, expected = answers.asked or (exc.message, "")
    hint = (f'Show the question to the user; after they agreed, send "confirm": "{expected}"'
            if expected and expected != "yes" else 'Show the question to the user; after they agreed, send '
                                                   '"confirm": true')
    if answers.destroys:
        hint += ' and "allow_destroy": true'
    return JSONResponse(error_body(ExitCode.REFUSED, redact(f"{exc.message}: {question}"), hint,
                                   question=redact(question), expected=redact(expected)), status_code=428)


def check_disruptive(command: str, body: dict[str, Any], target: Target) -> None:
    """Stop, shutdown, reboot and suspend interrupt a running guest: the body must say `confirm: true`."""
    if risk_of(command) != DISRUPTIVE:
        return
    asked = confirmation_for(command, [target])
    given = body.get("confirm")
    if asked is not None and asked.kind == YES_NO and (given is True or given in (target.ident, target.name)):
        return
    raise ConfirmationRefused(refusal(command, [target]) or f"{command} needs confirmation",
                              'Send "confirm": true after the user agreed.')


def _parse(command: str, argv: list[str]) -> Any:
    try:
        return command_parser(command).parse_args(argv)
    except UsageError as exc:
        raise ValidationFailed(str(exc).splitlines()[0][:300], {"body": "see the API reference"}) from None


async def run(request: Request, user: WebUser, command: str, argv: list[str], body: dict[str, Any] | None = None,
              target: str = "", action: str | None = None, confirm_target: Target | None = None,
              report: bool = False, cached: bool = False) -> JSONResponse:
    """Run `command argv` as `user`; changes are audited as `action` on `target`.

    `report`: the result is a report whose findings are its content (health): 200 whatever its exit code.

    `confirm_target`: the guest a disruptive command (stop, shutdown, reboot, suspend) interrupts — the body
    must carry `confirm: true` for it.

    `cached`: a read whose answer this user may share with their concurrent identical reads and reuse for the
    read cache's TTL (`services/read_cache.py`); the answer says so in `X-PMPC-Cached` and `Age`.
    """
    if not cached or request.method != "GET" or risk_of_line(shlex.join([command, *argv])) != "read":
        return await _execute(request, user, command, argv, body, target, action, confirm_target, report)
    from pmpc_tui.web.config import web_state

    reads = web_state(request).reads
    key = f"{request.url.path}?{sorted(request.query_params.multi_items())}"
    got = await reads.read(user.who, key, lambda: _execute(request, user, command, argv, body, target, action,
                                                           confirm_target, report),
                           keep=lambda answer: answer.status_code == 200)
    answer = got.value
    headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-length", "content-type")}
    headers["X-PMPC-Cached"] = f"{got.how}; age={got.age:.3f}"
    if got.how != MISS:
        headers["Age"] = str(int(got.age))
    return EncodedJSON(answer.body, status_code=answer.status_code, headers=headers)


async def _execute(request: Request, user: WebUser, command: str, argv: list[str], body: dict[str, Any] | None,
                   target: str, action: str | None, confirm_target: Target | None, report: bool) -> JSONResponse:
    body = body or {}
    answers = _Answers(body, destroys=command == "apply")
    lines: list[str] = []
    writes = BY_NAME[command].mutates or risk_of(command) != "read"
    ctx = CommandContext(session=user.session, report=lambda line: lines.append(redact(line)), ask=answers.prompt,
                         confirm_hook=answers.typed, owns_session=False)
    name = action or command
    with operation(f"web {name}") as cid:
        try:
            if confirm_target is not None:
                check_disruptive(command, body, confirm_target)
            args = _parse(command, [*argv, "--output=json"])
            args.command = command
            result: Result = await BY_NAME[command].load()(ctx, args)
        except ConfirmationRefused as exc:
            if writes:
                await audit(request, user.who, name, target, f"REFUSED: {exc.message}")
            response = _refused(answers, exc) if answers.asked else JSONResponse(
                error_body(ExitCode.REFUSED, exc.message, exc.hint), status_code=428)
            response.headers["X-Correlation-ID"] = cid
            return response
        except PVEError as exc:
            if writes:
                await audit(request, user.who, name, target, f"{code_of(exc).name}: {exc.message}")
            response = JSONResponse(error_body(code_of(exc), exc.message, exc.hint, log=lines,
                                               correlation_id=cid), status_code=status_of(exc))
            response.headers["X-Correlation-ID"] = cid
            return response
        code = ExitCode(result.exit_code) if result.exit_code in ExitCode._value2member_map_ else ExitCode.ERROR
        if writes:
            await audit(request, user.who, name, target, "ok" if code in (ExitCode.OK, ExitCode.CHANGES)
                        else f"{code.name}: {redact(result.message or '')[:300]}")
    payload = {"data": result.data, "message": redact(result.message or ""), "exit_code": code.name,
               "log": lines, "correlation_id": cid}
    status = 200 if report else STATUS.get(code, 500)
    return EncodedJSON(json_bytes(payload), status_code=status, headers={"X-Correlation-ID": cid})


# like json.dumps(default=str): dates and dataclasses become their str(), keys of any scalar type are allowed
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_bytes(value: Any) -> bytes:
    """A result as JSON in one pass (orjson; anything it does not know becomes its str())."""
    try:
        return orjson.dumps(value, default=str, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, a nested default: the standard encoder
        import json

        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":")).encode()


class EncodedJSON(JSONResponse):
    """A JSON answer whose body is already encoded (bytes are sent as they are)."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)
