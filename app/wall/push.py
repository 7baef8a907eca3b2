"""A desk's "to wall": one camera onto the tile the wall keeps free for it, said back as that tile.

The wall's stored state is the truth (`gridwatch.db.wall`); a push changes one tile of it and keeps the
rest, the preset and its tours, and never lands on the alarm tile or a toured one, where the wall would
show something else than the desk says (issue 9).
"""

from __future__ import annotations

from gridwatch.db import wall as walls
from gridwatch.db.store import Store
from gridwatch.wall.layout import TileRef, alarm_tile_of, default_layout, push_target, tours_of, with_camera
from gridwatch.wall.sources import load_cameras


def push_camera(store: Store, wall: str, code: str, *, actor: str) -> TileRef:
    """Put camera `code` on the wall's push tile; returns the tile it is on now. Raises StoreError or
    ValueError (no free tile) with a message to show."""
    state = walls.current(store, wall)
    if state is None:  # the wall shows its default layout: keep it, do not start from an empty one
        layout, stored_alarm, toured, preset = default_layout(list(load_cameras(store)), 1), None, set(), None
    else:
        layout, stored_alarm, preset = state["layout"], state["alarm_tile"], state["preset"]
        toured = {tour.tile for tour in tours_of(state["tours"])}
    alarm = alarm_tile_of(layout, stored_alarm)
    target = push_target(layout, alarm, toured)
    walls.show(
        store, wall, with_camera(layout, target, code, 1), actor=actor, preset=preset, alarm_tile=str(alarm)
    )
    return target
