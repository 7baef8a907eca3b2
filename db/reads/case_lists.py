"""Filtered case lists a page at a time: the dispatcher's queue and `gridwatch cases list`.

A queue may hold 100,000 open cases, so a page reads only the columns a row shows (no table objects),
and the next page starts after the last row's key where the key is never NULL: unlike OFFSET, a deep
page costs what the first one does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from gridwatch.db.models import Case
from gridwatch.db.queries import CaseFilter, case_query
from gridwatch.db.store import Store

KEYSET = frozenset({"reported_at", "case_no", "state", "urgency", "updated_at"})
"""Sort keys that are never NULL, so the next page can start after the last row's key."""


@dataclass(frozen=True, slots=True)
class ListedCase:
    """One row of a case list: a small copy of the case, cheap to hold 100,000 of."""

    id: int
    case_no: str
    version: int
    state: str
    urgency: str
    source: str
    category_code: str
    description: str
    address: str | None
    outside_grid: bool
    reported_at: datetime
    stage_started_at: datetime | None
    stage_due_at: datetime | None
    deadline_at: datetime | None
    limit_unit: str | None
    updated_at: datetime
    pending_request: str | None  # the kind of request waiting for a decision
    escalated: bool  # came up from a lower level (吹哨, docs/LEVELS.md): the queue flags it
    lon: float | None
    lat: float | None
    category_name: str
    department_code: str | None
    grid_code: str | None


_NAMES = [f.name for f in dataclasses.fields(ListedCase)]
_COLUMNS = tuple(
    getattr(Case, n) for n in _NAMES if n not in ("category_name", "department_code", "grid_code")
)
"""The case's columns in the row's order; `case_query` adds the three names after them."""
_REQUEST, _DESCRIPTION = _NAMES.index("pending_request"), _NAMES.index("description")


def _listed(row: Any) -> ListedCase:
    values = list(row)
    request = values[_REQUEST]
    values[_REQUEST] = request.get("kind") if request else None
    values[_DESCRIPTION] = values[_DESCRIPTION] or ""
    return ListedCase(*values)


def _read(store: Store, query: Select[Any]) -> list[ListedCase]:
    with store.session() as session:
        return [_listed(r) for r in session.execute(query)]


def page(store: Store, flt: CaseFilter, after: ListedCase | None = None) -> list[ListedCase]:
    """`flt.limit` rows from `flt.offset`, or, given the last row shown, the rows after it.

    After a row, a single never-NULL sort key pages by key; other orders fall back to an OFFSET of
    `flt.offset` (the caller passes how many rows it holds)."""
    key = flt.order[0] if len(flt.order) == 1 else ""
    if after is None or key.lstrip("-") not in KEYSET:
        return _read(store, case_query(flt, *_COLUMNS))
    name = key.lstrip("-")
    column, value = getattr(Case, name), getattr(after, name)
    query = case_query(dataclasses.replace(flt, offset=0), *_COLUMNS)
    if key.startswith("-"):
        return _read(store, query.where(column <= value, (column < value) | (Case.id < after.id)))
    return _read(store, query.where(column >= value, (column > value) | (Case.id < after.id)))


def rows_of(store: Store, flt: CaseFilter, ids: Collection[int]) -> list[ListedCase]:
    """The rows of these cases that pass the filter now (a case that no longer passes is missing)."""
    if not ids:
        return []
    query = case_query(dataclasses.replace(flt, limit=None, offset=0), *_COLUMNS)
    return _read(store, query.where(Case.id.in_(list(ids))))
