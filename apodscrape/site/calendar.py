"""The calendar pages: a grid per month (weeks from Sunday, as the classic calendar), and
the years with their months."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from .addresses import Listed, calendar_name

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_WEEKS = calendar.Calendar(firstweekday=calendar.SUNDAY)


@dataclass(frozen=True)
class Cell:
    """One day of a month's grid: its number, and its page and title when the site has it."""

    number: int
    page: str | None = None
    title: str = ""
    thumb: str | None = None


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[Cell | None]]  # None: a day of the month before or after
    previous: str | None  # the calendar page of the month before that has days
    next: str | None

    @property
    def name(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def page(self) -> str:
        return calendar_name(self.year, self.month)


def months(days: list[Listed]) -> list[Month]:
    """Every month that has a day, oldest first. `days`: oldest first."""
    listed: dict[tuple[int, int], dict[int, Listed]] = {}
    for day in days:
        listed.setdefault((day.date.year, day.date.month), {})[day.date.day] = day
    keys = sorted(listed)
    found = []
    for index, (year, month) in enumerate(keys):
        have = listed[(year, month)]
        weeks = [
            [_cell(number, have) if number else None for number in week]
            for week in _WEEKS.monthdayscalendar(year, month)
        ]
        before = calendar_name(*keys[index - 1]) if index else None
        after = calendar_name(*keys[index + 1]) if index + 1 < len(keys) else None
        found.append(Month(year, month, weeks, before, after))
    return found


def years(all_months: list[Month]) -> list[tuple[int, list[Month | None]]]:
    """Each year, newest first, with its twelve months (None where the site has no day)."""
    by_year: dict[int, list[Month | None]] = {}
    for month in all_months:
        by_year.setdefault(month.year, [None] * 12)[month.month - 1] = month
    return sorted(by_year.items(), reverse=True)


def _cell(number: int, have: dict[int, Listed]) -> Cell:
    day = have.get(number)
    return Cell(number) if day is None else Cell(number, day.page, day.title, day.thumb)
