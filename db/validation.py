"""One set of input limits for every way data enters the store: `Store.report`, the importers and the CLI.

The database would enforce some of these itself, but differently on each backend (PostgreSQL refuses a
301-character `String(100)` or a NUL byte mid-transaction with a traceback; SQLite stores both), so the
limits are checked here first, with one message per field, and a bad value costs one row, never a file.
The numbers are documented in docs/IMPORT.md ("Limits").
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import String, Text
from sqlalchemy.orm import Session

from gridwatch.db.errors import InvalidInput
from gridwatch.db.models import Base, Case, Category, Department, Person, Setting
from gridwatch.db.seeds import SOURCES

MAX_TEXT = 20_000
"""Characters of a description, a note or any free-text cell: about 25 printed pages. `case show` and the
desktop render every character of it, and the report event keeps a copy."""

URGENCIES = ("A", "B", "C")

DATE_WINDOW_SETTING = "date_window"
"""Settings key: `{"earliest": "2000-01-01", "ahead_days": 1}` (both optional)."""
DEFAULT_EARLIEST = date(2000, 1, 1)
DEFAULT_AHEAD = timedelta(days=1)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
"""A phone photo or a short clip; larger files belong in a document system, not in the case store."""
ATTACHMENT_KINDS = ("before", "after", "snapshot", "audio", "document")
MAX_FILENAME = 200


def check_text(label: str, value: str | None, limit: int = MAX_TEXT) -> None:
    """A text value fits its column and holds no NUL byte (PostgreSQL cannot store one in text)."""
    if value is None:
        return
    if "\x00" in value:
        raise InvalidInput(f"{label} contains a NUL byte (\\x00), which no text field may hold.")
    if len(value) > limit:
        raise InvalidInput(f"{label} is {len(value):,} characters long; the limit is {limit:,}.")


def column_limit(model: type[Base], name: str) -> int | None:
    """The length limit of a model's text column: its String length, MAX_TEXT for Text; None otherwise."""
    column = model.__table__.columns.get(name)
    if column is None:
        return None
    if isinstance(column.type, String) and column.type.length:
        return int(column.type.length)
    return MAX_TEXT if isinstance(column.type, Text | String) else None


def check_values(model: type[Base], values: Mapping[str, Any]) -> None:
    """Every text value against its column's limit, and the text inside JSON values (attrs) too."""
    for name, value in values.items():
        if isinstance(value, str):
            check_text(name, value, column_limit(model, name) or MAX_TEXT)
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                check_text(f"{name} key", str(key), MAX_TEXT)
                if isinstance(inner, str):
                    check_text(f"{name} '{key}'", inner)


def check_choice(label: str, values: Iterable[str], allowed: Iterable[str]) -> None:
    """Each value is one of `allowed`: a misspelled state must not silently match nothing."""
    choices = tuple(allowed)
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise InvalidInput(f"Unknown {label} '{unknown[0]}'. Valid: {', '.join(choices)}.")


def check_urgency(value: str | None) -> None:
    if value is not None and value not in URGENCIES:
        shown = value.replace("\x00", "\\x00")[:20]
        raise InvalidInput(f"urgency '{shown}' is not A (紧急), B (重要) or C (普通).")


def check_report(
    *,
    actor: str,
    source: str,
    category_code: str,
    description: str,
    urgency: str | None,
    address: str | None,
    merge_key: str | None,
) -> None:
    """What `Store.report` is given, before any query (a NUL byte cannot even be sent to PostgreSQL)."""
    check_choice("source", [source], SOURCES)
    check_text("actor", actor, column_limit(Person, "username") or 0)
    check_text("category_code", category_code, column_limit(Category, "code") or 0)
    check_urgency(urgency)
    check_values(Case, {"description": description, "address": address, "merge_key": merge_key})


