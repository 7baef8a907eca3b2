"""Property-based (hypothesis) over the interchange importer and `Store.report`, on both backends (issue
10): whatever a file or a caller sends, no traceback; every row lands or is reported with its line; and
nothing already in the store changes unless a landed row says so (a case worked at a desk: never)."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_import_support import HEADER, add_territory, write_csv

from gridwatch.db.errors import StoreError
from gridwatch.db.imports.cases import import_cases
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Attachment, Case, CaseEvent, Department, Person, PersonRole
from gridwatch.db.seeds import SOURCES, STATES
from gridwatch.db.spreadsheet import NUMBER, TRIGGERS, neutralise, restore
from gridwatch.db.store import NewAttachment, Store

COLUMNS = HEADER.split(",") + ["hotline_no"]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Cell text: anything but the characters that make CSV structure, which the damage below adds on purpose.
junk = st.text(st.characters(blacklist_characters='",\r\n', blacklist_categories=("Cs",)), max_size=30)
long = st.sampled_from(["x" * 20_001, "路" * 201, "0" * 33])
pool = st.sampled_from(["P1", "P2", "P3", "N1", "N2", "N3"])
moment = st.one_of(
    st.datetimes(datetime(2000, 1, 2), datetime(2024, 12, 31)).map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["", "0001-01-01", "9999-12-31", "1999-12-31 23:59", "2024-13-01", "昨天"]),
)
number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(117.9, 118.2).map(lambda x: f"{x:.5f}"),
    st.sampled_from(["", "24.41", "1e300", "nan"]),
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    """A plausible case (so that some rows land) with some cells replaced by hostile values."""
    t0 = draw(st.datetimes(datetime(2020, 1, 1), datetime(2024, 6, 1)))
    steps = draw(st.integers(0, 5))
    times = [
        (t0 + timedelta(minutes=10 * i)).strftime("%Y-%m-%d %H:%M") if i <= steps else "" for i in range(6)
    ]
    row = {
        "case_no": draw(pool),
        "source": draw(st.sampled_from([*SOURCES, "热线转办"])),
        "category_code": draw(st.sampled_from(["06010", "09006"])),
        "urgency": draw(st.sampled_from(["", "A", "B", "C", "紧急"])),
        "description": draw(junk),
        "lon": "118.005",
        "lat": "24.41",
        "address": draw(junk),
        "reported_at": times[0],
        "registered_at": times[1],
        "dispatched_at": times[2],
        "department_code": "CGJ" if steps >= 2 else "",
        "handled_at": times[3],
        "checked_at": times[4],
        "closed_at": times[5],
        "status": "",
        "hotline_no": draw(junk),
    }
    hostile = {
        "case_no": st.one_of(pool, junk, long),
        "source": st.one_of(junk, st.just("")),
        "category_code": st.one_of(junk, long, st.just("")),
        "urgency": st.one_of(junk, st.sampled_from(["AB", "Z", "\x00"])),
        "description": st.one_of(junk, long, st.just("=HYPERLINK(1)\x00")),
        "lon": number,
        "lat": number,
        "address": st.one_of(junk, long),
        "reported_at": moment,
        "registered_at": moment,
        "dispatched_at": moment,
        "department_code": st.one_of(junk, long),
        "closed_at": moment,
        "status": st.one_of(junk, st.sampled_from(STATES)),
    }
    for name in draw(st.lists(st.sampled_from(sorted(hostile)), max_size=3, unique=True)):
        row[name] = draw(hostile[name])
    return row


def render(row: dict[str, str], damage: str | None) -> str:
    """One physical line; `damage` opens a quote it never closes, or adds an unquoted comma.

    At most one stray quote per file: a second one could close the first exactly where a cell ends and
    leave the header's number of cells, which no reader can tell from a legal multi-line cell."""
    cells = [row[c] for c in COLUMNS]
    if damage == "quote":
        cells[4] = '"' + cells[4]
    elif damage == "comma":
        cells[7] = cells[7] + ",思明区"
    if damage:
        return ",".join(cells)
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def snapshot(store: Store) -> dict[str, tuple[Any, ...]]:
    """Every case's columns and its events' count, by case number."""
    with store.session() as s:
        events = dict(s.execute(select(CaseEvent.case_id, func.count()).group_by(CaseEvent.case_id)).all())
        return {
            c.case_no: (
                tuple(getattr(c, col.key) for col in Case.__table__.columns if col.key != "id"),
                events.get(c.id, 0),
            )
            for c in s.scalars(select(Case))
        }


