"""The case store's tables.

One model for PostgreSQL+PostGIS and SQLite. Points (cases, devices, positions) are plain lon/lat
columns so both backends index and aggregate them alike and numpy can read them in bulk; areas (the org
tree) are `Geom` polygons. Enumerations are short strings checked by the store, not database enums, so a
site can add a source or a role without a migration. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from gridwatch.db.geometry import Geom
from gridwatch.db.timestamps import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


OPEN_CASE_STATES = (
    "('checked', 'checking', 'dispatched', 'handled', 'handling', 'registered', 'reported', 'suspended', "
    "'verifying')"
)
"""seeds.OPEN_STATES in SQL, in the order `Case.state.in_(sorted(OPEN_STATES))` sends them, so the planner
matches the partial index (tests/db/test_security.py checks the two agree)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), dict[str, Any]: JSON}


# --- territory and people -------------------------------------------------------------------------------


class OrgUnit(Base):
    """A node of the org tree: district → street → community → grid (网格)."""

    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(15), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(12), index=True)  # district|street|community|grid
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geom("MULTIPOLYGON"))
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])


class Department(Base):
    """A handling department (处置部门); `level` says whether the street or the district runs it."""

    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(12), default="district")
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    phone: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # The org-tree node a street or community center's staff work at: they see the cases under it
    # (docs/SECURITY.md). None: the whole territory.
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    on_duty: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    roles: Mapped[list[PersonRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}


class PersonRole(Base):
    """One role a person holds; one person may hold several (值班长 and 派遣员, say)."""

    __tablename__ = "person_roles"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class GridAssignment(Base):
    """A grid worker's responsibility for a grid."""

    __tablename__ = "grid_assignments"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True, index=True)
    since: Mapped[date] = mapped_column(Date)


class Position(Base):
    """One GPS fix of a grid worker's patrol track."""

    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime]
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_positions_person_at", "person_id", "at"),)


class CheckIn(Base):
    """A clock-on/off (打卡) inside the grid's geofence, with its judged status."""

    __tablename__ = "check_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[str] = mapped_column(String(8))  # on|off
    at: Mapped[datetime]
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12))  # normal|late|early_leave|absent|outside


# --- devices ----------------------------------------------------------------------------------------------


class Device(Base):
    """A camera, loudspeaker or sensor placed on the map and in a grid."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)  # camera|loudspeaker|sensor
    subtype: Mapped[str | None] = mapped_column(String(20))  # lampblack|smoke|water_level|manhole …
    name: Mapped[str] = mapped_column(String(100))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    online: Mapped[bool] = mapped_column(default=True)
    stream_url: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(200))  # loudspeaker host:port, sensor id
    protocol: Mapped[str | None] = mapped_column(String(20))  # rtp-pcmu|rtp-pcma|mqtt|…
    heading: Mapped[float | None] = mapped_column(Float)  # camera view direction, degrees from north
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))  # a camera's loudspeaker
    priority_group: Mapped[str | None] = mapped_column(String(32))
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(index=True)


class Component(Base):
    """A city component (部件): a manhole cover, a street lamp, a litter bin."""

    __tablename__ = "components"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="ok")


# --- rules: categories, deadlines, calendar, routing, workflow ------------------------------------------


class Category(Base):
    """A node of the two category trees (部件 components / 事项 matters), 2-digit class, 3-digit subclass."""

    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # component|event
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    default_urgency: Mapped[str] = mapped_column(String(1), default="C")


class DeadlineRuleRow(Base):
    """A handling-time limit for a category prefix and/or urgency; the most specific row wins."""

    __tablename__ = "deadline_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str | None] = mapped_column(String(10))
    urgency: Mapped[str | None] = mapped_column(String(1))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))  # working_hours|working_days|hours|days


class CalendarDay(Base):
    """The site's override of the national calendar: a holiday or an adjusted working day (调休).

    `source` says where the entry came from ("site" when typed, the file's name when imported) and
    `changed_by_id`/`changed_at` who entered it and when (docs/CALENDAR.md).
    """

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(100), default="site", server_default="site")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime | None]


class Setting(Base):
    """Site configuration (working hours, metric weights …) as JSON values."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


class RoutingRule(Base):
    """An ordered rule: cases in this area (org code prefix) of this category (prefix) go to a department."""

    __tablename__ = "routing_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    area_code: Mapped[str | None] = mapped_column(String(15))
    category_code: Mapped[str | None] = mapped_column(String(10))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))


