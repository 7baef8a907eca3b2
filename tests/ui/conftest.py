"""Qt widget tests run offscreen: no display needed; pytest-qt's `qapp` makes the QApplication."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
