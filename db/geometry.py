"""One geometry column type for both backends.

PostGIS stores a real `geometry(…, 4490)` so spatial SQL (ST_Contains, GiST) runs in the database; SQLite
stores the same shape as WKB bytes and the spatial work happens in shapely. Python code only ever sees
shapely geometries, whichever store it talks to.
"""

from __future__ import annotations

from typing import Any

import shapely
from geoalchemy2 import Geometry as PostgisGeometry
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

SRID = 4490
"""CGCS2000 geographic, the national datum; numerically interchangeable with WGS 84 at map precision."""


class Geom(TypeDecorator[BaseGeometry]):
    """A shapely geometry stored as PostGIS geometry or as WKB bytes."""

    impl = LargeBinary
    cache_ok = True
    spatial_index = False  # GeoAlchemy2's DDL hooks ask; the migration creates the GiST index itself

    def __init__(self, geometry_type: str = "GEOMETRY") -> None:
        super().__init__()
        self.geometry_type = geometry_type

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect is not None and dialect.name == "postgresql":
            return dialect.type_descriptor(
                PostgisGeometry(self.geometry_type, srid=SRID, spatial_index=False)
            )
        # GeoAlchemy2's DDL hooks probe with no dialect: answer "not a managed spatial column" so that
        # the migrations, not GeoAlchemy2, own the PostGIS DDL.
        return LargeBinary() if dialect is None else dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":  # hex EWKB: PostGIS parses it straight from a text parameter
            return shapely.to_wkb(shapely.set_srid(value, SRID), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        if value is None:
            return None
        if isinstance(value, WKBElement):
            return to_shape(value)
        if isinstance(value, str):  # hex EWKB from a raw PostGIS read
            return shapely.from_wkb(bytes.fromhex(value))
        return shapely.from_wkb(bytes(value))
