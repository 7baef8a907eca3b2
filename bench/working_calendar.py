"""Working-calendar arithmetic: what deadlines cost every seeded, imported or dispatched case.

Run by hand:  python bench/working_calendar.py [--moments 100000] [--runs 5]

(Not named calendar.py: a script's folder comes first on sys.path, so a bench/calendar.py would shadow
the standard library's `calendar` for every benchmark here, and `datetime.strptime` would fail.)

Prints the median of `--runs` timings of `WorkingCalendar.add_working` over `--moments` random moments
(2024 to late 2026, the years chinese_calendar knows) with a fresh calendar (cold day cache) and with one
that has already seen them (warm), then `due_at` with a 2-working-day limit.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from scratch_store import median

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import Limit, due_at

HOUR = 3600.0
WORKING_DAY = 7.5 * HOUR  # 08:30–12:00 and 13:30–17:30


def median_time(work: Callable[[WorkingCalendar], object], runs: int, *, warm: bool) -> float:
    """Median seconds of `work` on a fresh calendar, or on one `work` has already warmed."""
    times = []
    for _ in range(runs):
        calendar = WorkingCalendar()
        if warm:
            work(calendar)
        t0 = time.perf_counter()
        work(calendar)
        times.append(time.perf_counter() - t0)
    return median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(seconds=rng.uniform(0, 2.8 * 365 * 86400)) for _ in range(args.moments)]
    amounts = [rng.choice([1, 2, 4]) * WORKING_DAY for _ in starts]
    limit = Limit(2, "working_days")

    def add_all(calendar: WorkingCalendar) -> object:
        return [calendar.add_working(s, a) for s, a in zip(starts, amounts, strict=True)]

    def due_all(calendar: WorkingCalendar) -> object:
        return [due_at(calendar, s, limit) for s in starts]

    cold = median_time(add_all, args.runs, warm=False)
    warm = median_time(add_all, args.runs, warm=True)
    deadlines = median_time(due_all, args.runs, warm=False)
    n = args.moments
    print(f"{n:,} moments, median of {args.runs} runs:")
    print(f"  add_working, cold cache  {cold:6.3f} s  ({n / cold:10,.0f}/s)")
    print(f"  add_working, warm cache  {warm:6.3f} s  ({n / warm:10,.0f}/s, {cold / warm:.1f}× cold's rate)")
    print(f"  due_at (2 working days)  {deadlines:6.3f} s  ({n / deadlines:10,.0f}/s)")


if __name__ == "__main__":
    main()