def check_action(
    *, reason: str | None, note: str | None, department: str | None, category_code: str | None
) -> None:
    """What a workflow step is given (`ActionInput`), before any query uses it."""
    check_text("reason", reason)
    check_text("note", note)
    check_text("department", department, column_limit(Department, "code") or 0)
    check_text("category_code", category_code, column_limit(Category, "code") or 0)


# --- places -------------------------------------------------------------------------------------------

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


def check_point(lon: float | None, lat: float | None) -> None:
    """Coordinates must be numbers inside China's extent: a swapped lon/lat is the usual mistake."""
    if lon is None or lat is None:
        return
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput(f"Coordinates must be numbers, got lon={lon}, lat={lat}.")
    if not (CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]):
        hint = " (latitude and longitude swapped?)" if CHINA_LON[0] <= lat <= CHINA_LON[1] else ""
        raise InvalidInput(f"Coordinates lon={lon}, lat={lat} are outside China's extent{hint}.")


def check_area(geom: BaseGeometry) -> None:
    """An org unit's polygon: finite lon/lat inside China's extent, as for points. One polygon at 1e300
    would otherwise stretch the grid index and the map's extent over the whole number line."""
    coords = shapely.get_coordinates(geom)
    if not len(coords):
        return
    if not bool(np.isfinite(coords).all()):
        raise InvalidInput("the geometry has coordinates that are not numbers (NaN or infinite).")
    (minx, miny), (maxx, maxy) = coords.min(axis=0), coords.max(axis=0)
    box = f"lon {minx:.6g}–{maxx:.6g}, lat {miny:.6g}–{maxy:.6g}"
    if not (CHINA_LON[0] <= minx and maxx <= CHINA_LON[1] and CHINA_LAT[0] <= miny and maxy <= CHINA_LAT[1]):
        swapped = (
            CHINA_LON[0] <= miny and maxy <= CHINA_LON[1] and CHINA_LAT[0] <= minx and maxx <= CHINA_LAT[1]
        )
        hint = " (latitude and longitude swapped?)" if swapped else ""
        raise InvalidInput(f"the geometry ({box}) lies outside China's extent{hint}.")


# --- dates --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateWindow:
    """The dates a report or an imported time may carry: from `earliest` to a day ahead of now.

    A year 1 or 9999 is a typing error, and one that breaks deadline arithmetic and the PostgreSQL
    timestamp range, so it is refused on its row instead of stored.
    """

    earliest: datetime
    latest: datetime

    @classmethod
    def default(cls, now: datetime, tz: str = "Asia/Shanghai") -> DateWindow:
        return cls.of(DEFAULT_EARLIEST, DEFAULT_AHEAD, now, tz)

    @classmethod
    def of(cls, earliest: date, ahead: timedelta, now: datetime, tz: str) -> DateWindow:
        start = datetime(earliest.year, earliest.month, earliest.day, tzinfo=ZoneInfo(tz))
        return cls(start, now + ahead)

    @classmethod
    def load(cls, session: Session, now: datetime) -> DateWindow:
        """The site's window (the `date_window` setting), the default where it says nothing."""
        setting = session.get(Setting, DATE_WINDOW_SETTING)
        hours = session.get(Setting, "work_hours")
        tz = str((hours.value if hours else {}).get("tz", "Asia/Shanghai"))
        value = setting.value if setting else {}
        earliest = date.fromisoformat(str(value.get("earliest", DEFAULT_EARLIEST.isoformat())))
        ahead = timedelta(days=float(value.get("ahead_days", DEFAULT_AHEAD.days)))
        return cls.of(earliest, ahead, now, tz)

    def check(self, label: str, moment: datetime | None) -> None:
        """Comparisons only: converting a year-1 time to UTC would itself overflow."""
        if moment is None:
            return
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if not self.earliest <= moment <= self.latest:
            raise InvalidInput(
                f"{label} {moment.date().isoformat()} is outside the accepted dates "
                f"{self.earliest.date().isoformat()} to {self.latest.date().isoformat()} "
                "(the date_window setting)."
            )


