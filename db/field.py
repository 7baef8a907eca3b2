"""The field API's bookkeeping in the store: sign-in tokens, Open311 client keys, patrol positions, clock
on/off and ratings (docs/ARCHITECTURE.md "The field API", docs/SECURITY.md "The field API").

Tokens and keys are random secrets the client holds; the store keeps only their SHA-256, so a copy of the
database signs nobody in. On PostgreSQL they are read and written as `gridwatch_service` (the service's
own group role, the only one granted those tables), through `keeper(store)`; everything a person does
runs as that person (`Store.acting_as`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from gridwatch.db.accounts import USERNAME, sign_in
from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import InvalidInput, NotFound, SignInFailed
from gridwatch.db.feed import CHANNEL as FEED_CHANNEL
from gridwatch.db.models import ApiKey, ApiToken, CheckIn, GridAssignment, Person, Position, Rating
from gridwatch.db.store import Store, utcnow
from gridwatch.db.validation import check_point

SERVICE_ROLE = "gridwatch_service"
TOKEN_TTL = timedelta(hours=12)
"""A field app's sign-in lasts one working day and a bit; the phone signs in again the next morning."""
MAX_POSITIONS = 5000
"""Fixes in one batch: a day's patrol at one fix per 10 s fits twice."""
RATINGS = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def keeper(store: Store) -> Store:
    """The handle that reads and writes tokens and keys: on PostgreSQL, `store` acting as the service's
    group role when its login is a member of it (the API's own connection); otherwise `store` itself (the
    owner's maintenance connection on the CLI, or SQLite)."""
    if not store.is_postgres:
        return store
    with store.engine.connect() as conn:
        member = conn.execute(text("SELECT pg_has_role(current_user, :r, 'MEMBER')"), {"r": SERVICE_ROLE})
        is_member = bool(member.scalar_one())
    return store.acting_as(SERVICE_ROLE) if is_member else store


# --- tokens ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    token: str
    username: str
    expires_at: datetime


def issue_token(keeper_store: Store, username: str, ttl: timedelta = TOKEN_TTL) -> Token:
    """A new bearer token for an active person (the caller has checked who they are)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with keeper_store.session() as session:
        person_id = session.scalar(select(Person.id).where(Person.username == username, Person.active))
        if person_id is None:
            raise NotFound(f"No active person with username '{username}'.")
        session.add(
            ApiToken(token_hash=digest(secret), person_id=person_id, created_at=now, expires_at=now + ttl)
        )
    return Token(secret, username, now + ttl)


def password_sign_in(
    store: Store, keeper_store: Store, username: str, password: str, *, demo_password: str | None = None
) -> Token:
    """Check the password the database's own way (a login as the person, SCRAM) and issue a token.

    SQLite has no passwords (docs/SECURITY.md): a token is issued there with `gridwatch token add`. The one
    exception is `gridwatch demo`'s own SQLite store, served on 127.0.0.1: there `demo_password` (printed
    by the demo) signs in any active person, so a newcomer can try the phone's sign-in with curl."""
    if not store.is_postgres:
        if demo_password is None:
            raise InvalidInput(
                "An SQLite store has no passwords: issue a field token with `gridwatch token add USERNAME`."
            )
        if not secrets.compare_digest(password.encode(), demo_password.encode()):
            raise SignInFailed("Wrong user name or password.", "wrong_password")
        try:
            return issue_token(keeper_store, username)
        except NotFound:
            raise SignInFailed("Wrong user name or password.", "wrong_password") from None
    if not USERNAME.fullmatch(username) or "\x00" in password:  # no such sign-in can exist
        raise SignInFailed("Wrong user name or password.", "wrong_password")
    person = sign_in(store.url, username, password)
    person.dispose()
    return issue_token(keeper_store, username)


def token_user(keeper_store: Store, token: str) -> str | None:
    """The person a live token signs in, or None (unknown, expired, revoked, or the person disabled)."""
    found = token_holder(keeper_store, token)
    return found[0] if found is not None else None


def token_holder(keeper_store: Store, token: str) -> tuple[str, datetime] | None:
    """The person a live token signs in and when it expires, or None (see `token_user`)."""
    with keeper_store.session() as session:
        found = session.execute(
            select(Person.username, ApiToken.expires_at)
            .join(ApiToken, ApiToken.person_id == Person.id)
            .where(
                ApiToken.token_hash == digest(token),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
                Person.active,
            )
        ).first()
    return (str(found.username), _aware(found.expires_at)) if found is not None else None


def revoke_token(keeper_store: Store, token: str) -> bool:
    """Sign a token out at once; True if it was live. Services that remember tokens hear of it."""
    with keeper_store.session() as session:
        done = session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        _announce(session)
        return bool(done.rowcount)  # type: ignore[attr-defined]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- revocations announced ------------------------------------------------------------------------------

