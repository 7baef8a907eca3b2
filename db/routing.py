"""Where a case belongs: its unit grid (and street) by its point, and the department the rules suggest.

PostGIS answers point-in-grid where it is there; otherwise an in-memory `GridIndex` over the grid polygons,
rebuilt when the org tree changes. A point outside every grid is kept and flagged: it lands in the
center's own queue (no suggested department) and is never dropped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, aliased

from gridwatch.db.grid_index import GridIndex
from gridwatch.db.models import OrgUnit, RoutingRule


@dataclass(frozen=True)
class Place:
    grid_id: int | None
    grid_code: str | None
    street_id: int | None

    @property
    def outside(self) -> bool:
        return self.grid_id is None


OUTSIDE = Place(None, None, None)


class GridLocator:
    """Point → grid for one store; the shapely index is cached until the org tree's version changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[object, ...] | None = None
        self._index: GridIndex | None = None
        self._places: list[Place] = []

    def locate(self, session: Session, lon: float, lat: float) -> Place:
        if session.get_bind().dialect.name == "postgresql":
            return self._locate_postgis(session, lon, lat)
        return self.locate_many(session, np.array([lon]), np.array([lat]))[0]

    def locate_many(self, session: Session, lon: np.ndarray, lat: np.ndarray) -> list[Place]:
        index, places = self._current(session)
        found = index.locate(lon, lat) if index is not None else np.full(len(lon), -1, dtype=np.int32)
        return [places[i] if i >= 0 else OUTSIDE for i in found.tolist()]

    def _current(self, session: Session) -> tuple[GridIndex | None, list[Place]]:
        stamp = tuple(
            session.execute(
                select(func.count(OrgUnit.id), func.max(OrgUnit.updated_at)).where(OrgUnit.level == "grid")
            ).one()
        )
        with self._lock:
            if stamp != self._stamp:
                community, street = aliased(OrgUnit), aliased(OrgUnit)
                rows = session.execute(
                    select(OrgUnit.id, OrgUnit.code, OrgUnit.geom, street.id)
                    .outerjoin(community, community.id == OrgUnit.parent_id)
                    .outerjoin(street, street.id == community.parent_id)
                    .where(OrgUnit.level == "grid", OrgUnit.geom.is_not(None))
                    .order_by(OrgUnit.id)
                ).all()
                self._index = GridIndex([r[2] for r in rows]) if rows else None
                self._places = [Place(r[0], r[1], r[3]) for r in rows]
                self._stamp = stamp
            return self._index, self._places

    @staticmethod
    def _locate_postgis(session: Session, lon: float, lat: float) -> Place:
        # a report on PostgreSQL asks the same inside its INSERT (db/store.py `_case_insert`): change both
        row = session.execute(
            text(
                "SELECT g.id, g.code, s.id FROM org_units g "
                "LEFT JOIN org_units c ON c.id = g.parent_id LEFT JOIN org_units s ON s.id = c.parent_id "
                "WHERE g.level = 'grid' AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)) "
                "ORDER BY g.id LIMIT 1"
            ),
            {"lon": lon, "lat": lat},
        ).first()
        return Place(row[0], row[1], row[2]) if row else OUTSIDE


def suggest_department(session: Session, place: Place, category_code: str) -> int | None:
    """The first rule, in order, whose area contains the grid and whose category prefixes the case's.

    A case outside every grid gets none: it waits in the center's own queue for a person to route it.
    On PostgreSQL a report asks the same inside its INSERT (db/store.py `_case_insert`): change both.
    """
    if place.outside:
        return None
    for rule in session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)):
        if rule.area_code and not (place.grid_code or "").startswith(rule.area_code):
            continue
        if rule.category_code and not category_code.startswith(rule.category_code):
            continue
        return rule.department_id
    return None