class Transition(Base):
    """An allowed workflow step: from this state, this action, by one of these roles, leads there."""

    __tablename__ = "transitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    roles: Mapped[str] = mapped_column(String(200))  # space-separated role names
    needs_reason: Mapped[bool] = mapped_column(default=False)
    __table_args__ = (UniqueConstraint("action", "from_state", name="uq_transitions_action_from"),)


# --- cases ------------------------------------------------------------------------------------------------


class Case(Base):
    """A case (案件). Milestone times are copied from its events so metrics are plain aggregates."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    urgency: Mapped[str] = mapped_column(String(1), default="C")
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str | None] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    outside_grid: Mapped[bool] = mapped_column(default=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    suggested_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    # The action that wrote this version: the PostgreSQL guard checks it against the transitions table
    # and the caller's group roles (docs/SECURITY.md).
    last_action: Mapped[str | None] = mapped_column(String(24))
    reported_at: Mapped[datetime] = mapped_column(index=True)
    registered_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime | None] = mapped_column(index=True)  # first dispatch only
    accepted_at: Mapped[datetime | None]
    handled_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    limit_amount: Mapped[float | None] = mapped_column(Float)
    limit_unit: Mapped[str | None] = mapped_column(String(16))
    extension_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    extension_count: Mapped[int] = mapped_column(default=0)
    suspended_since: Mapped[datetime | None]
    suspended_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    deadline_at: Mapped[datetime | None]  # the handling deadline (处置时限)
    stage_started_at: Mapped[datetime | None]
    stage_due_at: Mapped[datetime | None]  # the current step's due time, for the traffic light
    rework_count: Mapped[int] = mapped_column(default=0)
    close_type: Mapped[str | None] = mapped_column(String(16))  # normal|overdue|self_handled
    pending_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    merge_key: Mapped[str | None] = mapped_column(String(120), index=True)
    # The reporting client's key for this report: a retry after a lost answer returns the first case.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    merged_count: Mapped[int] = mapped_column(default=0)
    # Centers on the org tree (migration 0009, docs/LEVELS.md): the center holding the case (None: the
    # top center), whether it came up by escalation, and who held it when its deadline passed.
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("centers.org_unit_id"), index=True)
    escalated: Mapped[bool] = mapped_column(default=False)
    late_at: Mapped[datetime | None]
    late_center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.org_unit_id"))
    late_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The dispatcher's queue: open cases newest first, paged by (reported_at, id); a department's queue
    # (a handler's desk, under row-level security) the same within the department.
    __table_args__ = (
        Index("ix_cases_state_reported_id", "state", "reported_at", "id"),
        Index(
            "ix_cases_open_department",
            "department_id",
            "reported_at",
            "id",
            postgresql_where=text(f"state IN {OPEN_CASE_STATES}"),
            sqlite_where=text(f"state IN {OPEN_CASE_STATES}"),
        ),
    )


class CaseEvent(Base):
    """The audit trail: one row per action, never updated or deleted (a PostgreSQL trigger enforces it)."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The case version this event wrote (None for events rebuilt from an imported file's timestamps):
    # one event per version, so the trail cannot miss a change (docs/SECURITY.md).
    case_version: Mapped[int | None]
    __table_args__ = (UniqueConstraint("case_id", "case_version", name="uq_case_events_case_version"),)


class CaseDepartment(Base):
    """Every department a case was ever dispatched to, kept by a trigger on both backends: a handler
    still sees a case after it was returned or re-dispatched elsewhere (docs/SECURITY.md)."""

    __tablename__ = "case_departments"
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)


