"""The one way the desk reads the store from a slot or a timer, so that an unreachable store is said once.

A slot that let `StoreUnavailable` escape showed the person nothing (a traceback on stderr) and could leave
a model part-way through a change. Every read a click, a key, a timer or the change feed starts goes
through `StoreReads.read`: the caller reads everything first and changes what it shows only with the
answer in hand, so a failed read leaves the view as it was; `unreachable` carries the store's message to
the window, whose `AwayNotice` says in its status bar since when its rows are. A store error that
is not about reaching the store (a refusal, a bug) still raises: hiding it would hide a wrong answer.

A network that drops packets (no refusal) makes every new connection wait out its connect timeout
(db/engine.py), on the GUI thread, and the desk's timers read every few seconds: the window would freeze
again and again for the whole outage. So a window that `watch`es its store (the desk, on PostgreSQL) waits
at most once: after a read has found the store away, its reads answer None at once and the GUI thread
opens no connection to the store at all (db/reach.ThreadGate: an action sent meanwhile fails at once
with the same message), while a `StoreProbe` on a worker thread asks the store every few seconds whether
it answers. When it does (or the change feed has reconnected: `answered`), `back` tells the window to read
again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QStatusBar

from gridwatch.db.engine import StoreBusy, StoreUnavailable, connect_timeout, first_line
from gridwatch.db.reach import ThreadGate, answers
from gridwatch.db.store import Store, utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")

PROBE_MS = 3000
"""How often a window whose store is away asks it whether it answers again (a probe in flight is not asked
again: on a network that drops packets each waits out the connect timeout)."""


class StoreReads(QObject):
    """Runs a desk's reads; one per window, shared by its queue, detail, banners and alerts."""

    unreachable = Signal(str)  # the store's message: where it is and what to check
    back = Signal()  # the store answered a probe or the feed's reconnect: what could not be read may be now

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock: Callable[[], datetime] = utcnow
        self.reached_at: datetime | None = None
        """The last time the store answered (a read, a probe, the feed's reconnect): the rows shown are good
        as of then, even when the queue itself was read long before (a quiet queue changes nothing)."""
        self.away: str | None = None
        """Why the last read failed (the store's message) until the store answers again; None within reach."""
        self.probe: StoreProbe | None = None
        self._gate: ThreadGate | None = None

    def watch(self, store: Store) -> StoreProbe:
        """From now on, a store found away is not waited for again: reads answer None at once and the GUI
        thread opens no connection to it until the probe (every PROBE_MS) or `answered` says it is back.
        For a store across a network (PostgreSQL): an SQLite file fails at once anyway."""
        if self.probe is None:
            self.probe = StoreProbe(answers(store), PROBE_MS, connect_timeout(store.engine.url), self)
            self.probe.answered.connect(self.answered)
            gate = self._gate = ThreadGate(store)
            self.destroyed.connect(lambda _obj=None: gate.close())  # never leave an engine shut to the GUI
        return self.probe

    def unwatch(self) -> None:
        """The window closes: no more probes, and the GUI thread may connect again."""
        if self.probe is not None:
            self.probe.end()
        if self._gate is not None:
            self._gate.close()

    @property
    def shut(self) -> bool:
        """A watched store is known to be away: reads answer None at once, until it answers again."""
        return self._gate is not None and self._gate.reason is not None

    def read(self, read: Callable[[], T]) -> T | None:
        """`read()`'s answer, or None when the store could not be reached (the server down, the network cut,
        every connection busy); then `unreachable` has said why. `read` returns no None of its own.
        While a watched store is known to be away (`shut`), None at once: `read` is not called."""
        if self.shut:
            return None
        try:
            answer = read()
        except StoreUnavailable as exc:
            log.warning("a desk read could not reach the store: %s", exc)
            self._lost(exc)
            self.unreachable.emit(str(exc))
            return None
        self.reached_at, self.away = self.clock(), None
        return answer

    def _lost(self, exc: StoreUnavailable) -> None:
        self.away = str(exc)
        if self.probe is None or self._gate is None or isinstance(exc, StoreBusy):
            return  # not watched, or the store answers and only the pool is full: a probe would say "back"
        cause = exc.__cause__
        self._gate.reason = first_line(cause) if cause is not None else str(exc)
        self.probe.begin()

    def try_again(self) -> bool:
        """F5 while a watched store is known away: ask it now, off the GUI thread, and return True; `back`
        follows when it answers. False when the caller should read itself (within reach, or not watched)."""
        if not self.shut or self.probe is None:
            return False
        self.probe.start()
        return True

    def answered(self) -> None:
        """The store answered outside a read (a probe, the change feed's reconnect): reads may reach it again,
        and `back` says so. The one way back for the window, whoever noticed first."""
        self.reached_at = self.clock()
        self.away = None
        if self._gate is not None:
            self._gate.reason = None
        if self.probe is not None:
            self.probe.end()
        self.back.emit()


