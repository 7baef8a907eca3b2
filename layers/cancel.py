"""Cancellation shared by the GUI thread (which cancels) and render workers (which poll)."""

from __future__ import annotations

import threading


class RenderCancelled(Exception):
    """Raised inside a renderer to unwind quickly; the job drops the layer silently."""


class CancelToken:
    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Call between batches: a renderer never checks inside a numpy call, only around it."""
        if self._event.is_set():
            raise RenderCancelled