def prepare(store: Store, tmp_path: Path) -> set[str]:
    """P1..P3 imported, P1 then worked at a desk, one case reported live: the worked ones."""
    add_territory(store)
    now = datetime.now(UTC)
    with store.session() as s:
        cgj = s.scalar(select(Department.id).where(Department.code == "CGJ"))
        for username, role in (
            ("dispatcher", "dispatcher"),
            ("handler", "handler"),
            ("worker", "grid_worker"),
        ):
            s.add(Person(username=username, name=username, updated_at=now, roles=[PersonRole(role=role)],
                         department_id=cgj if role == "handler" else None))  # fmt: skip
    base = [
        ",".join(
            [
                "P1",
                "hotline",
                "06010",
                "",
                "旧",
                "118.005",
                "24.41",
                "",
                "2024-05-06 09:00",
                "2024-05-06 09:10",
            ]
        )
        + ",,,,,,,",
        "P2,citizen,06010,,旧,118.005,24.41,,2024-05-06 09:00,,,,,,,,",
        "P3,citizen,09006,,旧,,,,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,CGJ,,,,,",
    ]
    assert import_cases(store, write_csv(tmp_path / "base.csv", [",".join(COLUMNS), *base])).ok
    store.act("P1", "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    store.act("P1", "accept", actor="handler")
    live = store.report(actor="worker", source="grid_worker", category_code="06010", lon=118.005, lat=24.41)
    return {"P1", live.case_no}


def test_importing_any_file_loses_nothing(store: Store, tmp_path: Path) -> None:
    worked = prepare(store, tmp_path)
    counter = iter(range(10**6))

    @SETTINGS
    @given(st.lists(st.tuples(rows(), st.sampled_from([None, None, None, "quote", "comma"])), max_size=8))
    def check(batch: list[tuple[dict[str, str], str | None]]) -> None:
        quotes = [i for i, (_, damage) in enumerate(batch) if damage == "quote"]
        for i in quotes[1:]:  # two stray quotes can pair up into one legal multi-line cell: see below
            batch[i] = (batch[i][0], "comma")
        before = snapshot(store)
        lines = [",".join(COLUMNS)] + [render(row, damage) for row, damage in batch]
        path = write_csv(tmp_path / f"f{next(counter)}.csv", lines)
        report = import_cases(store, path, create_missing=True)  # no exception of any kind

        refused = {e.line for e in report.errors}
        assert len(refused) == len(report.errors) and refused <= set(range(2, len(lines) + 1))
        assert report.total == len(batch)
        assert report.inserted + report.updated + report.unchanged + report.skipped == len(batch)
        landed = {
            restore(row["case_no"].strip()) for i, (row, _) in enumerate(batch, start=2) if i not in refused
        }
        assert not {i for i, (_, damage) in enumerate(batch, start=2) if damage} - refused
        after = snapshot(store)
        assert set(after) >= set(before) and set(after) - set(before) <= landed
        for case_no, state in before.items():
            if case_no in worked or case_no not in landed:
                assert after[case_no] == state, case_no

    check()


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    text = st.one_of(st.text(max_size=40), st.sampled_from(["x" * 20_001, "a\x00b", "[/]"]))
    return {
        "actor": draw(st.sampled_from(["worker", "worker", "nobody", "w\x00"])),
        "source": draw(st.one_of(st.sampled_from(SOURCES), text)),
        "category_code": draw(st.one_of(st.sampled_from(["06010", "09006"]), text)),
        "lon": draw(st.one_of(st.none(), st.floats(), st.floats(117.9, 118.2))),
        "lat": draw(st.one_of(st.none(), st.floats(), st.floats(24.3, 24.6))),
        "description": draw(text),
        "urgency": draw(st.one_of(st.none(), st.sampled_from(["A", "B", "C"]), text)),
        "address": draw(st.one_of(st.none(), text, st.just("路" * 201))),
        "reported_at": draw(
            st.one_of(
                st.none(), st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=st.just(UTC))
            )
        ),
        "merge_key": draw(st.one_of(st.none(), st.sampled_from(["cam-1/zone-1", "k" * 121]), text)),
        "attachments": [
            NewAttachment(name, data, kind)
            for name, data, kind in draw(
                st.lists(
                    st.tuples(
                        st.one_of(text, st.just("../../etc/cron.d/x")),
                        st.one_of(st.binary(max_size=64), st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)),
                        st.sampled_from(["before", "snapshot", "beforeandafter!"]),
                    ),
                    max_size=2,
                )
            )
        ],
    }


def test_any_report_either_lands_whole_or_changes_nothing(store: Store, tmp_path: Path) -> None:
    prepare(store, tmp_path)

    @SETTINGS
    @given(reports())
    def check(args: dict[str, Any]) -> None:
        before = snapshot(store)
        try:
            case = store.report(**args)
        except StoreError:
            assert snapshot(store) == before
            return
        after = snapshot(store)
        changed = {no for no in after if before.get(no) != after[no]}
        assert changed == {case.case_no}  # a new case, or the open case a repeat merged into
        lon, lat = args["lon"], args["lat"]
        assert lon is None or lat is None or (math.isfinite(lon) and math.isfinite(lat))
        with store.session() as s:
            names = list(s.scalars(select(Attachment.filename).where(Attachment.case_id == case.id)))
        assert all("/" not in n and "\x00" not in n and 0 < len(n) <= 200 for n in names)

    check()


@given(st.text())
def test_a_neutralised_cell_comes_back_exactly_and_never_starts_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert restore(cell) == text
    assert not cell.startswith(TRIGGERS) or NUMBER.fullmatch(cell)