class StoreProbe(QObject):
    """Asks a store whether it answers (`check`: connect, SELECT 1), on a worker thread of its own so that a
    network dropping packets keeps that thread, not the window, waiting. `begin` asks now and then every
    `interval_ms` until `end` or an answer (`answered`); `start` asks now unless a question is in flight.
    A question unanswered after `patience_s` is given up (a connection cut between its connect and its
    SELECT waits as long as TCP does) and asked again."""

    answered = Signal()
    failed = Signal(str)  # the driver's first line

    def __init__(
        self, check: Callable[[], None], interval_ms: int, timeout_s: float, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._check = check
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.start)
        self.patience_s = 2 * timeout_s + interval_ms / 1000
        self._asked = 0  # the question in flight: an answer to an older one is not listened to
        self._since: float | None = None  # time.monotonic() it was asked; None: none in flight
        self._relays: dict[int, _Relay] = {}  # kept until answered: deleted in this thread, not the worker's

    def begin(self) -> None:
        if not self.timer.isActive():
            self.timer.start()
            self.start()

    def end(self) -> None:
        self.timer.stop()
        self._asked += 1
        self._since = None

    def start(self) -> None:
        if self._since is not None and time.monotonic() - self._since < self.patience_s:
            return
        self._asked += 1
        asked, self._since = self._asked, time.monotonic()
        relay = self._relays[asked] = _Relay()  # lives in the GUI thread: its signal is queued to this one
        relay.done.connect(self._done)
        threading.Thread(target=_ask, args=(self._check, relay, asked), daemon=True).start()

    @Slot(int, object)
    def _done(self, asked: int, reason: str | None) -> None:
        self._relays.pop(asked, None)
        if asked != self._asked:
            return
        self._since = None
        if reason is None:
            self.timer.stop()
            self.answered.emit()
        else:
            log.info("the store does not answer yet: %s", reason)
            self.failed.emit(reason)


class _Relay(QObject):
    """Carries one probe's answer from its worker thread to the GUI thread (a queued signal)."""

    done = Signal(int, object)  # the question, None or the driver's first line


def _ask(check: Callable[[], None], relay: _Relay, asked: int) -> None:
    """A probe's worker thread: it touches nothing of the window but the relay's signal."""
    reason: str | None
    try:
        check()
        reason = None
    except Exception as exc:  # any failure is "not yet": the next probe asks again
        reason = first_line(exc)
    with contextlib.suppress(RuntimeError):  # the window closed meanwhile
        relay.done.emit(asked, reason)


class AwayNotice(QObject):
    """A window's status bar while its store is out of reach: the store's own message (where, what to
    check) as the tooltip and, until a read reaches the store again (`reached`), the window's standing line
    (`standing`: since when its rows are), said again whenever a passing message (an alert, a decision
    done) has gone. The desk and the review station say it this one way."""

    def __init__(self, reads: StoreReads, bar: QStatusBar, standing: Callable[[], str]) -> None:
        super().__init__(bar)
        self.reason: str | None = None
        """Why the last read failed, until a read reaches the store again; None while within reach."""
        self._bar = bar
        self._standing = standing
        reads.unreachable.connect(self.unreachable)
        bar.messageChanged.connect(self._cleared)

    def unreachable(self, reason: str) -> None:
        self.reason = reason
        self._bar.setToolTip(reason)
        self._bar.showMessage(self._standing())

    def reached(self) -> None:
        """The rows were read again: what the status bar said of the store is over."""
        if self.reason is not None:
            self.reason = None
            self._bar.setToolTip("")
            self._bar.showMessage(self._standing())

    def _cleared(self, message: str) -> None:
        if not message and (standing := self._standing()):
            self._bar.showMessage(standing)
