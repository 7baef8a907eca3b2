"""What every request shares: the store, who is asking, and how often they may ask.

The service holds one store handle (one connection pool) signed in as its own NOINHERIT login role; a
request that names a person (a bearer token, an Open311 key) gets `Store.acting_as(person)`, so the
database checks that person's rights, not the service's (docs/SECURITY.md "The field API").
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from gridwatch.api import media as photos
from gridwatch.api.media import MediaPolicy
from gridwatch.db import field as bookkeeping
from gridwatch.db.engine import make_engine
from gridwatch.db.store import NewAttachment, Store, utcnow

MAX_BODY = 32 * 1024 * 1024
"""Bytes in one request: a report's photos (20 MB each at most, docs/ARCHITECTURE.md) and its fields."""
BODY_TIMEOUT = 30.0
"""Seconds a request body may pause before the request is given up (408): a phone on a bad network
resumes within this, a stalled or hostile client does not hold a worker longer."""
RATE = 20.0
"""Requests per second one token or key may send, sustained; BURST more at once (a phone's queue after a
tunnel). A client over it gets 429 with Retry-After."""
BURST = 60.0
SIGN_IN_RATE, SIGN_IN_BURST = 0.2, 5.0
"""Password attempts per user name: five at once, then one every five seconds (guessing is slow)."""


POOL = 4
"""PostgreSQL connections one service process keeps open for requests, and the threads that use them.
Few, because the process has one GIL: its threads take turns anyway, and sixteen of them spent their
time handing it over (bench/api.py, two processes on two cores: GET requests 692/s with 16, 769/s with
8, 828–1,068/s with 4, 863/s with 2). A request beyond them waits for a free connection rather than
opening one of its own: a new PostgreSQL connection (a server process forked, a sign-in) costs more
than ten requests' work, and with SQLAlchemy's default pool of 5 overflowing to 15, every burst opened
and closed them by the dozen (a third of a GET's time went to connecting). Fetching an Open311
media_url, which waits on another host, has threads of its own (app/api/media.py FETCHERS)."""
POOL_WAIT = 10.0
"""Seconds a request waits for a free connection before it is answered 503 (busy; nothing saved)."""


def pooled(url: str, size: int = POOL, wait: float = POOL_WAIT) -> Store:
    """The service's store: on PostgreSQL a fixed pool of `size` connections for requests (no overflow to
    open and close under load) and one more, which the revocation watch holds (`Credentials`); SQLite
    (the demo) keeps its default."""
    if not url.startswith("postgresql"):
        return Store(url)
    return Store(engine=make_engine(url, pool_size=size + 1, max_overflow=0, pool_timeout=wait))


