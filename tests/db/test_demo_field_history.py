"""The demo's field history: reporters' ratings of closed citizen and hotline cases (so 满意率 has
numbers), a month of grid workers' clock records judged by the API's own rule, and a reviewer who is
both supervisor and shift leader (issues 11 and 13)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.demo_city import seed_demo
from gridwatch.db.demo_city.people import DEMO_REVIEWER
from gridwatch.db.demo_city.ratings import RATED_SOURCES
from gridwatch.db.field import clock_status
from gridwatch.db.metrics import compute, period_bounds
from gridwatch.db.models import Case, CheckIn, OrgUnit, Person, Rating
from gridwatch.db.reads.field import attendance
from gridwatch.db.reads.people import active_people
from gridwatch.db.store import Store

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 17, 15, 20, tzinfo=TZ)  # a Wednesday afternoon


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo("UTC"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    seed_demo(store, cases=300, seed=3, now=NOW)
    yield store
    store.dispose()


def test_ratings_only_on_closed_citizen_and_hotline_cases_by_their_reporter(demo: Store) -> None:
    with demo.session() as s:
        rows = s.execute(
            select(Case.source, Case.state, Case.closed_at, Case.reporter_id, Rating).join(
                Rating, Rating.case_id == Case.id
            )
        ).all()
        closed_public = s.scalar(
            select(Case.id).where(Case.state == "closed", Case.source.in_(RATED_SOURCES)).limit(1)
        )
    assert closed_public is not None and len(rows) > 10
    for source, state, closed_at, reporter, rating in rows:
        assert source in RATED_SOURCES and state == "closed"
        assert rating.rated_by_id == reporter
        assert _aware(closed_at) < _aware(rating.rated_at) <= NOW
    kinds = Counter(r.Rating.rating for r in rows)
    assert set(kinds) == {"satisfied", "basically", "dissatisfied"}
    assert kinds["satisfied"] > kinds["basically"] > kinds["dissatisfied"]
    assert all(r.Rating.comment is None or r.Rating.comment.strip() for r in rows)


def test_satisfaction_rate_is_the_domain_formula_over_the_rows(demo: Store) -> None:
    start, end = date(2026, 3, 19), date(2026, 6, 17)
    lo, hi = period_bounds(start, end)
    with demo.session() as s:
        ratings = [
            r for r in s.scalars(select(Rating.rating).where(Rating.rated_at >= lo, Rating.rated_at < hi))
        ]
        rows = compute(s, start, end, "source", as_of=NOW)
    satisfied = sum(r in ("satisfied", "basically") for r in ratings)
    assert len(ratings) > 10
    total_rated = sum(r.rated for r in rows)
    total_satisfied = sum(r.satisfied for r in rows)
    assert (total_rated, total_satisfied) == (len(ratings), satisfied)
    by_source = {r.key: r for r in rows}
    assert by_source["grid_worker"].rated == 0 and by_source["grid_worker"].satisfaction_rate is None
    rated = [r for r in rows if r.rated]
    assert {r.key for r in rated} == set(RATED_SOURCES)
    for r in rated:
        assert r.satisfaction_rate == pytest.approx(r.satisfied / r.rated)


def test_clock_records_follow_the_api_rule_and_today_has_late_workers(demo: Store) -> None:
    with demo.session() as s:
        calendar: WorkingCalendar = demo.rules(s).calendar
        records = s.execute(select(CheckIn.kind, CheckIn.at, CheckIn.status, CheckIn.grid_id)).all()
        grids = set(s.scalars(select(OrgUnit.id).where(OrgUnit.level == "grid")))
    assert len(records) > 1000
    for kind, at, status, grid in records:
        moment = _aware(at)
        assert status == clock_status(calendar, kind, moment, inside=True) and grid in grids
        assert moment <= NOW
    today = attendance(demo, NOW.date(), NOW.date(), now=NOW)
    statuses = Counter(d.status for d in today)
    assert statuses["late"] > 0 and statuses["normal"] > statuses["late"]
    month = attendance(demo, NOW.date() - timedelta(days=20), NOW.date() - timedelta(days=1), now=NOW)
    assert {"normal", "late", "absent", "early_leave"} <= {d.status for d in month}


def test_the_demo_has_a_reviewer_who_supervises_and_leads_a_shift(demo: Store) -> None:
    (reviewer,) = active_people(demo, DEMO_REVIEWER)
    assert reviewer.roles == {"supervisor", "shift_leader"}
    with demo.session() as s:
        assert s.scalar(select(Person.name).where(Person.username == DEMO_REVIEWER))
