"""What the calendar tests share: the issue's situation (a holiday library that knows 2026 but not 2027) and
a 2027 notice as a center would type it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gridwatch.db import calendar
from gridwatch.db.models import Setting
from gridwatch.db.store import Store

LIBRARY_LAST_YEAR = 2026
"""chinesecalendar 1.11 knows up to 2026. A release that knows 2027 must not change what the tests check,
so they pin the library's reach there; the library's data for the years it knows is used as it is."""

NOTICE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02..2027-01-03,holiday,元旦
2027-02-05..2027-02-13,holiday,春节
2027-02-14,workday,春节
2027-02-20,workday,春节
2027-04-03..2027-04-05,holiday,清明节
2027-05-01..2027-05-05,holiday,劳动节
2027-05-08,workday,劳动节
2027-06-09,holiday,端午节
2027-09-15,holiday,中秋节
2027-10-01..2027-10-07,holiday,国庆节
2027-09-26,workday,国庆节
2027-10-09,workday,国庆节
"""
"""34 days of a 2027 notice (the real one is not out yet: plausible dates in the notices' pattern)."""


@pytest.fixture
def library_until_2026(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = calendar._library_knows
    monkeypatch.setattr(calendar, "_library_knows", lambda year: year <= LIBRARY_LAST_YEAR and real(year))
    yield


def allow_scenario_dates(store: Store) -> None:
    """The scenario plays around New Year 2027, which may still be ahead of the machine's clock: widen the
    store's accepted report dates (the `date_window` setting) so its cases can be reported then."""
    with store.session() as session:
        session.merge(Setting(key="date_window", value={"earliest": "2000-01-01", "ahead_days": 3650}))
