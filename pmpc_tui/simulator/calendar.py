"""PVE's calendar events (`pve-calendar-event`, a subset of systemd's): parsing and the next run.

`[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:]MINUTE[:SECOND]` where each number field is `*`, a value, a range
`a..b`, a repetition `start/step` or a comma list of those, weekdays `mon..fri` or `sat,sun`, plus the
shorthands `minutely`, `hourly`, `daily`, `weekly`, `monthly`, `yearly`/`annually`, `quarterly`,
`semiannually`. Times are the node's local time; the simulator's nodes run on UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG_DAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                           "sunday"))}
SHORTHANDS = {
    "minutely": "*-*-* *:*:00", "hourly": "*-*-* *:00:00", "daily": "*-*-* 00:00:00",
    "weekly": "mon *-*-* 00:00:00", "monthly": "*-*-01 00:00:00", "yearly": "*-01-01 00:00:00",
    "annually": "*-01-01 00:00:00", "quarterly": "*-01,04,07,10-01 00:00:00",
    "semiannually": "*-01,07-01 00:00:00",
}


class CalendarError(ValueError):
    """The text is not a calendar event PVE accepts."""


@dataclass(frozen=True)
class CalendarEvent:
    """The sets of values each field may take (None: any)."""

    weekdays: frozenset[int] | None
    years: frozenset[int] | None
    months: frozenset[int] | None
    days: frozenset[int] | None
    hours: frozenset[int]
    minutes: frozenset[int]

    def matches_day(self, day: dt.date) -> bool:
        return ((self.weekdays is None or day.weekday() in self.weekdays)
                and (self.years is None or day.year in self.years)
                and (self.months is None or day.month in self.months)
                and (self.days is None or day.day in self.days))

    def next_after(self, moment: dt.datetime, horizon_days: int = 3 * 366) -> dt.datetime | None:
        """The first time after `moment` the event fires (None when it never does within the horizon)."""
        start = moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        for offset in range(horizon_days):
            day = (start + dt.timedelta(days=offset)).date()
            if not self.matches_day(day):
                continue
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    when = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=moment.tzinfo)
                    if when >= start:
                        return when
        return None


def _values(field: str, low: int, high: int, what: str) -> frozenset[int] | None:
    """`*`, `5`, `1..5`, `0/15`, `8..17/2` and comma lists of them."""
    if field == "*":
        return None
    out: set[int] = set()
    for part in field.split(","):
        match = re.fullmatch(r"(\*|\d+)(?:\.\.(\d+))?(?:/(\d+))?", part)
        if not match:
            raise CalendarError(f"unable to parse calendar event - invalid {what} '{part}'")
        first = low if match.group(1) == "*" else int(match.group(1))
        last = int(match.group(2)) if match.group(2) else (high if match.group(3) or match.group(1) == "*"
                                                             else first)
        step = int(match.group(3)) if match.group(3) else 1
        if not (low <= first <= high and low <= last <= high) or step == 0:
            raise CalendarError(f"unable to parse calendar event - {what} out of range '{part}'")
        out.update(range(first, last + 1, step))
    return frozenset(out)


def _weekdays(text: str) -> frozenset[int]:
    out: set[int] = set()
    for part in text.split(","):
        names = part.split("..")
        index = [DAYS.index(n) if n in DAYS else _LONG_DAYS.get(n, -1) for n in names]
        if len(names) > 2 or -1 in index:
            raise CalendarError(f"unable to parse calendar event - invalid weekday '{part}'")
        first, last = index[0], index[-1]
        out.update(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
    return frozenset(out)


def parse(text: str) -> CalendarEvent:
    """Parse a calendar event as PVE does; raises CalendarError with PVE's wording otherwise."""
    event = text.strip().lower()
    if not event:
        raise CalendarError("unable to parse calendar event - event is empty")
    event = SHORTHANDS.get(event, event)
    tokens = event.split()
    weekdays = None
    if tokens and re.fullmatch(r"[a-z][a-z.,]*", tokens[0]):
        weekdays = _weekdays(tokens.pop(0))
    years = months = days = None
    if tokens and "-" in tokens[0]:
        parts = tokens.pop(0).split("-")
        if len(parts) == 2:
            parts.insert(0, "*")
        if len(parts) != 3:
            raise CalendarError(f"unable to parse calendar event - invalid date '{'-'.join(parts)}'")
        years = _values(parts[0], 1970, 9999, "year")
        months = _values(parts[1], 1, 12, "month")
        days = _values(parts[2], 1, 31, "day")
    hours: frozenset[int] | None = frozenset({0})
    minutes: frozenset[int] | None = frozenset({0})
    if tokens:
        clock = tokens.pop(0).split(":")
        if len(clock) == 1:  # a lone field is the minute, every hour
            hours, minutes = None, _values(clock[0], 0, 59, "minute")
        elif len(clock) in (2, 3):
            hours, minutes = _values(clock[0], 0, 23, "hour"), _values(clock[1], 0, 59, "minute")
            if len(clock) == 3:
                _values(clock[2], 0, 59, "second")
        else:
            raise CalendarError(f"unable to parse calendar event - invalid time '{':'.join(clock)}'")
    elif weekdays is None and years is None and months is None and days is None:
        raise CalendarError("unable to parse calendar event - event is empty")
    if tokens:
        raise CalendarError(f"unable to parse calendar event - unexpected '{' '.join(tokens)}'")
    return CalendarEvent(weekdays, years, months, days, hours if hours is not None else frozenset(range(24)),
                         minutes if minutes is not None else frozenset(range(60)))


def check(text: str) -> str | None:
    """`pve-calendar-event`: PVE's message for a bad event, else None."""
    try:
        parse(text)
    except CalendarError as exc:
        return f"invalid calendar event '{text}' - {exc}"
    return None


def next_run(text: str, now: float) -> int | None:
    """UNIX time of the event's next run after `now` (UTC), as `next-run` in the job list."""
    event = parse(text).next_after(dt.datetime.fromtimestamp(now, dt.UTC))
    return int(event.timestamp()) if event is not None else None
