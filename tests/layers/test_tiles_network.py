"""XYZ tiles from a local HTTP server that misbehaves on demand: the store never blocks its caller,
shows failures, retries them and recovers, and the disk cache keeps the map up with the server gone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gridwatch.layers.tiles.sources import TileError, XYZSource
from gridwatch.layers.tiles.store import TileStore

HANG_S = 3.0
MakeStore = Callable[..., TileStore]


def png(color: str = "seagreen") -> bytes:
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes str here
    return bytes(data.data())


@dataclass
class TileServer:
    """mode: ok | 500 | hang | garbage | 404; `hits` counts requests per path."""

    mode: str = "ok"
    hits: dict[str, int] = field(default_factory=dict)
    agents: set[str] = field(default_factory=set)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def template(self) -> str:
        return f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"


@pytest.fixture
def server() -> Iterator[TileServer]:
    state = TileServer()
    tile = png()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits[self.path] = state.hits.get(self.path, 0) + 1
            state.agents.add(self.headers.get("User-Agent", ""))
            mode = state.mode
            if mode == "hang":
                state.release.wait(HANG_S)
                mode = state.mode
            status, body = {"ok": (200, tile), "500": (500, b"oops"), "404": (404, b""),
                            "garbage": (200, b"<html>not a tile</html>")}.get(mode, (500, b""))
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client timed out and left
                pass

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def make_store(qtbot: QtBot) -> Iterator[MakeStore]:
    stores: list[TileStore] = []

    def make(source: XYZSource, cache_dir: Path | None = None, **kw: Any) -> TileStore:
        store = TileStore(source, cache_dir, retry_after_s=0.2, max_retry_s=0.4, **kw)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def test_xyz_source_statuses(server: TileServer) -> None:
    source = XYZSource(server.template(), timeout_s=0.3)
    assert source.get(1, 0, 1) == png()
    assert any(a.startswith("gridwatch/") for a in server.agents)
    for mode, outcome in [("404", None), ("500", TileError), ("garbage", b"<html>not a tile</html>"),
                          ("hang", TileError)]:
        server.mode = mode
        if outcome is TileError:
            with pytest.raises(TileError):
                source.get(1, 0, 1)
        else:
            assert source.get(1, 0, 1) == outcome
    server.mode = "ok"
    source.close()
    with pytest.raises(TileError):  # nothing listening
        XYZSource("http://127.0.0.1:9/{z}/{x}/{y}.png", timeout_s=0.3).get(0, 0, 0)


def test_tiles_load_in_the_background_and_are_cached(qtbot: QtBot, server: TileServer, tmp_path: Path,
                                                     make_store: MakeStore) -> None:
    store = make_store(XYZSource(server.template()), tmp_path / "cache")
    with qtbot.waitSignal(store.tile_ready, timeout=5000) as ready:
        for _ in range(10):  # repeated asks while in flight: one request
            assert store.image(3, 4, 5) is None
    assert ready.args == [3, 4, 5]
    image = store.image(3, 4, 5)
    assert image is not None and image.width() == 256 and image.pixelColor(9, 9) == QColor("seagreen")
    assert store.state(3, 4, 5) == "ready"
    assert server.hits == {"/3/4/5.png": 1}
    assert (tmp_path / "cache" / "3" / "4" / "5.tile").read_bytes() == png()


def test_a_hanging_server_never_blocks_the_caller(qtbot: QtBot, server: TileServer,
                                                  make_store: MakeStore) -> None:
    server.mode = "hang"
    store = make_store(XYZSource(server.template(), timeout_s=0.5))
    keys = [(12, x, y) for x in range(3400, 3408) for y in range(1550, 1556)]
    slowest = 0.0
    deadline = time.monotonic() + 1.5  # past the timeout: the first requests fail meanwhile
    while time.monotonic() < deadline:
        for key in keys:
            start = time.perf_counter()
            store.image(*key)
            store.state(*key)
            slowest = max(slowest, time.perf_counter() - start)
        qtbot.wait(20)
    # A blocked call would take the 500 ms network timeout; 100 ms leaves room for a loaded CI machine,
    # where a GIL switch or a page fault can stretch any single call past a few milliseconds.
    assert slowest < 0.1, f"image()/state() took {slowest * 1000:.1f} ms"
    states = {store.state(*k) for k in keys}
    assert "failed" in states and "ready" not in states
    server.mode = "ok"
    server.release.set()
    qtbot.waitUntil(lambda: all(store.state(*k) == "ready" for k in keys), timeout=10_000)


@pytest.mark.parametrize("mode", ["500", "garbage"])
def test_failed_tiles_retry_and_recover(qtbot: QtBot, server: TileServer, tmp_path: Path, mode: str,
                                        make_store: MakeStore) -> None:
    server.mode = mode
    store = make_store(XYZSource(server.template()), tmp_path / "cache")
    with qtbot.waitSignal(store.tile_failed, timeout=5000):
        store.image(5, 1, 2)
    assert store.state(5, 1, 2) == "failed" and store.image(5, 1, 2) is None
    qtbot.waitUntil(lambda: server.hits.get("/5/1/2.png", 0) >= 2, timeout=3000)  # retried by the timer
    assert not (tmp_path / "cache" / "5").exists()  # garbage and errors never reach the disk
    server.mode = "ok"
    qtbot.waitUntil(lambda: store.state(5, 1, 2) == "ready", timeout=5000)
    assert (tmp_path / "cache" / "5" / "1" / "2.tile").exists()


def test_missing_tiles_are_empty_not_failed(qtbot: QtBot, server: TileServer, make_store: MakeStore) -> None:
    server.mode = "404"
    store = make_store(XYZSource(server.template(), max_zoom=10))
    with qtbot.waitSignal(store.tile_ready, timeout=5000):
        store.image(4, 0, 0)
    assert store.state(4, 0, 0) == "empty" and store.image(4, 0, 0) is None
    assert store.image(11, 0, 0) is None and store.state(11, 0, 0) == "empty"  # beyond max_zoom
    assert "/11/0/0.png" not in server.hits


def test_disk_cache_serves_with_the_server_gone(qtbot: QtBot, server: TileServer, tmp_path: Path,
                                                make_store: MakeStore) -> None:
    online = make_store(XYZSource(server.template()), tmp_path / "cache")
    for x in range(3):
        online.image(2, x, 1)
    qtbot.waitUntil(lambda: all(online.state(2, x, 1) == "ready" for x in range(3)), timeout=5000)
    offline = make_store(XYZSource("http://127.0.0.1:9/{z}/{x}/{y}.png", timeout_s=0.3),
                         tmp_path / "cache")
    for x in range(4):
        offline.image(2, x, 1)
    qtbot.waitUntil(lambda: offline.state(2, 3, 1) == "failed", timeout=5000)
    assert [offline.state(2, x, 1) for x in range(3)] == ["ready"] * 3


def test_corrupt_cache_files_are_refetched(qtbot: QtBot, server: TileServer, tmp_path: Path,
                                           make_store: MakeStore) -> None:
    path = tmp_path / "cache" / "6" / "7" / "8.tile"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x89PNG truncated")
    store = make_store(XYZSource(server.template()), tmp_path / "cache")
    with qtbot.waitSignal(store.tile_ready, timeout=5000):
        store.image(6, 7, 8)
    assert store.state(6, 7, 8) == "ready" and path.read_bytes() == png()


def test_tiles_that_left_the_view_are_not_fetched(qtbot: QtBot, server: TileServer,
                                                  make_store: MakeStore) -> None:
    server.mode = "hang"
    store = make_store(XYZSource(server.template()), workers=1)
    keys = [(9, x, 0) for x in range(20)]
    for key in keys:
        store.image(*key)
    qtbot.waitUntil(lambda: sum(server.hits.values()) == 1, timeout=3000)  # the newest is in flight
    store.retain(keys[:2])
    assert [store.state(*k) for k in keys[2:-1]] == ["unknown"] * 17  # dropped from the queue
    server.mode = "ok"
    server.release.set()
    qtbot.waitUntil(lambda: store.state(9, 0, 0) == "ready" and store.state(9, 1, 0) == "ready", timeout=5000)
    assert set(server.hits) == {"/9/19/0.png", "/9/0/0.png", "/9/1/0.png"}
