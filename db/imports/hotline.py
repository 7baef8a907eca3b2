"""12345 hotline work orders as they arrive (热线转办), one request at a time through the field API's
`POST /api/v1/hotline`, with the interchange file's columns (docs/IMPORT.md) as the fields of each order.

They land through the same path as `gridwatch import cases`: a work order's number is its case number, so
a repeat changes nothing and a changed order updates the case it made. The intake writes cases in any
state, as imports do, so only the workflow's trusted writers (admin, system) may send them; on
PostgreSQL the case guard says the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from gridwatch.db.errors import Forbidden
from gridwatch.db.history import CaseRow, ImportContext
from gridwatch.db.imports.cases import import_case_rows, parse_case_row
from gridwatch.db.imports.report import ImportReport, RowProblem
from gridwatch.db.imports.tables import Cell
from gridwatch.db.store import Store, utcnow

MAX_ORDERS = 1000
"""Work orders in one request: a hotline's backlog after an outage fits; a year's history is a file."""
TRUSTED = frozenset({"admin", "system"})


def transfer(
    store: Store, actor: str, orders: Sequence[Mapping[str, Cell]], *, tz: str = "Asia/Shanghai"
) -> ImportReport:
    """Land the work orders in one transaction; an order that cannot land is an error naming its place
    in the request (1 = the first) and the others land."""
    report = ImportReport("work orders", "order", total=len(orders))
    zone = ZoneInfo(tz)
    rows: list[CaseRow] = []
    for line, order in enumerate(orders, 1):
        try:
            rows.append(parse_case_row(line, dict(order), zone))
        except RowProblem as exc:
            report.error(line, str(exc))
    with store.session() as session:
        roles = store.actor(session, actor).roles
        if not roles & TRUSTED:
            raise Forbidden(
                f"Hotline work orders are written by the intake account (role system); '{actor}' holds "
                f"{', '.join(sorted(roles)) or 'no role'}."
            )
        ctx = ImportContext.load(session, store.rules(session), utcnow())
        import_case_rows(session, rows, ctx, report=report)
    return report
