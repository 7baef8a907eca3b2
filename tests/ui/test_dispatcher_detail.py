"""The case detail: photos, possible duplicates (same class, ~50 m, 7 days) and the nearest devices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gridwatch.db.models import Device
from gridwatch.db.reads.nearby import M_PER_DEG_LAT, haversine_m
from gridwatch.db.store import NewAttachment, Store
from gridwatch.ui.application import make_application
from gridwatch.ui.case_detail import CaseDetail, PhotoViewer

LON, LAT = 118.09, 24.47
M_PER_DEG_LON = M_PER_DEG_LAT * 0.9101  # cos(24.47°)


def png(colour: str) -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def at(east_m: float, north_m: float) -> tuple[float, float]:
    return LON + east_m / M_PER_DEG_LON, LAT + north_m / M_PER_DEG_LAT


def test_haversine_is_metres() -> None:
    lon, lat = at(30, 40)
    assert abs(haversine_m(LON, LAT, lon, lat) - 50.0) < 0.5


def test_detail_shows_photos_duplicates_and_devices(
    store: Store, staff: dict[str, str], qtbot: QtBot
) -> None:
    make_application("en")
    now = datetime.now(UTC)
    case = store.report(
        actor="acceptor",
        source="citizen",
        category_code="06010",
        lon=LON,
        lat=LAT,
        attachments=[NewAttachment("before.png", png("#c04040"), "before", "image/png")],
    )
    store.attach(case.case_no, NewAttachment("notes.txt", b"x", "document", "text/plain"), actor="acceptor")

    def other(category: str, east: float, days: float = 0) -> str:
        lon, lat = at(east, 0)
        return store.report(
            actor="acceptor",
            source="citizen",
            category_code=category,
            lon=lon,
            lat=lat,
            reported_at=now - timedelta(days=days),
        ).case_no

    near_same_class = other("06042", 30)  # 垃圾满溢, same class 06, 30 m
    other("06010", 80)  # too far
    other("09006", 10)  # another class
    other("06010", 20, days=9)  # too old
    with store.session() as session:
        for code, kind, east in (
            ("CAM1", "camera", 40),
            ("CAM2", "camera", 400),
            ("SPK1", "loudspeaker", 60),
        ):
            lon, lat = at(east, 0)
            session.add(Device(code=code, kind=kind, name=code, lon=lon, lat=lat, updated_at=now))
        session.add(Device(code="SMK1", kind="sensor", name="SMK1", lon=LON, lat=LAT, updated_at=now))

    detail = CaseDetail(store)
    qtbot.addWidget(detail)
    detail.show_case(case.id)
    assert detail.photos.count() == 1  # the photo, not the document
    assert detail.photos.item(0).text() == "before: before.png"
    viewer = PhotoViewer(detail.photos.item(0).data(Qt.ItemDataRole.UserRole + 1), "before")
    qtbot.addWidget(viewer)
    viewer.view.scale(2, 2)
    assert viewer.view.transform().m11() == 2
    assert detail.duplicates.rowCount() == 1
    assert detail.duplicates.item(0, 1).text() == near_same_class
    assert detail.duplicates.item(0, 0).text() == "30 m"
    assert detail.tabs.tabText(2) == "Possible duplicates (1)"
    devices = [detail.devices.item(r, 2).text() for r in range(detail.devices.rowCount())]
    assert devices == ["CAM1 (CAM1)", "SPK1 (SPK1)", "CAM2 (CAM2)"]  # nearest first; sensors not listed
    assert detail.timeline.rowCount() == 1
    assert detail.timeline.item(0, 1).text() == "Acceptor"
