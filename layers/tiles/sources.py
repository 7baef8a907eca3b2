"""Where tile bytes come from: an XYZ server over HTTP, or an offline MBTiles/PMTiles file.

A source is blocking and thread-safe; `TileStore` calls it from worker threads so the map never waits.
`get` returns None for a tile the source does not have (404, absent row) and raises `TileError` for a
failure worth retrying (timeout, 5xx, unreadable archive entry).
"""

from __future__ import annotations

import gzip
import hashlib
import mmap
import sqlite3
import threading
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

import requests
from pmtiles.reader import Reader as PMTilesReader
from pmtiles.tile import Compression, TileType

from gridwatch.layers.tiles.math import MAX_ZOOM, TILE_SIZE, Datum

Bounds = tuple[float, float, float, float]  # lon/lat: west, south, east, north

USER_AGENT = "gridwatch/0.1 (basemap tiles)"
RASTER_FORMATS = {"png", "jpg", "jpeg", "webp"}


class TileError(Exception):
    """Fetching one tile failed; the store shows a placeholder and retries later."""


class SourceError(ValueError):
    """A basemap cannot be opened at all: unknown kind, missing file, corrupt or vector archive."""


class TileSource(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def min_zoom(self) -> int: ...

    @property
    def max_zoom(self) -> int: ...

    @property
    def tile_size(self) -> int: ...

    @property
    def datum(self) -> Datum: ...

    @property
    def bounds(self) -> Bounds | None: ...

    def get(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


class XYZSource:
    """A `{z}/{x}/{y}` URL template, `{s}` picking one of `subdomains` per tile so load spreads.

    E.g. Gaode (GCJ-02): `https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}` with
    subdomains "1234" and datum="gcj02". One requests.Session per worker thread: a Session's
    connection pool is not documented as thread-safe.
    """

    def __init__(
        self,
        url_template: str,
        *,
        name: str | None = None,
        subdomains: str = "abc",
        headers: dict[str, str] | None = None,
        timeout_s: float = 10.0,
        min_zoom: int = 0,
        max_zoom: int = 19,
        datum: Datum = "wgs84",
    ) -> None:
        if not all(f"{{{k}}}" in url_template for k in "zxy"):
            raise SourceError(f"tile URL template needs {{z}}, {{x}} and {{y}}: {url_template}")
        self.url_template = url_template
        self.name = name or urlsplit(url_template).hostname or url_template
        self.subdomains = subdomains or "a"
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.timeout_s = timeout_s
        self.min_zoom, self.max_zoom = min_zoom, max_zoom
        self.tile_size = TILE_SIZE
        self.datum: Datum = datum
        self.bounds: Bounds | None = None
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    @property
    def cache_id(self) -> str:
        """A directory name unique to this template, so two servers never share cached tiles."""
        digest = hashlib.sha1(self.url_template.encode()).hexdigest()[:12]
        return f"{urlsplit(self.url_template).hostname or 'tiles'}-{digest}"

    def url(self, z: int, x: int, y: int) -> str:
        s = self.subdomains[(x + y) % len(self.subdomains)]
        return self.url_template.format(z=z, x=x, y=y, s=s)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(self.headers)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def get(self, z: int, x: int, y: int) -> bytes | None:
        try:
            response = self._session().get(self.url(z, x, y), timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise TileError(f"{self.name} {z}/{x}/{y}: {exc}") from exc
        if response.status_code in (204, 404):
            return None
        if response.status_code != 200:
            raise TileError(f"{self.name} {z}/{x}/{y}: HTTP {response.status_code}")
        return response.content or None

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()


def _check_raster(fmt: str, path: Path) -> None:
    if fmt.lower() not in RASTER_FORMATS:
        raise SourceError(f"{path}: tile format {fmt!r} is not a raster image (vector tiles are not drawn)")


class MBTilesSource:
    """An MBTiles 1.3 file: SQLite, rows in TMS order (y counted from the south)."""

    def __init__(self, path: Path | str, *, datum: Datum = "wgs84") -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceError(f"basemap file not found: {self.path}")
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            meta = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = self._db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        except sqlite3.Error as exc:
            raise SourceError(f"{self.path} is not a readable MBTiles file: {exc}") from exc
        _check_raster(str(meta.get("format", "png")), self.path)
        self.name = str(meta.get("name") or self.path.stem)
        self.min_zoom = int(meta.get("minzoom", zooms[0] if zooms[0] is not None else 0))
        self.max_zoom = int(meta.get("maxzoom", zooms[1] if zooms[1] is not None else MAX_ZOOM))
        self.tile_size = TILE_SIZE
        self.datum: Datum = datum
        self.bounds = _parse_bounds(meta.get("bounds"))

    def get(self, z: int, x: int, y: int) -> bytes | None:
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                    (z, x, (1 << z) - 1 - y),
                ).fetchone()
        except sqlite3.Error as exc:
            raise TileError(f"{self.path} {z}/{x}/{y}: {exc}") from exc
        return bytes(row[0]) if row and row[0] else None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _parse_bounds(text: object) -> Bounds | None:
    try:
        w, s, e, n = (float(v) for v in str(text).split(","))
    except ValueError:
        return None
    return (w, s, e, n)


class PMTilesSource:
    """A PMTiles v3 archive, memory-mapped and read with the `pmtiles` package's reader."""

    def __init__(self, path: Path | str, *, datum: Datum = "wgs84") -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceError(f"basemap file not found: {self.path}")
        self._file: BinaryIO = self.path.open("rb")
        try:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self._reader = PMTilesReader(self._read)
            header: dict[str, Any] = dict(self._reader.header())
            metadata = self._reader.metadata()
        except Exception as exc:  # the reader raises whatever a corrupt byte leads to
            self._file.close()
            raise SourceError(f"{self.path} is not a readable PMTiles v3 archive: {exc!r}") from exc
        tile_type: TileType = header["tile_type"]
        _check_raster("jpg" if tile_type == TileType.JPEG else tile_type.name, self.path)
        self._compression: Compression = header["tile_compression"]
        if self._compression not in (Compression.NONE, Compression.UNKNOWN, Compression.GZIP):
            raise SourceError(f"{self.path}: tile compression {self._compression.name} is not supported")
        named = metadata.get("name") if isinstance(metadata, dict) else None
        self.name = str(named or self.path.stem)
        self.min_zoom, self.max_zoom = int(header["min_zoom"]), int(header["max_zoom"])
        self.tile_size = TILE_SIZE
        self.datum: Datum = datum
        self.bounds = (
            header["min_lon_e7"] / 1e7,
            header["min_lat_e7"] / 1e7,
            header["max_lon_e7"] / 1e7,
            header["max_lat_e7"] / 1e7,
        )

    def _read(self, offset: int, length: int) -> bytes:
        return self._map[offset : offset + length]

    def get(self, z: int, x: int, y: int) -> bytes | None:
        try:
            data: bytes | None = self._reader.get(z, x, y)
            if data and self._compression == Compression.GZIP:
                data = gzip.decompress(data)
        except Exception as exc:  # corrupt directories surface as zlib/struct/index errors
            raise TileError(f"{self.path} {z}/{x}/{y}: {exc!r}") from exc
        return data or None

    def close(self) -> None:
        self._map.close()
        self._file.close()


def open_source(spec: str, *, datum: Datum = "wgs84", **options: Any) -> TileSource:
    """A source from its configured spec: an http(s) URL template, or a .mbtiles / .pmtiles path.

    `options` go to XYZSource (subdomains, headers, timeout_s, min_zoom, max_zoom, name).
    """
    if spec.startswith(("http://", "https://")):
        return XYZSource(spec, datum=datum, **options)
    path = Path(spec).expanduser()
    kinds: dict[str, type[MBTilesSource] | type[PMTilesSource]] = {
        ".mbtiles": MBTilesSource,
        ".pmtiles": PMTilesSource,
    }
    kind = kinds.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"unknown basemap {spec!r}: expected an http(s) URL template, .mbtiles or .pmtiles")
    return kind(path, datum=datum)