class Attachment(Base):
    """A photo, snapshot or recording; content-addressed so the same file twice is stored once per case."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"))
    kind: Mapped[str] = mapped_column(String(12))  # before|after|snapshot|audio|document
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("case_id", "sha256", name="uq_attachments_case_sha"),)


# --- push-to-talk and the video wall ----------------------------------------------------------------------


class SpeakerLock(Base):
    """Who holds a loudspeaker right now; one talker per speaker, a higher role may take it over.

    A lock expires unless its holder renews it, so a crashed workstation never keeps a speaker.
    """

    __tablename__ = "speaker_locks"
    speaker_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    rank: Mapped[int]
    session_key: Mapped[str] = mapped_column(String(40))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class TalkRecord(Base):
    """Every outgoing audio, kept: who spoke, when, to which speakers, and what was sent."""

    __tablename__ = "talk_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    targets: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"speakers": [codes], "addresses": [host:port]}
    codec: Mapped[str] = mapped_column(String(8))  # pcmu|pcma
    kind: Mapped[str] = mapped_column(String(12))  # microphone|file|tts
    text: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    audio: Mapped[bytes | None] = mapped_column(LargeBinary)  # the G.711 payload as sent, 8 kHz
    preempted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class WallPreset(Base):
    """A named video-wall layout: per monitor, a 1/4/9/16 grid and the camera on each tile."""

    __tablename__ = "wall_presets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    layout: Mapped[dict[str, Any]] = mapped_column(
        JSON
    )  # {"screens": [{"tiles": 4, "cameras": [code|None]}]}
    tours: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # {"1/3": {"group": [codes], "every_s": 10}}
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]


class WallState(Base):
    """What one video wall shows now; any workstation writes it, the wall follows through the change feed."""

    __tablename__ = "wall_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    wall: Mapped[str] = mapped_column(String(64), unique=True)
    preset_id: Mapped[int | None] = mapped_column(ForeignKey("wall_presets.id"))
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    alarm_tile: Mapped[str | None] = mapped_column(String(16))  # "screen/tile" where alarms pop up
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


# --- the field API and Open311 (migration 0008, docs/ARCHITECTURE.md "The field API") ---------------------


class ApiToken(Base):
    """A field app's sign-in: only the SHA-256 of the bearer token is kept; it expires and can be revoked."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiKey(Base):
    """An Open311 client app's key (hashed); the app's reports are made in its person's name."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    app_name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Rating(Base):
    """The reporter's rating of a closed case (满意 / 基本满意 / 不满意, docs/DOMAIN.md): one per case."""

    __tablename__ = "ratings"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    rating: Mapped[str] = mapped_column(String(12))  # satisfied|basically|dissatisfied
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime]
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


# --- sensors (migration 0010, issue 12 "Sensors", docs/SENSORS.md) ------------------------------------------


class SensorReading(Base):
    """One reading of a sensor: a plain time series keyed by (device, time), so a message delivered twice
    (MQTT QoS 1 after a broker or service restart) is stored once. No row-level security: readings are
    no evidence and every desk may chart them, and PostgreSQL refuses COPY into a table with RLS."""

    __tablename__ = "sensor_readings"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    at: Mapped[datetime] = mapped_column(primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)  # mg/m³, m, degrees; smoke 1 = alarm
    purifier: Mapped[bool | None]  # lampblack monitors only
    fan: Mapped[bool | None]


class SensorState(Base):
    """What the sensor service knows of a device between messages: last reading, last heard, and each rule's
    phase (idle / pending since / alarm since), so a restarted service continues a minimum duration."""

    __tablename__ = "sensor_states"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    last_at: Mapped[datetime]  # the newest reading's own time (older redeliveries are stored, not judged)
    heard_at: Mapped[datetime] = mapped_column(index=True)  # when the service last received anything
    value: Mapped[float | None] = mapped_column(Float)
    purifier: Mapped[bool | None]
    fan: Mapped[bool | None]
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SensorAlarm(Base):
    """An alarm a rule raised: one per (device, rule, start), whatever restarts happen; its case once
    reported."""

    __tablename__ = "sensor_alarms"
    __table_args__ = (UniqueConstraint("device_id", "rule", "started_at", name="uq_sensor_alarms_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    rule: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]  # when the condition began (the minimum duration counts from here)
    raised_at: Mapped[datetime]  # when the minimum duration was met
    cleared_at: Mapped[datetime | None]
    peak: Mapped[float | None] = mapped_column(Float)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)


# --- video analytics (issue 12, migration 0011, docs/ANALYTICS.md) ---------------------------------------


class CameraZones(Base):
    """A camera's zones as the JSON document `gridwatch analytics scan --zones` reads (`{"zones": […]}`,
    polygons in 0-1 fractions of the frame): validated by the detectors' ZoneSet before it is saved."""

    __tablename__ = "camera_zones"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    zones: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class AnalyticsLease(Base):
    """Which analytics worker watches a camera, until when (`FOR UPDATE SKIP LOCKED` claims, renewals push
    `expires_at`); `generation` grows with every new holder. `status` is what the worker last said of the
    camera (open, retrying, disabled detectors and why)."""

    __tablename__ = "analytics_leases"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(100))
    generation: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    status: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AnalyticsWorker(Base):
    """A running analytics worker, seen at each of its renewals: a worker that holds no camera yet still
    counts when the others work out their fair share (otherwise the first worker would keep them all)."""

    __tablename__ = "analytics_workers"
    holder: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime]


