"""Which kept count rows sum to a period's figures: whole months from a month table, the days at the period's edges
from the day table beside it and, for a period that runs up to now, possibly the all-days rows less what came
before. Summing 90 days then reads three or four month rows and at most half a month of day rows per key instead
of 90 day rows: at a million requests and two million questions that is what keeps the barometer well under a
second.

Every plan sums exactly the period's counts. A plan may add a row that also counts days before the period (the
start's whole month, or the all-days row) and take those days off again, but never one that counts days after a
closed period: the question tables' ``last`` (the latest day a question was asked) is taken as the largest of the
rows read, and only days before the period are ever outweighed by the days in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.requests.repo.schema import ALL_DAYS

DAYS, MONTHS, ALL = "days", "months", "all"
UNBOUNDED = "9999"  # after every day (YYYY-MM-DD) and month (YYYY-MM): a period that runs up to now


@dataclass(frozen=True)
class Rows:
    """Rows of one table to sum with one sign: days or months from ``lo`` up to ``hi`` (not included), or the
    all-days rows."""

    kind: str
    lo: str = ""
    hi: str = ""
    sign: int = 1


def _month(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months(lo: date, hi: date) -> int:
    """Whole months from the month of ``lo`` up to the month of ``hi``."""
    return (hi.year - lo.year) * 12 + hi.month - lo.month


def _days(lo: date, hi: date, sign: int = 1) -> Rows:
    return Rows(DAYS, lo.isoformat(), hi.isoformat(), sign)


def _whole(lo: date, hi: date | None, sign: int = 1) -> Rows:
    return Rows(MONTHS, lo.isoformat()[:7], hi.isoformat()[:7] if hi else UNBOUNDED, sign)


class _Cost:
    """Rows a plan reads per key, counting only days and months that hold data (``first`` to ``last``)."""

    def __init__(self, first: date, last: date):
        self.first, self.last = first, last + timedelta(days=1)

    def __call__(self, plan: list[Rows]) -> int:
        total = 0
        for rows in plan:
            if rows.kind == ALL:
                total += 1
                continue
            lo = date.fromisoformat(rows.lo if rows.kind == DAYS else rows.lo + "-01")
            hi = self.last if rows.hi == UNBOUNDED else date.fromisoformat(
                rows.hi if rows.kind == DAYS else rows.hi + "-01")
            lo, hi = max(lo, self.first), min(hi, self.last)
            if lo < hi:
                total += (hi - lo).days if rows.kind == DAYS else _months(lo, hi - timedelta(days=1)) + 1
        return total


def plan(start: date, end: date | None, first: date | None, last: date | None) -> list[Rows]:
    """The fewest rows that sum to the period from ``start`` up to ``end`` (None: up to now), given the first and
    the last day that hold data (None: none do)."""
    plain = [_days(start, end)] if end else [Rows(DAYS, start.isoformat(), UNBOUNDED)]
    if first is None or last is None:
        return plain
    whole_from = start if start.day == 1 else _next_month(start)  # the first whole month
    whole_to = _month(end) if end else None  # and the month after the last (None: every month from then on)
    if whole_to is not None and whole_from > whole_to:
        return plain  # start and end in one month: days only
    # the days from the start to the first whole month, or the start's whole month less the days before the start
    head = [[_days(start, whole_from)] if start < whole_from else [],
            [_days(_month(start), start, -1), _whole(_month(start), whole_from)]]
    tail = [_days(whole_to, end)] if whole_to is not None and end and whole_to < end else []
    candidates = [plain] + [h + [_whole(whole_from, whole_to)] + tail for h in head]
    if end is None:  # everything less what came before: the months before the start's, then its days before it
        before = [_whole(first, _month(start), -1)] if _month(first) < _month(start) else []
        candidates += [[Rows(ALL)] + before + b for b in (
            [_days(_month(start), start, -1)] if _month(start) < start else [],
            [_whole(_month(start), whole_from, -1)] + ([_days(start, whole_from)] if start < whole_from else []))]
    best = min(candidates, key=_Cost(first, last))  # the first of equally cheap plans
    merged: list[Rows] = []
    for r in best:
        if r.kind != ALL and r.lo == r.hi:
            continue  # an empty range: one part less to read
        prev = merged[-1] if merged else None
        if prev and (prev.kind, prev.sign, prev.hi) == (r.kind, r.sign, r.lo):
            merged[-1] = Rows(r.kind, prev.lo, r.hi, r.sign)  # the start's month and the months after it: one range
        else:
            merged.append(r)
    return merged


def union(rows: list[Rows], day_table: str, month_table: str, columns: str, where: str = "1 = 1",
          values: tuple = ()) -> tuple[str, list]:
    """One UNION ALL over the plan's rows that match ``where`` (its ``values`` bound in each part): ``columns``
    (named alike in both tables) and ``sign``, by which every count is multiplied when it is summed."""
    parts, bound = [], []
    for r in rows:
        if r.kind == ALL:
            table, span, limits = day_table, "day = ?", [ALL_DAYS]
        else:
            # the all-days rows' day ('') sorts before every day, so a range of days never holds them
            table, column = (day_table, "day") if r.kind == DAYS else (month_table, "month")
            span, limits = f"{column} >= ? AND {column} < ?", [r.lo, r.hi]
        parts.append(f"SELECT {r.sign} AS sign, {columns} FROM {table} WHERE {span} AND {where}")
        bound += [*limits, *values]
    return " UNION ALL ".join(parts), bound
