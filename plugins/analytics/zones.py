"""A camera's zones checked by the detectors before the store keeps them (docs/ANALYTICS.md, "Zones").

The store checks only the document's shape (`gridwatch.db.analytics`, which imports no plugin); whether
each zone's detector exists and its settings mean something is the detectors' ZoneSet's to say. Every
writer (the zone editor, the CLI) saves through here, and the worker validates again when it loads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gridwatch.db import analytics
from gridwatch.db.errors import InvalidInput
from gridwatch.db.store import Store
from gridwatch.plugins.detectors.api import ZonesError, ZoneSet


def validated(document: Mapping[str, Any] | str) -> ZoneSet:
    """The zones as the detectors read them; InvalidInput naming every field at fault otherwise."""
    try:
        if isinstance(document, str):
            return ZoneSet.from_json(document)
        return ZoneSet.from_data(dict(document))
    except ZonesError as exc:
        raise InvalidInput(str(exc)) from None


def as_document(zones: ZoneSet) -> dict[str, Any]:
    """The JSON document the store keeps (the same shape as `analytics scan --zones` reads)."""
    return dict(json.loads(zones.model_dump_json(exclude_none=True)))


def save(
    store: Store,
    camera_code: str,
    document: Mapping[str, Any] | str,
    *,
    actor: str,
    expected_version: int | None = None,
) -> int:
    """Validate with the detectors, then store; returns the zones' new version."""
    zones = validated(document)
    return analytics.save_zones(
        store, camera_code, as_document(zones), actor=actor, expected_version=expected_version
    )
