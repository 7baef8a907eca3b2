"""The video wall's shared state: presets, tours and what each wall shows now.

Stored in the case store so any workstation can switch the wall; the wall itself follows `wall_states`
through the change feed. A layout is plain JSON, validated here so a bad one never reaches a wall.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from gridwatch.db.errors import InvalidInput, NotFound
from gridwatch.db.models import Device, WallPreset, WallState
from gridwatch.db.store import Store, utcnow

TILE_COUNTS = (1, 4, 9, 16)


def validate_layout(layout: dict[str, Any], known_cameras: set[str]) -> None:
    """{"screens": [{"tiles": 4, "cameras": ["C001", None, …]}, …]}: tile counts and camera codes checked."""
    screens = layout.get("screens")
    if not isinstance(screens, list) or not screens:
        raise InvalidInput("A wall layout needs at least one screen.")
    for n, screen in enumerate(screens, 1):
        tiles = screen.get("tiles")
        if tiles not in TILE_COUNTS:
            raise InvalidInput(f"Screen {n}: {tiles} tiles; choose 1, 4, 9 or 16.")
        cameras = screen.get("cameras", [])
        if len(cameras) > tiles:
            raise InvalidInput(f"Screen {n} has {tiles} tiles but {len(cameras)} cameras.")
        unknown = [c for c in cameras if c is not None and c not in known_cameras]
        if unknown:
            raise InvalidInput(f"Screen {n}: no camera with code {', '.join(unknown)}.")


def _cameras(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(Device.code).where(Device.kind == "camera")))


def save_preset(store: Store, name: str, layout: dict[str, Any], tours: dict[str, Any] | None = None) -> int:
    validate_layout(layout, _cameras(store))
    with store.session() as session:
        preset = session.scalar(select(WallPreset).where(WallPreset.name == name))
        if preset is None:
            preset = WallPreset(name=name, layout=layout, tours=tours or {}, updated_at=utcnow())
            session.add(preset)
        else:
            preset.layout, preset.tours = layout, tours or {}
            preset.version += 1
            preset.updated_at = utcnow()
        session.flush()
        return preset.id


def show(
    store: Store,
    wall: str,
    layout: dict[str, Any],
    *,
    actor: str,
    preset: str | None = None,
    alarm_tile: str | None = None,
) -> int:
    """Put a layout on a wall now (and, if given, the "screen/tile" where alarms pop up); returns the wall
    state's new version."""
    validate_layout(layout, _cameras(store))
    if alarm_tile is not None:
        validate_tile(layout, alarm_tile)
    with store.session() as session:
        person = store.actor(session, actor)
        preset_id = None
        if preset is not None:
            preset_id = session.scalar(select(WallPreset.id).where(WallPreset.name == preset))
            if preset_id is None:
                raise NotFound(f"No wall preset named '{preset}'.")
        state = session.scalar(select(WallState).where(WallState.wall == wall))
        if state is None:
            state = WallState(
                wall=wall,
                layout=layout,
                preset_id=preset_id,
                alarm_tile=alarm_tile,
                updated_at=utcnow(),
                updated_by_id=person.id,
            )
            session.add(state)
            session.flush()
            return state.version
        values: dict[str, Any] = {
            "layout": layout,
            "preset_id": preset_id,
            "version": WallState.version + 1,
            "updated_at": utcnow(),
            "updated_by_id": person.id,
        }
        if alarm_tile is not None:
            values["alarm_tile"] = alarm_tile
        session.execute(
            update(WallState)
            .where(WallState.id == state.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return state.version + 1


def validate_tile(layout: dict[str, Any], tile: str) -> None:
    """A "screen/tile" name (both from 1) that exists in the layout."""
    try:
        screen, number = (int(part) for part in tile.split("/"))
    except ValueError:
        raise InvalidInput(f"A tile is named 'screen/tile', like '1/3', not '{tile}'.") from None
    screens = layout["screens"]
    if not (1 <= screen <= len(screens) and 1 <= number <= screens[screen - 1]["tiles"]):
        raise InvalidInput(f"Tile {tile} is not on this wall's layout.")


def current(store: Store, wall: str) -> dict[str, Any] | None:
    """What the wall shows: layout, version, alarm tile, and the preset's name and tours if one is shown."""
    with store.session() as session:
        row = session.execute(
            select(WallState, WallPreset.name, WallPreset.tours)
            .outerjoin(WallPreset, WallPreset.id == WallState.preset_id)
            .where(WallState.wall == wall)
        ).first()
        if row is None:
            return None
        state, preset, tours = row
        return {
            "layout": state.layout,
            "version": state.version,
            "alarm_tile": state.alarm_tile,
            "preset": preset,
            "tours": dict(tours or {}),
        }
