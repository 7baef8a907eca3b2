"""The supervisor review station's queue: checked cases awaiting 结案 and requests awaiting a decision.

A case enters the queue when its check passed (`checked`, 应结案) or when a handler or grid worker asked
for something a center desk decides (return 回退, extension 延期, suspension 挂账, self-handling 自行处置:
`pending_request`). It leaves when someone decides. The queue is read with the connection's own role,
so on PostgreSQL a street's supervisor sees only the street's cases (docs/SECURITY.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from gridwatch.db.models import Case
from gridwatch.db.queries import CaseFilter, case_query
from gridwatch.db.reads.case_lists import _COLUMNS, ListedCase, _listed
from gridwatch.db.store import Store

REQUEST_STATES = ("reported", "dispatched", "handling")
"""The states a request can wait in (db/seeds.py TRANSITIONS: request_* keep the state)."""
QUEUE_LIMIT = 2000
"""More than a shift decides; the window says when the queue holds more than it shows."""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One decision waiting: `kind` is "close" for a checked case, else the pending request's kind."""

    case: ListedCase
    kind: str
    since: datetime  # when it began to wait: the check passed, or the request was made

    @property
    def approve_action(self) -> str:
        """The action that says yes: 结案 for a checked case, approve_<kind> for a request."""
        return "close" if self.kind == "close" else f"approve_{self.kind}"

    @property
    def send_back_action(self) -> str:
        """The action that says no, with a reason: a checked case goes back to an on-site check
        (`recheck`), a request is refused (refuse_<kind>)."""
        return "recheck" if self.kind == "close" else f"refuse_{self.kind}"


def queue(store: Store, *, limit: int = QUEUE_LIMIT) -> list[ReviewItem]:
    """What waits for a decision, longest waiting first (since the check passed or the request was made)."""
    flt = CaseFilter(states=("checked", *REQUEST_STATES), limit=limit, order=["updated_at"])
    waiting = (Case.state == "checked") | Case.pending_request["kind"].as_string().is_not(None)
    with store.session() as session:
        rows = [_listed(r) for r in session.execute(case_query(flt, *_COLUMNS).where(waiting))]
        moments = {
            int(case_id): (checked_at, request)
            for case_id, checked_at, request in session.execute(
                select(Case.id, Case.checked_at, Case.pending_request).where(
                    Case.id.in_([r.id for r in rows])
                )
            )
        }
    items = []
    for row in rows:
        checked_at, request = moments.get(row.id, (None, None))
        if row.state == "checked":
            since = _aware(checked_at) or row.updated_at
            items.append(ReviewItem(row, "close", since))
        else:
            asked = (request or {}).get("at")
            since = datetime.fromisoformat(asked) if isinstance(asked, str) else row.updated_at
            items.append(ReviewItem(row, str(row.pending_request), since))
    return sorted(items, key=lambda item: (item.since, item.case.id))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC; PostgreSQL aware moments."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