CREDENTIALS_CHANNEL = "gridwatch_credentials"
"""On PostgreSQL a revoked token or key is announced here (payload: the store's schema) when its
transaction commits; a disabled person is announced by the change feed's `people` notification. A
service that remembers who a token signs in (app/api/service.py) forgets everything when it hears either."""


def _announce(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:c, current_schema())"), {"c": CREDENTIALS_CHANNEL})


def watch_credentials(
    keeper_store: Store,
    changed: Callable[[bool], None],
    stop: threading.Event,
    *,
    alive: Callable[[], bool] = lambda: True,
    backoff: float = 1.0,
) -> None:
    """Until `stop` is set or `alive()` says no (asked every second), call `changed(True)` when listening
    starts and at every announced revocation or change of a person of this store, and `changed(False)`
    when the connection is lost (nothing remembered may be trusted then, until listening again).
    PostgreSQL only; runs in a thread, holding one connection."""
    while not stop.is_set() and alive():
        raw = None
        try:
            with keeper_store.session() as session:  # as the service's role: its schema is visible to it
                schema = str(session.scalar(text("SELECT current_schema()")))
            raw = keeper_store.engine.raw_connection()
            conn = raw.driver_connection
            assert isinstance(conn, psycopg.Connection)
            conn.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {CREDENTIALS_CHANNEL}")
            conn.execute(f"LISTEN {FEED_CHANNEL}")
            changed(True)
            while not stop.is_set() and alive():
                for note in conn.notifies(timeout=1.0):
                    if note.channel == CREDENTIALS_CHANNEL:
                        if note.payload == schema:
                            changed(True)
                    elif (
                        '"people"' in note.payload
                    ):  # the feed's notifications of every table: cheap test first
                        data = json.loads(note.payload)
                        if data.get("table") == "people" and data.get("schema", schema) == schema:
                            changed(True)
                    if stop.is_set():
                        break
        except (psycopg.Error, DBAPIError, OSError, StoreUnavailable, PoolTimeout):
            changed(False)  # PoolTimeout: every pooled connection busy; the watch tries again
            stop.wait(backoff)
        finally:
            if raw is not None:
                with contextlib.suppress(Exception):
                    raw.invalidate()  # closing the connection ends the LISTEN


# --- Open311 client keys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRow:
    app_name: str
    username: str
    created_at: datetime
    revoked: bool


def add_api_key(keeper_store: Store, app_name: str, username: str) -> str:
    """A new key for a client app whose reports are made in `username`'s name; the key is shown once."""
    name = app_name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("An app name has 1 to 100 characters.")
    key = secrets.token_urlsafe(24)
    with keeper_store.session() as session:
        person_id = session.scalar(select(Person.id).where(Person.username == username, Person.active))
        if person_id is None:
            raise NotFound(
                f"No active person with username '{username}': the app reports in a person's name."
            )
        if session.scalar(select(ApiKey.id).where(ApiKey.app_name == name)) is not None:
            raise InvalidInput(f"An app named '{name}' has a key already: revoke it first.")
        session.add(ApiKey(app_name=name, key_hash=digest(key), person_id=person_id, created_at=utcnow()))
    return key


def list_api_keys(keeper_store: Store) -> list[KeyRow]:
    with keeper_store.session() as session:
        rows = session.execute(
            select(ApiKey.app_name, Person.username, ApiKey.created_at, ApiKey.revoked_at)
            .join(Person, Person.id == ApiKey.person_id)
            .order_by(ApiKey.app_name)
        ).all()
    return [KeyRow(r.app_name, r.username, r.created_at, r.revoked_at is not None) for r in rows]


def revoke_api_key(keeper_store: Store, app_name: str) -> None:
    """The app's key stops working now; the row stays (its reports keep their reporter). The name is
    freed for a new key."""
    with keeper_store.session() as session:
        key = session.scalar(select(ApiKey).where(ApiKey.app_name == app_name))
        if key is None:
            raise NotFound(f"No app named '{app_name}' (apikey list shows them).")
        key.revoked_at = key.revoked_at or utcnow()
        key.app_name = f"{app_name[:60]} (revoked {key.revoked_at:%Y-%m-%d %H:%M:%S.%f})"
        _announce(session)


def api_key_user(keeper_store: Store, key: str) -> str | None:
    """The person a live client key reports as, or None (a key does not expire; it is revoked)."""
    with keeper_store.session() as session:
        found = session.scalar(
            select(Person.username)
            .join(ApiKey, ApiKey.person_id == Person.id)
            .where(ApiKey.key_hash == digest(key), ApiKey.revoked_at.is_(None), Person.active)
        )
    return str(found) if found is not None else None


# --- positions and clock on/off -------------------------------------------------------------------------


