"""满意率 in the metrics: ratings given in the period, by the same key as the other figures, including a key
whose cases were reported before the period and only rated in it."""

from __future__ import annotations

from datetime import date

from gridwatch.db.metrics import compute
from gridwatch.db.models import Rating
from gridwatch.db.store import Store
from tests.conftest import local


def test_satisfaction_counts_the_ratings_given_in_the_period(store: Store, staff: dict[str, str]) -> None:
    early = [
        store.report(
            actor="worker",
            source=source,
            category_code="06010",
            lon=118.09,
            lat=24.47,
            reported_at=local(2026, 11, 2),
        )
        for source in ("citizen", "citizen", "citizen", "hotline")
    ]
    with store.session() as session:
        for case, rating in zip(early, ("satisfied", "basically", "dissatisfied", "satisfied"), strict=True):
            session.add(Rating(case_id=case.id, rating=rating, rated_at=local(2026, 11, 20), comment=None))
    with store.session() as session:
        rows = compute(session, date(2026, 11, 20), date(2026, 11, 20), "source")
        before = compute(session, date(2026, 11, 2), date(2026, 11, 2), "source")
    assert [(r.key, r.reported, r.rated, r.satisfied, r.as_dict()["satisfaction_rate"]) for r in rows] == [
        ("citizen", 0, 3, 2, "66.67%"),
        ("hotline", 0, 1, 1, "100.00%"),
    ]
    assert [(r.key, r.reported, r.rated, r.as_dict()["satisfaction_rate"]) for r in before] == [
        ("citizen", 3, 0, "—"),
        ("hotline", 1, 0, "—"),
    ]
