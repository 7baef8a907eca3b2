"""A report whose answer was lost is retried without a second case (the report's client key)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from gridwatch.db.models import Case, CaseEvent
from gridwatch.db.store import Store


def test_a_report_committed_but_unanswered_is_retried_into_the_same_case(
    store: Store, staff: dict[str, str]
) -> None:
    lost: list[str] = []

    def lose_the_answer(session: Session) -> None:
        """The COMMIT reached the server, then the connection died before the client heard back."""
        if not lost:
            lost.append("once")
            raise OperationalError(
                "COMMIT",
                {},
                ConnectionError("server closed the connection unexpectedly"),
                connection_invalidated=True,
            )

    event.listen(store._sessions, "after_commit", lose_the_answer)
    try:
        case = store.report(
            actor="worker",
            source="grid_worker",
            category_code="06010",
            lon=118.09,
            lat=24.47,
            description="一次",
        )
    finally:
        event.remove(store._sessions, "after_commit", lose_the_answer)
    assert lost == ["once"]
    with store.session() as s:
        assert s.scalar(select(func.count(Case.id))) == 1
        assert s.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.action == "report")) == 1
        assert s.scalar(select(Case.case_no)) == case.case_no


def test_the_same_client_key_twice_is_one_case(store: Store, staff: dict[str, str]) -> None:
    args = {"actor": "worker", "source": "grid_worker", "category_code": "06010", "lon": 118.09, "lat": 24.47}
    first = store.report(**args, client_key="phone-7f3a-0001")  # type: ignore[arg-type]
    again = store.report(**args, client_key="phone-7f3a-0001")  # type: ignore[arg-type]
    other = store.report(**args, client_key="phone-7f3a-0002")  # type: ignore[arg-type]
    assert again.case_no == first.case_no and other.case_no != first.case_no
    with store.session() as s:
        assert s.scalar(select(func.count(Case.id))) == 2


def test_a_case_number_with_a_nul_byte_is_simply_not_found(store: Store, staff: dict[str, str]) -> None:
    from gridwatch.db.errors import NotFound

    with pytest.raises(NotFound, match="No case numbered"):
        store.act("2025\x000001", "register", actor="leader")
