"""Textual counts a callback's parameters (`inspect.signature`) every time it runs one that was scheduled with
`call_later`, `call_next` or `call_after_refresh`, as each is wrapped in a new `functools.partial`: ~24 times
per keystroke, 60-140 µs each, 1.5-3 ms of a filter key's ~5-10 ms of CPU. The count depends only on the
function, so it is kept per function (weakly: closures made per call are not kept alive)."""

from __future__ import annotations

from collections.abc import Callable
from types import FunctionType, MethodType
from typing import Any
from weakref import WeakKeyDictionary

_plain: WeakKeyDictionary[FunctionType, int] = WeakKeyDictionary()  # parameters of a function
_bound: WeakKeyDictionary[FunctionType, int] = WeakKeyDictionary()  # of a method bound to an instance


def count_parameters(func: Callable[..., Any], count: Callable[[Callable[..., Any]], int]) -> int:
    """How many parameters `func` takes (as `count` says), counted once per function."""
    plain = func.__func__ if isinstance(func, MethodType) else func
    if not isinstance(plain, FunctionType):
        return count(func)
    kept = _bound if plain is not func else _plain
    found = kept.get(plain)
    if found is None:
        found = kept[plain] = count(func)
    return found


def install() -> None:
    """Have Textual count each function's parameters once (no change when its internals differ)."""
    try:
        from textual import _callback
    except ImportError:
        return
    original = getattr(_callback, "_count_parameters", None)
    if original is None or getattr(original, "_pmpc_counted", False):
        return

    def counted(func: Callable[..., Any]) -> int:
        return count_parameters(func, original)

    counted._pmpc_counted = True  # type: ignore[attr-defined]
    _callback._count_parameters = counted
