"""The desk's sign-in on PostgreSQL: the database checks the password; a refusal is said in the UI's words."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user, disable_user
from gridwatch.db.store import Store
from gridwatch.ui.application import install_translator, make_application
from gridwatch.ui.sign_in import SignInDialog
from tests.conftest import PG_URL, pg_url

PASSWORD = "right-password-1"


@pytest.fixture
def person(pg_store: Store) -> Iterator[str]:
    username = f"gwt_{uuid.uuid4().hex[:8]}"
    add_user(pg_store, actor="admin", username=username, name="张三", roles=["dispatcher"], password=PASSWORD)
    yield username
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


def press_ok(qtbot: QtBot, dialog: SignInDialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_wrong_password_is_told_in_chinese_and_the_right_one_signs_in(
    qapp: object, qtbot: QtBot, pg_schema: str, person: str
) -> None:
    app = make_application("zh_CN")
    try:
        dialog = SignInDialog(pg_url(pg_schema).replace("gridwatch:gridwatch@", ""))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.username, person)
        qtbot.keyClicks(dialog.password, "wrong-password")
        press_ok(qtbot, dialog)
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.error.text() == "用户名或密码错误。"
        assert dialog.password.text() == "" and dialog.username.text() == person
        qtbot.keyClicks(dialog.password, PASSWORD)
        press_ok(qtbot, dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.store is not None and dialog.store.whoami() == person
        dialog.store.dispose()
    finally:
        for translator in app.findChildren(QTranslator):  # back to English for the next tests
            app.removeTranslator(translator)
        install_translator(app, "en")


def test_a_disabled_user_is_told_so(
    qapp: object, qtbot: QtBot, pg_store: Store, pg_schema: str, person: str
) -> None:
    disable_user(pg_store, actor="admin", username=person)
    dialog = SignInDialog(pg_url(pg_schema).replace("gridwatch:gridwatch@", ""), person)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, PASSWORD)
    press_ok(qtbot, dialog)
    assert dialog.error.text() == "This sign-in is disabled. Ask an administrator."
    assert dialog.store is None
