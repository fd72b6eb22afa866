"""Textual's scheduled callbacks get their parameters counted once per function (pmpc_tui/tui/callbacks.py):
the counts are the ones Textual itself would give, for every kind of callable it is handed."""

from __future__ import annotations

import gc
from functools import partial
from inspect import signature
from typing import Any

from pmpc_tui.tui.callbacks import count_parameters


def _inspected(func: Any) -> int:
    return len(signature(func).parameters)


class Widgetish:
    def none(self) -> None: ...
    def two(self, a: int, b: int) -> None: ...
    def star(*args: Any) -> None: ...

    @classmethod
    def made(cls, a: int) -> None: ...


def test_each_kind_of_callable_is_counted_as_textual_counts_it() -> None:
    one = Widgetish()

    def local(a: int, b: int = 0, *rest: Any) -> None: ...

    for func in (one.none, one.two, one.star, Widgetish.made, Widgetish.two, local, lambda: None, lambda x: x,
                 print, Widgetish):
        assert count_parameters(func, _inspected) == _inspected(func), func
        assert count_parameters(func, _inspected) == _inspected(func), func  # the kept count: the same
    assert count_parameters(partial(one.two, 1).func, _inspected) == 2


def test_a_method_of_another_instance_is_counted_once_and_closures_are_not_kept_alive() -> None:
    asked: list[Any] = []

    def counting(func: Any) -> int:
        asked.append(func)
        return _inspected(func)

    class Screenish:
        def two(self, a: int, b: int) -> None: ...

    for _ in range(3):
        assert count_parameters(Screenish().two, counting) == 2
    assert len(asked) == 1
    asked.clear()

    def make() -> Any:
        return lambda a, b, c: None

    closure = make()
    assert count_parameters(closure, counting) == 3
    from pmpc_tui.tui import callbacks

    kept = len(callbacks._plain)
    del closure, asked[:]
    gc.collect()
    assert len(callbacks._plain) == kept - 1
