"""The words for what lies under the pointer: a hover tooltip and the status line after a click name the
thing itself (the camera, the loudspeaker, the sensor with its last reading, the grid worker with name,
phone and grids), not only the grid under it (issue 9, item 11)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.reads.cases import briefs
from gridwatch.db.reads.identify import DeviceCard, device_card, person_card
from gridwatch.db.store import Store
from gridwatch.layers.base import Feature

CLICK_PRIORITY = {"case": 0, "cluster": 0, "camera": 1, "loudspeaker": 1, "sensor": 2, "person": 2, "grid": 3}
"""Something to act on wins over where it is: a case or device before the grid under it."""
SHORT_TEXT = 40


def by_priority(features: Sequence[Feature]) -> list[Feature]:
    return sorted(features, key=lambda f: CLICK_PRIORITY.get(f.kind, len(CLICK_PRIORITY)))


class Describer(QObject):
    """Reads the store for the one feature it is asked about (a tooltip or a click, never a whole layer)."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store

    def top(self, features: Sequence[Feature]) -> str:
        """The words for the feature a click would act on; "" over nothing."""
        ordered = by_priority(features)
        return self.describe(ordered[0]) if ordered else ""

    def describe(self, feature: Feature) -> str:
        try:
            return self._describe(feature)
        except (StoreError, StoreUnavailable) as exc:
            return str(exc)

    def _describe(self, feature: Feature) -> str:
        kind = feature.kind
        if kind == "cluster":
            count = int(feature.properties.get("count", 0))  # type: ignore[call-overload]
            return self.tr("%n open case(s): click to zoom in", "", count)
        if kind == "case":
            found = briefs(self.store, [feature.feature_id])
            if not found:
                return ""
            text = found[0].description
            short = text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"
            return self.tr("Case %1: %2").replace("%1", found[0].case_no).replace("%2", short)
        if kind in ("camera", "loudspeaker", "sensor"):
            card = device_card(self.store, feature.feature_id)
            return "" if card is None else self._device(card)
        if kind == "person":
            person = person_card(self.store, feature.feature_id)
            if person is None:
                return ""
            duty = self.tr("on duty") if person.on_duty else self.tr("off duty")
            parts = [
                self.tr("Grid worker %1").replace("%1", person.name),
                person.phone or self.tr("no phone"),
                "、".join(person.grids) or self.tr("no grid"),
                duty,
            ]
            today = self._attendance(feature)
            return " · ".join([*parts, today] if today else parts)
        return str(feature.properties.get("name", ""))

    def _attendance(self, feature: Feature) -> str:
        """Today's clock status as the personnel layer rings it: "迟到 08:52", "早退 16:40", "缺勤",
        "按时 08:25"; "" when the worker has no record today (not clocked on yet, or a day off)."""
        status = str(feature.properties.get("attendance", ""))
        minute = int(feature.properties.get("clock_minute", -1))  # type: ignore[call-overload]
        at = f"{minute // 60:02d}:{minute % 60:02d}" if minute >= 0 else ""
        if status == "absent":
            return self.tr("absent")
        words = {"late": self.tr("late %1"), "early_leave": self.tr("left early %1")}.get(status)
        if words is None:
            return self.tr("on time %1").replace("%1", at) if at else ""
        return words.replace("%1", at).strip()

    def _device(self, card: DeviceCard) -> str:
        what = {
            "camera": self.tr("Camera %1 (%2)"),
            "loudspeaker": self.tr("Loudspeaker %1 (%2)"),
            "sensor": self.tr("Sensor %1 (%2)"),
        }[card.kind]
        parts = [what.replace("%1", card.name).replace("%2", card.code)]
        if not card.online:
            parts.append(self.tr("offline"))
        if card.kind == "sensor":
            parts.extend(self._reading(card.reading))
        elif card.kind == "camera" and card.online:
            parts.append(self.tr("click to watch"))
        elif card.kind == "loudspeaker" and card.online:
            parts.append(self.tr("click to talk"))
        return " · ".join(parts)

    def _reading(self, reading: dict[str, object]) -> list[str]:
        """A sensor's last report in words: a lampblack monitor's concentration against its limit and its
        purifier, a smoke or water sensor's alarm."""
        out: list[str] = []
        if "concentration_mg_m3" in reading:
            out.append(
                self.tr("lampblack %1 mg/m³ (limit %2)")
                .replace("%1", f"{reading['concentration_mg_m3']}")
                .replace("%2", f"{reading.get('limit_mg_m3', '—')}")
            )
        if "purifier_on" in reading:
            out.append(self.tr("purifier on") if reading["purifier_on"] else self.tr("purifier off"))
        if "alarm" in reading:
            out.append(self.tr("ALARM") if reading["alarm"] else self.tr("no alarm"))
        return out