class Unauthorized(Exception):
    """No credential, or one that is unknown, expired or revoked."""


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class Limiter:
    """A token bucket per credential, in this process's memory (one service process per store)."""

    rate: float = RATE
    burst: float = BURST
    _buckets: dict[str, Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, who: str) -> float:
        """0 if `who` may go now (and count it), else the seconds until they may."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(who, Bucket(self.burst, now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate


CREDENTIAL_MEMORY = 60.0
"""Seconds a looked-up token or key is remembered at most (PostgreSQL, while the revocation watch
listens). A revocation or a disabled person makes every process forget at once (`Credentials`)."""
MAX_REMEMBERED = 100_000


@dataclass(frozen=True)
class Known:
    username: str
    expires_at: datetime | None  # a token's own expiry, checked at every request; a key has none
    until: float  # time.monotonic() after which it is looked up again


class Credentials:
    """Who a token or key signs in, remembered so a request costs no extra transaction for it.

    Only on PostgreSQL and only while a watch listens for revocations (db/field.py `watch_credentials`):
    a token signed out or a key revoked anywhere (another worker process, the command line) or a person
    disabled makes every process forget everything as soon as the notification arrives; while the watch
    is not listening nothing is remembered. A token's expiry is checked at every request. A lookup that
    raced with a revocation is not remembered (the generation moved)."""

    def __init__(self, store: Store, keeper: Callable[[], Store], memory: float = CREDENTIAL_MEMORY) -> None:
        self.store = store
        self.keeper = keeper
        self.memory = memory
        self._known: dict[str, Known] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._live = False
        self._stop = threading.Event()
        self._started = False

    def _start(self) -> None:
        if self._started or not self.store.is_postgres or self.memory <= 0:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
        try:
            keeper = self.keeper()
        except Exception:  # the store is down (503): the next request starts the watch
            self._started = False
            raise
        own = weakref.ref(self)
        stop = self._stop

        def changed(live: bool) -> None:
            me = own()
            if me is None:  # the service is gone: end the watch and its connection
                stop.set()
                return
            me.forget_all(live)

        threading.Thread(
            target=bookkeeping.watch_credentials,
            args=(keeper, changed, stop),
            kwargs={"alive": lambda: own() is not None},  # a service dropped without close() ends it too
            name="gridwatch-credentials",
            daemon=True,
        ).start()

    def forget_all(self, live: bool = True) -> None:
        with self._lock:
            self._known.clear()
            self._generation += 1
            self._live = live

    def forget(self, secret: str) -> None:
        with self._lock:
            self._known.pop(bookkeeping.digest(secret), None)
            self._generation += 1

    def remembered(self, secret: str) -> str | None:
        """The person `secret` signs in if that is remembered and still valid, without any I/O (so the
        event loop may ask); None means: look it up (`who`, in a worker thread)."""
        with self._lock:
            known = self._known.get(bookkeeping.digest(secret))
        if known is None or known.until <= time.monotonic():
            return None
        if known.expires_at is not None and known.expires_at <= utcnow():
            return None
        return known.username

    def who(self, secret: str, look_up: Callable[[], tuple[str, datetime | None] | None]) -> str | None:
        self._start()
        key = bookkeeping.digest(secret)
        now = time.monotonic()
        with self._lock:
            known = self._known.get(key)
            generation, live = self._generation, self._live
        if known is not None and known.until > now:
            if known.expires_at is None or known.expires_at > utcnow():
                return known.username
            return None
        found = look_up()
        if found is None:
            return None
        with self._lock:
            if live and self._live and generation == self._generation:
                if len(self._known) >= MAX_REMEMBERED:
                    self._known.clear()
                self._known[key] = Known(found[0], found[1], now + self.memory)
        return found[0]

    def close(self) -> None:
        self._stop.set()


class Service:
    """The store as the service sees it, and the people it acts for."""

    def __init__(
        self,
        store: Store,
        *,
        rate: float = RATE,
        burst: float = BURST,
        demo_password: str | None = None,
        media: MediaPolicy | None = None,
    ) -> None:
        self.store = store
        self.media = media or MediaPolicy()
        """Where Open311's media_url may point (app/api/media.py): public addresses unless allowed."""
        self.demo_password = demo_password
        """`gridwatch demo`'s shared password for its SQLite store (db/field.py password_sign_in)."""
        self.limiter = Limiter(rate, burst)
        self.sign_ins = Limiter(SIGN_IN_RATE, SIGN_IN_BURST)
        own = weakref.ref(self)  # no cycle: a dropped service is freed at once, and its watch ends
        self.credentials = Credentials(store, lambda: own().keeper)  # type: ignore[union-attr]
        self._keeper: Store | None = None
        self._fetchers = ThreadPoolExecutor(photos.FETCHERS, thread_name_prefix="gridwatch-media")

    @property
    def keeper(self) -> Store:
        """The handle for tokens and keys (as `gridwatch_service` on PostgreSQL), found on first use, so a
        service started while the database is down comes up and answers 503 until it is back."""
        if self._keeper is None:
            self._keeper = bookkeeping.keeper(self.store)
        return self._keeper

    def as_person(self, username: str) -> Store:
        return self.store.acting_as(username)

    async def fetch_media(self, url: str) -> NewAttachment:
        """Open311's media_url as an attachment, fetched on the media threads (not the store's)."""
        return await asyncio.get_running_loop().run_in_executor(self._fetchers, photos.fetch, url, self.media)

    def bearer(self, authorization: str | None) -> str:
        """The person an `Authorization: Bearer …` header signs in."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Sign in first: send 'Authorization: Bearer <token>' (POST /api/v1/sign-in).")
        secret = token.strip()
        username = self.credentials.who("t" + secret, lambda: bookkeeping.token_holder(self.keeper, secret))
        if username is None:
            raise Unauthorized("The token is unknown, expired or revoked: sign in again.")
        return username

    def remembered_bearer(self, authorization: str | None) -> str | None:
        """`bearer` answered from memory only, or None (then call `bearer` in a worker thread)."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.credentials.remembered("t" + token.strip())

    def remembered_key(self, api_key: str | None) -> str | None:
        """`app_key` answered from memory only, or None (then call `app_key` in a worker thread)."""
        return self.credentials.remembered("k" + api_key) if api_key else None

    def app_key(self, api_key: str | None) -> str:
        """The person an Open311 client app's key reports as."""
        if not api_key:
            raise Unauthorized("api_key is required: ask the center for a key (gridwatch apikey add).")
        username = self.credentials.who("k" + api_key, lambda: self._key_holder(api_key))
        if username is None:
            raise Unauthorized("The api_key is unknown or revoked.")
        return username

    def _key_holder(self, api_key: str) -> tuple[str, datetime | None] | None:
        username = bookkeeping.api_key_user(self.keeper, api_key)
        return (username, None) if username is not None else None

    def sign_out(self, token: str) -> None:
        """The token stops working now, in this process at once and in the others when they hear of it."""
        bookkeeping.revoke_token(self.keeper, token)
        self.credentials.forget("t" + token)

    def close(self) -> None:
        self.credentials.close()
        self._fetchers.shutdown(wait=False, cancel_futures=True)


def report_key(who: str, idempotency_key: str | None) -> str | None:
    """The store's client key for a report carrying an `Idempotency-Key`: per person, so two people's
    phones choosing the same key never meet; None (a fresh key per report) without the header."""
    return hashlib.sha256(f"{who}\x00{idempotency_key}".encode()).hexdigest() if idempotency_key else None