# --- attachments ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes], bool]


def _ftyp(brands: tuple[bytes, ...] | None) -> Callable[[bytes], bool]:
    """ISO base media files (MP4, MOV, HEIC, M4A): 'ftyp' at offset 4, then the major brand."""
    return lambda head: head[4:8] == b"ftyp" and (brands is None or head[8:12] in brands)


def _is_text(head: bytes) -> bool:
    """UTF-8 or GB18030 text without control characters other than tab and line ends. The head is cut at
    SNIFF_BYTES, maybe inside a character: a character left incomplete at its end is not an error."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)
    return False


ALLOWED_TYPES = (
    FileType("image/jpeg", (".jpg", ".jpeg"), lambda h: h.startswith(b"\xff\xd8")),
    FileType("image/png", (".png",), lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    FileType("image/gif", (".gif",), lambda h: h.startswith((b"GIF87a", b"GIF89a"))),
    FileType("image/webp", (".webp",), lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    FileType("image/heic", (".heic", ".heif"), _ftyp((b"heic", b"heix", b"mif1", b"msf1"))),
    FileType("audio/mp4", (".m4a",), _ftyp((b"M4A ",))),
    FileType("video/mp4", (".mp4", ".m4v", ".mov", ".3gp"), _ftyp(None)),
    FileType("audio/wav", (".wav",), lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE"),
    FileType("audio/amr", (".amr",), lambda h: h.startswith(b"#!AMR")),
    FileType("audio/mpeg", (".mp3",), lambda h: h.startswith(b"ID3") or h[:2] in (b"\xff\xfb", b"\xff\xf3")),
    FileType("application/pdf", (".pdf",), lambda h: h.startswith(b"%PDF-")),
    FileType("text/plain", (".txt",), _is_text),
)
"""What a case may carry, judged from the bytes (the name and the sender's MIME type are not trusted)."""
SNIFF_BYTES = 4096
_UNSAFE = re.compile(r'[<>:"|?*\\/]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def sniff(data: bytes, filename: str) -> FileType:
    """The file's type from its first bytes; anything not in ALLOWED_TYPES is refused."""
    head = data[:SNIFF_BYTES]
    for kind in ALLOWED_TYPES:
        if kind.matches(head):
            return kind
    names = ", ".join(sorted({e.lstrip(".") for t in ALLOWED_TYPES for e in t.extensions}))
    raise InvalidInput(
        f"'{safe_filename(filename)}' is not a photo, video, recording, PDF or text file "
        f"(judged from its content). Allowed: {names}."
    )


def safe_filename(name: str, kind: FileType | None = None) -> str:
    """A name to store and later save under: no folders, no control or reserved characters, no leading
    dot, at most 200 characters, ending in an extension of its real type (`x.html` of text → `x.html.txt`)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(c for c in base if c.isprintable())
    base = _UNSAFE.sub("_", base).strip(" .") or "attachment"
    if base.split(".")[0].upper() in _RESERVED:
        base = f"_{base}"
    suffix = ""
    if kind is not None and PurePosixPath(base).suffix.lower() not in kind.extensions:
        suffix = kind.extensions[0]
    elif "." in base:
        suffix = base[base.rindex(".") :]
        base = base[: base.rindex(".")]
    return base[: MAX_FILENAME - len(suffix[:20])] + suffix[:20]


def check_attachment(filename: str, kind: str, data: bytes) -> tuple[str, str]:
    """Validate an attachment; return the name to store and the MIME type its bytes show."""
    check_choice("attachment kind", [kind], ATTACHMENT_KINDS)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            f"'{safe_filename(filename)}' is {len(data) / 2**20:.1f} MB; attachments are limited to "
            f"{MAX_ATTACHMENT_BYTES // 2**20} MB. Send a smaller photo."
        )
    found = sniff(data, filename)
    return safe_filename(filename, found), found.mime
