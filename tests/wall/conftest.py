"""Wall fixtures: cameras in the store (demo streams, generated into the user's cache once), a second
workstation's store handle, and a wall controller on the offscreen platform's screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from gridwatch.db.models import Device
from gridwatch.db.store import Store
from tests.conftest import pg_engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LON, LAT = 118.089, 24.479
CAMERAS = [f"CAM{n:04d}" for n in range(1, 9)]
BROKEN = "CAM0099"


def add_cameras(store: Store) -> dict[str, int]:
    """Eight demo cameras 10 m apart along a street, and one whose stream is a missing file."""
    now = datetime.now(UTC)
    ids = {}
    with store.session() as session:
        for n, code in enumerate([*CAMERAS, BROKEN]):
            device = Device(
                code=code,
                kind="camera",
                name=f"测试路{n + 1}号监控",
                lon=LON + n * 0.0001,
                lat=LAT,
                stream_url="/nonexistent/gridwatch/broken.mp4" if code == BROKEN else f"demo://camera/{code}",
                updated_at=now,
            )
            session.add(device)
            session.flush()
            ids[code] = device.id
    return ids


@pytest.fixture
def cameras(store: Store, staff: dict[str, str]) -> dict[str, int]:
    return add_cameras(store)


@pytest.fixture
def other_store(store: Store, request: pytest.FixtureRequest) -> Iterator[Store]:
    """Another workstation: its own engine on the same store."""
    if store.is_postgres:
        other = Store(engine=pg_engine(request.getfixturevalue("pg_schema")))
    else:
        other = Store(store.url)
    yield other
    other.dispose()


@pytest.fixture
def make_wall(qtbot: QtBot, store: Store, cameras: dict[str, int]) -> Iterator:  # type: ignore[type-arg]
    from gridwatch.wall.controller import WallController

    made: list[WallController] = []

    def make(live: bool = False) -> WallController:
        controller = WallController(store, "main", "dispatcher")
        for window in controller.windows:
            qtbot.addWidget(window)
        controller.start(live=live)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.stop()
