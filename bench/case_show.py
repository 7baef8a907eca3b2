"""`gridwatch case show` on a citizen's longest text: a description of one word, no space in it.

Run by hand:  python bench/case_show.py [--runs 5]

Issue 10, item 7: rich's highlighter is quadratic in a long word (it took 5 s for 20,000 characters), so
`case show` prints a citizen's text with no highlighter and no markup. On an SQLite store in a temporary
directory, a case is reported with a description of 5,000, 10,000 and `MAX_TEXT` (20,000) characters
without a space, and `case show` runs in this process as the CLI's tests run it (typer's CliRunner).
Prints the median of `--runs` per length, the ratio to the previous length (linear: about 2 per doubling),
and beside it what rich's highlighter alone takes to print the same line (what `case show` no longer
pays). Target: ≤ 2 s at 20,000 characters (the bound the test held before it moved here).
"""

from __future__ import annotations

import argparse
import io
import time

from rich.console import Console
from scratch_store import median, sqlite_store, verdict
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.store import Store
from gridwatch.db.validation import MAX_TEXT

TARGET_S = 2.0
WORD = "垃圾满溢"


def timed_show(store: Store, case_no: str, runs: int) -> float:
    """Median seconds of `case show` (after a warm-up), the output checked to hold the whole text."""
    runner = CliRunner()
    args = ["case", "show", case_no, "--db", store.url]
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        result = runner.invoke(app, args, terminal_width=200)
        elapsed = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        if i:
            times.append(elapsed)
    return median(times)


def highlighted(line: str) -> float:
    """Seconds rich's highlighter takes to print `line` to a colour terminal (what `case show` avoids)."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    started = time.perf_counter()
    console.print(line, markup=False, highlight=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"case show, median of {args.runs} (SQLite, in process); the highlighter alone, once:")
    print(f"{'characters':>11}{'case show s':>13}{'ratio':>8}{'highlighter s':>15}")
    with sqlite_store() as store:
        previous = None
        for chars in (5_000, 10_000, MAX_TEXT):
            text = (WORD * (chars // len(WORD) + 1))[:chars]
            case_no = store.report(
                actor="admin",
                source="citizen",
                category_code="06010",
                lon=118.09,
                lat=24.47,
                description=text,
            ).case_no
            seconds = timed_show(store, case_no, args.runs)
            ratio = f"{seconds / previous:.2f}" if previous else "—"
            print(f"{chars:>11,}{seconds:>13.3f}{ratio:>8}{highlighted(text):>15.2f}")
            previous = seconds
    print(f"target ≤ {TARGET_S:g} s at {MAX_TEXT:,} characters: {verdict(seconds <= TARGET_S)}")


if __name__ == "__main__":
    main()
