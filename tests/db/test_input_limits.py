"""Bad input never costs data (issue 10): field limits, dates, attachments and merges through the store
API, on both backends. The import side is in test_import_hostile.py."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from gridwatch.db.errors import InvalidInput
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Attachment, Case, Setting
from gridwatch.db.store import NewAttachment, Store, utcnow
from gridwatch.db.validation import MAX_TEXT, safe_filename
from tests.conftest import local

LON, LAT = 118.09, 24.47
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def report(store: Store, **kw: object) -> Case:
    args: dict[str, object] = {
        "actor": "worker",
        "source": "grid_worker",
        "category_code": "06010",
        "lon": LON,
        "lat": LAT,
        "description": "暴露垃圾",
    }
    args.update(kw)
    return store.report(**args)  # type: ignore[arg-type]


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_simultaneous_repeats_of_one_alarm_open_exactly_one_case(store: Store, staff: dict[str, str]) -> None:
    """Item 5: 12 reports with one merge_key at the same moment make one case and 11 merges."""
    for round_ in range(3):
        start = threading.Barrier(12)
        key = f"cam-117/09006/zone-{round_}"

        def alarm(_: int, key: str = key, start: threading.Barrier = start) -> str:
            start.wait()
            return report(store, source="video", merge_key=key).case_no

        with ThreadPoolExecutor(12) as pool:
            numbers = list(pool.map(alarm, range(12)))
        assert len(set(numbers)) == 1, f"round {round_}: {len(set(numbers))} cases"
        with store.session() as s:
            case = store.case(s, numbers[0])
            assert case.merged_count == 11
            actions = sorted(e.action for e in store.events(s, numbers[0]))
            assert actions == ["merge"] * 11 + ["report"]
    assert count(store, Case) == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("urgency", "AB", "urgency 'AB' is not A"),
        ("urgency", "Z", "urgency 'Z' is not A"),
        ("description", "垃圾\x00满溢", r"description contains a NUL byte"),
        ("description", "x" * (MAX_TEXT + 1), "description is 20,001 characters long; the limit is 20,000"),
        ("address", "路" * 500, "address is 500 characters long; the limit is 200"),
        ("merge_key", "k" * 121, "merge_key is 121 characters long; the limit is 120"),
        ("category_code", "06010\x00", "category_code contains a NUL byte"),
        ("source", "drone", "Unknown source 'drone'. Valid: grid_worker"),
    ],
)
def test_report_refuses_values_beyond_the_limits_on_both_backends(
    store: Store, staff: dict[str, str], field: str, value: str, message: str
) -> None:
    """Items 6 and 7: one message per field, the same on SQLite and PostgreSQL, and nothing stored."""
    with pytest.raises(InvalidInput, match=message):
        report(store, **{field: value})
    assert count(store, Case) == 0
    limit = report(store, description="x" * MAX_TEXT, address="路" * 200)  # exactly at the limits lands
    with store.session() as s:
        stored = s.get(Case, limit.id)
        assert stored is not None
        assert (len(stored.description), len(stored.address or "")) == (MAX_TEXT, 200)


def test_report_dates_outside_the_window_are_refused(store: Store, staff: dict[str, str]) -> None:
    """Item 4: from 2000-01-01 to one day ahead of now by default; the `date_window` setting moves it."""
    for when, shown in (
        (local(1999, 12, 31, 23, 59), "1999-12-31"),
        (utcnow() + timedelta(days=2), None),
    ):
        with pytest.raises(InvalidInput, match="outside the accepted dates 2000-01-01 to"):
            report(store, reported_at=when)
        if shown:
            with pytest.raises(InvalidInput, match=f"reported_at {shown} is outside"):
                report(store, reported_at=when)
    assert count(store, Case) == 0
    assert report(store, reported_at=local(2000, 1, 1, 0, 0)).state == "reported"
    with store.session() as s:  # settings outlive a test on PostgreSQL (reference data): removed below
        s.add(Setting(key="date_window", value={"earliest": "2020-01-01", "ahead_days": 0}))
    try:
        with pytest.raises(InvalidInput, match="outside the accepted dates 2020-01-01 to"):
            report(store, reported_at=local(2019, 6, 1))
    finally:
        with store.session() as s:
            s.execute(delete(Setting).where(Setting.key == "date_window"))
    assert count(store, Case) == 1


def test_attachments_are_sniffed_and_stored_under_a_safe_name(store: Store, staff: dict[str, str]) -> None:
    """Item 8: the type comes from the bytes, the name loses its folders, the limit reads 20 MB."""
    no = report(store).case_no
    with pytest.raises(InvalidInput, match=r"'photo.jpg' is not a photo, video, recording, PDF or text file"):
        store.attach(
            no, NewAttachment("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100, mime="image/jpeg"), actor="worker"
        )
    with pytest.raises(InvalidInput, match=r"^'big.jpg' is 21.0 MB; attachments are limited to 20 MB\. "):
        store.attach(no, NewAttachment("big.jpg", JPEG + b"\x00" * (21 * 2**20 - len(JPEG))), actor="worker")
    with pytest.raises(InvalidInput, match="Unknown attachment kind 'beforeandafter'"):
        store.attach(no, NewAttachment("a.png", PNG, kind="beforeandafter"), actor="worker")
    assert count(store, Attachment) == 0

    stored = store.attach(
        no, NewAttachment("../../../../etc/cron.d/x", b"* * * * * root sh\n"), actor="worker"
    )
    assert (stored.filename, stored.mime) == ("x.txt", "text/plain")
    png = store.attach(no, NewAttachment("C:\\Users\\a\\照片.jpg", PNG, mime="image/jpeg"), actor="worker")
    assert (png.filename, png.mime) == ("照片.jpg.png", "image/png")  # the bytes say PNG
    long = store.attach(no, NewAttachment("长" * 300 + ".jpg", JPEG), actor="worker")
    assert (long.filename, len(long.filename)) == ("长" * 196 + ".jpg", 200)


def test_safe_filenames() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename(".bashrc") == "bashrc"
    assert safe_filename("a\x00b\nc<d>.jpg") == "abc_d_.jpg"
    assert safe_filename("CON.txt") == "_CON.txt"
    assert safe_filename("...") == "attachment"


def test_workflow_steps_check_their_text_and_time_too(store: Store, staff: dict[str, str]) -> None:
    """Notes and reasons have the description's limit; a code with a NUL byte or a year-1 time is an
    error message on both backends (PostgreSQL would refuse them mid-transaction with a traceback)."""
    no = report(store).case_no
    for inp, message in (
        (ActionInput(reason="r" * (MAX_TEXT + 1)), "reason is 20,001 characters long; the limit is 20,000."),
        (ActionInput(note="\x00"), r"note contains a NUL byte"),
        (ActionInput(category_code="06010\x00"), "category_code contains a NUL byte"),
        (ActionInput(at=datetime(1, 1, 2, tzinfo=UTC)), "at 0001-01-02 is outside the accepted dates"),
    ):
        with pytest.raises(InvalidInput, match=message):
            store.act(no, "register", actor="leader", inp=inp)
    store.act(no, "register", actor="leader", inp=ActionInput(note="n" * MAX_TEXT))
    with pytest.raises(InvalidInput, match="department contains a NUL byte"):
        store.act(no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ\x00"))
    with pytest.raises(InvalidInput, match="center contains a NUL byte"):
        store.act(no, "dispatch_down", actor="dispatcher", inp=ActionInput(center="350203\x00"))
    with store.session() as s:
        assert (store.case(s, no).state, store.case(s, no).version) == ("registered", 2)
