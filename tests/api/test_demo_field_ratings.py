"""The demo's citizen app rates its reports once they close (Open311's rating extension), so the review
station's 满意率 keeps moving while the demo runs, the way the seeded history rated."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gridwatch.api.demo_field import DEMO_PASSWORD, FieldSimulation
from gridwatch.api.service import Service
from gridwatch.db import field as bookkeeping
from gridwatch.db.demo_city.ratings import COMMENTS, pick_rating
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, Person, Rating
from tests.api.conftest import Field, Served


def test_pick_rating_follows_the_shares_and_comments() -> None:
    assert pick_rating(0.0, 0.0) == ("satisfied", COMMENTS["satisfied"][0])
    assert pick_rating(0.719, 0.99)[0] == "satisfied"
    assert pick_rating(0.721, 0.0) == ("basically", COMMENTS["basically"][0])
    assert pick_rating(0.919, 0.0)[0] == "basically"
    assert pick_rating(0.921, 0.999) == ("dissatisfied", COMMENTS["dissatisfied"][-1])


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_citizen_app_rates_its_report_once_closed(served: Field) -> None:
    key = bookkeeping.add_api_key(served.service.keeper, "demo citizen app", served.users["app"])
    with Served(Service(served.owner, demo_password=DEMO_PASSWORD)) as base:
        phones = FieldSimulation(
            base, served.owner, app_key=key, seed=3, report_chance=0, citizen_chance=1, clock_chance=0
        )
        phones.rng.random = lambda: 0.0  # type: ignore[method-assign]  # every draw: report, rate 满意
        ((case_no, source),) = phones.tick().reported
        assert source == "citizen" and phones.citizen_cases == [case_no]
        assert phones.rate_closed() == [] and phones.citizen_cases == [case_no]  # open: asked again later
        leader, worker, crew = served.users["leader"], served.users["worker"], served.users["h_cgj"]
        owner = served.owner
        owner.act(case_no, "register", actor=leader)
        owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
        owner.act(case_no, "accept", actor=crew)
        owner.act(case_no, "feedback", actor=crew)
        owner.act(case_no, "send_check", actor=leader)
        owner.act(case_no, "check_pass", actor=worker)
        owner.act(case_no, "close", actor=leader)
        assert phones.rate_closed() == [(case_no, "satisfied")]
        assert phones.citizen_cases == [] and phones.rate_closed() == []  # rated once, not asked again
        phones.close()
    with owner.session() as session:
        rating = session.scalar(
            select(Rating).join(Case, Case.id == Rating.case_id).where(Case.case_no == case_no)
        )
        app = session.scalar(select(Person.id).where(Person.username == served.users["app"]))
        assert rating is not None
        assert (rating.rating, rating.comment, rating.rated_by_id) == (
            "satisfied",
            COMMENTS["satisfied"][0],
            app,
        )
