"""`TalkFloor`: the store side of a workstation's push-to-talk, kept off the GUI thread.

Taking the speakers, renewing them while the operator talks, and releasing and recording afterwards are
database round trips; on a shared PostgreSQL server any of them can stall for a moment, and a stalled GUI
thread would stall the microphone too. One worker thread runs them in order (a release can never overtake
its own acquire) and the answers come back as signals, queued to the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Signal

from gridwatch.db import talk
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.store import Store

log = logging.getLogger(__name__)


class TalkFloor(QObject):
    """Asks the store's talk arbiter for the speakers on behalf of `username`."""

    resolved = Signal(object)  # list[talk.Speaker]: who a press would reach
    granted = Signal(object)  # talk.Grant
    busy = Signal(str, str)  # the holder's name, the message that says what to do
    lost = Signal(object, object)  # talk.Grant, talk.Takeover: someone of a higher role took over
    recorded = Signal(int)  # the TalkRecord id of a finished talk
    failed = Signal(str)  # the store could not answer; the message says why

    def __init__(self, store: Store, username: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.username = store, username
        self.renew_every = talk.RENEW_SECONDS
        self._jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talk-store")
        self._renewal: talk.Renewal | None = None
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def lookup(self, codes: Sequence[str], group: str | None) -> None:
        self._submit(lambda: self.resolved.emit(talk.speakers(self.store, codes, group)))

    def request(self, codes: Sequence[str], group: str | None) -> None:
        def acquire() -> None:
            try:
                grant = talk.acquire(self.store, self.username, codes, group=group)
            except talk.SpeakerBusy as exc:
                self.busy.emit(exc.holder, str(exc))
                return
            self.granted.emit(grant)

        self._submit(acquire)

    def keep(self, grant: talk.Grant) -> None:
        """Renew `grant` until `finish`; a take-over comes back as `lost`."""
        self._stop_renewal()
        self._renewal = talk.Renewal(
            self.store, grant, every=self.renew_every, on_lost=lambda taker: self._emit_lost(grant, taker)
        )
        self._renewal.start()

    def _emit_lost(self, grant: talk.Grant, taker: talk.Takeover) -> None:
        try:
            self.lost.emit(grant, taker)
        except RuntimeError:  # the button is gone: nobody left to tell
            log.debug("talk floor deleted before a take-over could be shown")

    def finish(
        self,
        grant: talk.Grant,
        *,
        started_at: datetime,
        ended_at: datetime,
        codec: str,
        audio: bytes,
        preempted_by: int | None = None,
    ) -> None:
        """Release what is still held and keep the talk on the record."""
        self._stop_renewal()

        def release_and_record() -> None:
            talk.release(self.store, grant)
            if not audio:
                return
            record_id = talk.record(
                self.store,
                self.username,
                started_at=started_at,
                ended_at=ended_at,
                targets=grant.targets,
                codec=codec,
                kind="microphone",
                audio=audio,
                preempted_by=preempted_by,
            )
            self.recorded.emit(record_id)

        self._submit(release_and_record)

    def release(self, grant: talk.Grant) -> None:
        """Give the speakers back without a record (nothing was sent)."""
        self._stop_renewal()
        self._submit(lambda: talk.release(self.store, grant))

    def shutdown(self) -> None:
        """Waits for the queued store work (a record must not be lost at exit)."""
        self._stop_renewal()
        self._jobs.shutdown(wait=True)

    def _stop_renewal(self) -> None:
        if self._renewal is not None:
            self._renewal.stop(wait=False)
            self._renewal = None

    def _submit(self, job: Callable[[], None]) -> None:
        def guarded() -> None:
            try:
                job()
            except (StoreError, StoreUnavailable) as exc:
                self._emit_failed(str(exc))
            except Exception as exc:  # a worker must report, never die silently inside a future
                log.exception("push-to-talk store job failed")
                self._emit_failed(f"{type(exc).__name__}: {exc}")

        try:
            self._jobs.submit(guarded)
        except RuntimeError:  # after shutdown: the application is closing
            log.warning("push-to-talk store job dropped at shutdown")

    def _emit_failed(self, message: str) -> None:
        try:
            self.failed.emit(message)
        except RuntimeError:
            log.warning("push-to-talk store job failed after its button closed: %s", message)
