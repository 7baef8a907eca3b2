"""Report tests: Qt offscreen (the PDF and the charts need the one QApplication of the suite, pytest-qt's
`qapp`), and the evaluation's November dataset (tests/db/test_evaluation.py) on SQLite, whose figures the
database tests check on both backends."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from gridwatch.db.reads.evaluation import Evaluation, evaluate
from gridwatch.db.store import Store
from tests.db.test_evaluation import NOV, seed


@pytest.fixture(autouse=True)
def _app(qapp: QApplication) -> QApplication:
    return qapp


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    """The suite's `store`, on SQLite only here (so `staff` and `seed` fill it)."""
    return sqlite_store


@pytest.fixture
def november(store: Store, staff: dict[str, str]) -> tuple[Store, Evaluation]:
    seed(store)
    return store, evaluate(store, *NOV)


EMPTY = (date(2020, 1, 1), date(2020, 1, 31))