def add_positions(store: Store, username: str, fixes: Sequence[tuple[datetime, float, float]]) -> int:
    """A patrol track's batch of (time, lon, lat) fixes, stored in one transaction; all or none."""
    if len(fixes) > MAX_POSITIONS:
        raise InvalidInput(f"{len(fixes)} positions in one batch; send at most {MAX_POSITIONS}.")
    for _at, lon, lat in fixes:
        check_point(lon, lat)
    if not fixes:
        return 0
    with store.session() as session:
        person = store.actor(session, username)
        if store.is_postgres:  # one statement of three arrays, not a row each (positions/s, bench/api.py)
            session.execute(
                text(
                    "INSERT INTO positions (person_id, at, lon, lat) SELECT :p, f.at, f.lon, f.lat FROM "
                    "unnest(CAST(:at AS timestamptz[]), CAST(:lon AS float8[]), CAST(:lat AS float8[])) "
                    "AS f(at, lon, lat)"
                ),
                {
                    "p": person.id,
                    "at": [at for at, _, _ in fixes],
                    "lon": [lon for _, lon, _ in fixes],
                    "lat": [lat for _, _, lat in fixes],
                },
            )
        else:
            session.execute(
                insert(Position),
                [{"person_id": person.id, "at": at, "lon": lon, "lat": lat} for at, lon, lat in fixes],
            )
    return len(fixes)


@dataclass(frozen=True)
class Clocked:
    kind: str
    status: str  # normal | late | early_leave | outside (docs/DOMAIN.md; absent is a day without "on")
    grid: str | None
    at: datetime


def clock_status(calendar: WorkingCalendar, kind: str, at: datetime, inside: bool) -> str:
    """The status of a clock record (docs/DOMAIN.md "Grid workers' attendance"): `outside` the person's
    grids; on a day off normal; on a working day late after the first period's start (on), early leave
    before the last period's end (off). One rule for the API's clock and the demo's history."""
    local = at.astimezone(calendar.tz)
    second = local.hour * 3600 + local.minute * 60 + local.second
    periods = calendar.periods
    if not inside:
        return "outside"
    if not calendar.is_workday(local.date()):
        return "normal"
    if kind == "on" and second > periods[0][0]:
        return "late"
    if kind == "off" and second < periods[-1][1]:
        return "early_leave"
    return "normal"


def clock(
    store: Store, username: str, kind: str, lon: float, lat: float, at: datetime | None = None
) -> Clocked:
    """Clock on or off (打卡) at a position, now (or `at`, for a replayed record). Inside one of the
    person's grids (the geofence) the status says whether it is on time for the site's working hours on a
    working day: late after the first period's start, early leave before the last period's end; on a
    day off it is normal; outside every assigned grid it is `outside`."""
    if kind not in ("on", "off"):
        raise InvalidInput(f"kind '{kind}': use on or off.")
    check_point(lon, lat)
    now = at or utcnow()
    with store.session() as session:
        person = store.actor(session, username)
        place = store.locator.locate(session, lon, lat)
        mine = set(
            session.scalars(select(GridAssignment.grid_id).where(GridAssignment.person_id == person.id))
        )
        calendar = store.rules(session).calendar
        status = clock_status(calendar, kind, now, place.grid_id is not None and place.grid_id in mine)
        session.add(
            CheckIn(
                person_id=person.id, grid_id=place.grid_id, kind=kind, at=now, lon=lon, lat=lat, status=status
            )
        )
        code = place.grid_code if place.grid_id is not None else None
    return Clocked(kind, status, code, now)


# --- ratings --------------------------------------------------------------------------------------------


def check_rating(case_no: str, state: str, reporter_id: int | None, rater_id: int, rating: str) -> None:
    """What makes a rating acceptable (docs/DOMAIN.md "Satisfaction"): one of RATINGS, of a closed case,
    by its reporter. `rate` and the demo's history (`demo_city.writer`) both ask it."""
    if rating not in RATINGS:
        raise InvalidInput(f"rating '{rating}': use one of {', '.join(RATINGS)}.")
    if state != "closed":
        raise InvalidInput(f"Case {case_no} is '{state}': only a closed case is rated.")
    if reporter_id != rater_id:
        raise InvalidInput(f"Case {case_no} was reported by someone else: only its reporter rates it.")


def rate(store: Store, username: str, case_no: str, rating: str, comment: str | None) -> None:
    """The reporter rates a closed case (满意 / 基本满意 / 不满意), once."""
    if rating not in RATINGS:
        raise InvalidInput(f"rating '{rating}': use one of {', '.join(RATINGS)}.")
    with store.session() as session:
        person = store.actor(session, username)
        case = store.case(session, case_no)
        check_rating(case_no, case.state, case.reporter_id, person.id, rating)
        if session.get(Rating, case.id) is not None:
            raise InvalidInput(f"Case {case_no} is rated already.")
        session.add(
            Rating(
                case_id=case.id,
                rating=rating,
                comment=comment or None,
                rated_at=utcnow(),
                rated_by_id=person.id,
            )
        )
