"""A period's plan of kept rows (kiosk.office.period_rows) sums exactly the period's days, whatever its start and
end, and reads few rows: here the plans are summed over made-up day counts, the way SQL sums the kept tables."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from kiosk.office import period_rows
from kiosk.office.period_rows import ALL, DAYS, UNBOUNDED, plan

FIRST, LAST = date(2025, 1, 17), date(2026, 12, 3)  # the data: every day from FIRST to LAST


def data(seed: int) -> dict[date, int]:
    rng = random.Random(seed)
    days = (LAST - FIRST).days + 1
    return {FIRST + timedelta(days=i): rng.choice([0, 0, 1, 2, 5]) for i in range(days)}


def summed(rows: list[period_rows.Rows], counts: dict[date, int]) -> tuple[int, date | None]:
    """What SQL gets from the plan: the signed sum, and the largest last day of the rows read (each day row's
    last is its day; a month row's or the all-days row's is the latest day they count)."""
    total, latest = 0, None
    for r in rows:
        for day, n in counts.items():
            key = day.isoformat() if r.kind == DAYS else day.isoformat()[:7]
            if n and (r.kind == ALL or r.lo <= key < r.hi):
                total += r.sign * n
                latest = max(latest or day, day)
    return total, latest


def direct(start: date, end: date | None, counts: dict[date, int]) -> tuple[int, date | None]:
    inside = [d for d, n in counts.items() if n and d >= start and (end is None or d < end)]
    return sum(counts[d] for d in inside), max(inside, default=None)


STARTS = [date(2025, 1, 1), date(2025, 1, 20), date(2025, 2, 28), date(2025, 6, 1), date(2025, 12, 16),
          date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 2), date(2026, 9, 4), date(2026, 11, 30),
          date(2026, 12, 3), date(2027, 1, 1)]
LENGTHS = [1, 6, 7, 27, 31, 45, 90, 365, 400]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_plan_sums_the_period_and_its_last_day(seed):
    """Periods that start and end mid-month or on the first, within a month, across months and years, up to now or
    closed: the sum equals counting the days, and where the period holds any, so does the latest day read."""
    counts = data(seed)
    for start in STARTS:
        for end in [None, *(start + timedelta(days=n) for n in LENGTHS)]:
            rows = plan(start, end, FIRST, LAST)
            total, latest = summed(rows, counts)
            expected, expected_latest = direct(start, end, counts)
            assert total == expected, (start, end, rows)
            if expected:
                assert latest == expected_latest, (start, end, rows)


def test_a_closed_period_never_reads_days_after_it():
    for start in STARTS:
        for n in LENGTHS:
            end = start + timedelta(days=n)
            for r in plan(start, end, FIRST, LAST):
                assert r.kind != ALL and r.hi <= end.isoformat()[:len(r.hi)] and r.hi != UNBOUNDED


def cost(rows: list[period_rows.Rows]) -> int:
    return period_rows._Cost(FIRST, LAST)(rows)


def test_months_and_edges_are_few_rows():
    """90 days up to now: a few month rows and at most about half a month of days at the start, not 90 days; a
    year up to now: the all-days row less what came before; a week: its seven days."""
    today = LAST
    ninety = plan(today - timedelta(days=90), None, FIRST, LAST)
    assert cost(ninety) <= 4 + 16 and {r.kind for r in ninety} >= {"months"}
    year = plan(today - timedelta(days=365), None, FIRST, LAST)
    assert cost(year) <= 1 + 12 + 16
    week = plan(date(2026, 11, 23), date(2026, 11, 30), FIRST, LAST)
    assert week == [period_rows.Rows(DAYS, "2026-11-23", "2026-11-30")]
    for start in STARTS:
        for n in LENGTHS:
            assert cost(plan(start, start + timedelta(days=n), FIRST, LAST)) <= min(n, 13 * (n // 365 + 1) + 16 + 30)


def test_nothing_held_reads_the_days():
    assert plan(date(2026, 3, 5), None, None, None) == [period_rows.Rows(DAYS, "2026-03-05", UNBOUNDED)]
    assert plan(date(2026, 3, 5), date(2026, 6, 5), None, None) == [period_rows.Rows(DAYS, "2026-03-05", "2026-06-05")]


def test_the_union_binds_each_part():
    rows = [period_rows.Rows(ALL), period_rows.Rows("months", "2026-01", "2026-03", -1),
            period_rows.Rows(DAYS, "2026-03-01", "2026-03-05", -1)]
    sql, values = period_rows.union(rows, "d", "m", "question, n", "topic = ?", ("t",))
    assert sql.count("UNION ALL") == 2 and sql.count("?") == len(values)
    assert values == ["", "t", "2026-01", "2026-03", "t", "2026-03-01", "2026-03-05", "t"]
    assert "SELECT -1 AS sign, question, n FROM m WHERE month >= ? AND month < ? AND topic = ?" in sql
