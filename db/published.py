"""What the store publishes for GIS clients (QGIS, ogr2ogr, GeoServer) on PostgreSQL: the `gis_*` views'
default styles in QGIS's `layer_styles` table and the working clock their traffic light is read from.

The views themselves are migration 0012's (docs/QGIS.md). Their styles are made from the desktop's own
styles by `gridwatch.layers.qgis_styles` (this package imports no Qt, so the caller hands them in), and
their light is `gw_light`, the SQL form of `queries.light_of`: it needs the site calendar's working time,
which lives in Python (site table, chinese_calendar, the law's estimate), so it is published here as the
piecewise-linear function `deadlines.working_clock` for a window around today.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from gridwatch.db.calendar import UnknownCalendarYear, WorkingCalendar
from gridwatch.db.deadlines import working_clock
from gridwatch.db.errors import Forbidden, InvalidInput
from gridwatch.db.models import LayerStyle, WorkingClockEdge
from gridwatch.db.store import Store

STYLE_NAME = "gridwatch"
GEOMETRY_COLUMN = "geom"
LAYERS: dict[str, str] = {
    "gis_org_units": "Polygon",
    "gis_grids": "Polygon",
    "gis_cases": "Point",
    "gis_open_cases": "Point",
    "gis_devices": "Point",
    "gis_positions": "Point",
    "gis_tracks": "Line",
}
"""The published views and their geometry type as QGIS names it in `layer_styles.type`."""
CLOCK_DAYS_BACK = 400
CLOCK_DAYS_AHEAD = 120
"""The working clock is published from about 13 months back (a case's step started then still has its
light) to 4 months ahead (beyond any step's limit); outside it `gw_light` counts wall time."""


@dataclass(frozen=True)
class Published:
    styles: int
    clock_edges: int
    clock_from: datetime | None
    clock_to: datetime | None


def publish(
    store: Store, styles: Mapping[str, str], *, now: datetime | None = None, description: str = ""
) -> Published:
    """Write each view's default style (QML by view name) and the working clock, replacing what an earlier
    run published; one transaction, so a QGIS opening a layer meanwhile sees the old or the new style."""
    if not store.is_postgres:
        raise InvalidInput("GIS layers are published by a PostgreSQL store; an SQLite store has none.")
    unknown = sorted(set(styles) - set(LAYERS))
    if unknown:
        raise InvalidInput(f"No published layer {', '.join(unknown)}; layers: {', '.join(LAYERS)}.")
    now = now or datetime.now(UTC)
    with store.session() as session:
        who = session.execute(text("SELECT gw_is_owner() OR gw_has('admin')")).scalar_one()
        if not who:
            raise Forbidden("Publishing the GIS layers' styles needs the role admin (or the store's owner).")
        catalog, schema = session.execute(text("SELECT current_database(), current_schema()")).one()
        session.execute(
            delete(LayerStyle).where(
                LayerStyle.f_table_schema == schema,
                LayerStyle.f_table_name.in_(list(styles)),
                LayerStyle.stylename == STYLE_NAME,
            )
        )
        for view, qml in styles.items():
            session.execute(
                text(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,"
                    " f_geometry_column, stylename, styleqml, useasdefault, description, type)"
                    " VALUES (:catalog, :schema, :view, :column, :name, XMLPARSE(DOCUMENT :qml), true,"
                    " :description, :type)"
                ),
                {
                    "catalog": catalog,
                    "schema": schema,
                    "view": view,
                    "column": GEOMETRY_COLUMN,
                    "name": STYLE_NAME,
                    "qml": qml,
                    "description": description or "gridwatch: the desktop's style",
                    "type": LAYERS[view],
                },
            )
        clock = publish_clock(session, store.rules(session).calendar, now)
        moments = sorted(clock)
        return Published(
            len(styles), len(clock), moments[0] if moments else None, moments[-1] if moments else None
        )


def publish_clock(session: Session, calendar: WorkingCalendar, now: datetime) -> dict[datetime, float]:
    """Replace the published working clock with `calendar`'s around `now` (PostgreSQL; in the caller's
    transaction): `gis publish` and every change of the working calendar (`calendar_admin.enter`) call it,
    so the published light moves with the calendar the desks use."""
    lo = (now - timedelta(days=CLOCK_DAYS_BACK)).timestamp()
    hi = (now + timedelta(days=CLOCK_DAYS_AHEAD)).timestamp()
    with warnings.catch_warnings():  # years nobody entered yet: estimated, as `gridwatch calendar check` says
        warnings.simplefilter("ignore", UnknownCalendarYear)
        edges, worked = working_clock(calendar, lo, hi)
    # a period's end and the next start can coincide (back-to-back periods): one edge, the same total
    clock = {datetime.fromtimestamp(float(e), UTC): float(w) for e, w in zip(edges, worked, strict=True)}
    session.execute(delete(WorkingClockEdge))
    if clock:
        session.execute(insert(WorkingClockEdge), [{"edge": e, "worked": w} for e, w in clock.items()])
    return clock


def published_styles(store: Store) -> dict[str, str]:
    """The default style of each published view in this store's schema (view name → QML)."""
    with store.session() as session:
        schema = session.execute(text("SELECT current_schema()")).scalar_one()
        rows = session.execute(
            select(LayerStyle.f_table_name, LayerStyle.styleqml).where(
                LayerStyle.f_table_schema == schema, LayerStyle.stylename == STYLE_NAME
            )
        )
        return {str(name): str(qml) for name, qml in rows}