class AnalyticsHold(Base):
    """One holder's time on one camera, from its claim to its release or the lease's last expiry: the
    history that shows no camera ever had two holders at once."""

    __tablename__ = "analytics_holds"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    holder: Mapped[str] = mapped_column(String(100))
    generation: Mapped[int]
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Detection(Base):
    """A detector's finding and the case it opened or was merged into: the confidence, the zone and the
    box the desk shows, and the key false alarms are counted by (camera, detector)."""

    __tablename__ = "detections"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    detector: Mapped[str] = mapped_column(String(40))
    zone: Mapped[str] = mapped_column(String(64))
    category_code: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    box: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"x": …, "y": …, "w": …, "h": …} in 0-1 fractions
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    created_at: Mapped[datetime]


# --- centers on the org tree and the disposal handbook (issue 14, migration 0009, docs/LEVELS.md) ---------


class Center(Base):
    """An org-tree node (district, street, community) that runs a command center with its own desks.

    A case's `holder_id` names the center holding it; cases travel between a center and the next center
    below or above it on the tree (dispatch_down, hand_back, escalate)."""

    __tablename__ = "centers"
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class HandbookEntry(Base):
    """A row of the disposal handbook (指挥手册): for a category (or a 2-digit class), what counts as
    handled, the responsible kind of department and the photos the feedback must carry. The time limit
    lives in `deadline_rules` (one clock); the handbook import writes it there."""

    __tablename__ = "handbook"
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), primary_key=True)
    standard: Mapped[str] = mapped_column(Text)
    department_kind: Mapped[str | None] = mapped_column(String(100))
    photos_before: Mapped[int] = mapped_column(default=0)
    photos_after: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


# --- published GIS layers (issue 15, migration 0012, docs/QGIS.md) ---------------------------------------


class LayerStyle(Base):
    """QGIS's own table of layer styles, with the columns QGIS 3.22 creates (on PostgreSQL the three
    documents are `xml`); `gridwatch gis publish` writes each published view's default style here, so a
    QGIS without the plugin opens the layers styled as the desktop draws them."""

    __tablename__ = "layer_styles"
    __table_args__ = (PrimaryKeyConstraint("id", name="layer_styles_pkey"),)
    id: Mapped[int] = mapped_column()
    f_table_catalog: Mapped[str | None] = mapped_column(String())
    f_table_schema: Mapped[str | None] = mapped_column(String())
    f_table_name: Mapped[str | None] = mapped_column(String())
    f_geometry_column: Mapped[str | None] = mapped_column(String())
    stylename: Mapped[str | None] = mapped_column(Text)
    styleqml: Mapped[str | None] = mapped_column(Text)
    stylesld: Mapped[str | None] = mapped_column(Text)
    useasdefault: Mapped[bool | None]
    description: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(63), server_default=text("CURRENT_USER"))
    ui: Mapped[str | None] = mapped_column(Text)
    update_time: Mapped[datetime | None] = mapped_column(DateTime(), server_default=text("CURRENT_TIMESTAMP"))
    type: Mapped[str | None] = mapped_column(String())


class WorkingClockEdge(Base):
    """The site calendar's working time as a piecewise-linear function (`deadlines.working_clock`): at
    each working period's start and end, the working seconds since the first edge. SQL's `gw_light`
    interpolates it, so the published layers' light is `queries.light_of`'s."""

    __tablename__ = "working_clock"
    edge: Mapped[datetime] = mapped_column(primary_key=True)
    worked: Mapped[float] = mapped_column(Float)


# --- evaluation (migration 0013, issue 13): the daily series count cases by their handled and closed days --

Index("ix_cases_handled_at", Case.handled_at)
Index("ix_cases_closed_at", Case.closed_at)
Index("ix_cases_department_dispatched", Case.department_id, Case.dispatched_at)
