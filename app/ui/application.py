"""The Qt application: name, style, a font that has Chinese glyphs, the UI language, and the entry point.

The language comes from `--lang`, else the `ui/language` setting, else the system locale: a zh locale gets
the Chinese UI. Translations live in resources/translations (gridwatch_<lang>.qm, compiled from the .ts
files with pyside6-lrelease), found as gridwatch/resources/translations both in a checkout (app/resources is
a symlink to them, docs/ARCHITECTURE.md) and in the installed wheel (package data).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QElapsedTimer,
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from gridwatch.db.errors import StoreError
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers
from gridwatch.ui import texts
from gridwatch.ui.login import Login, LoginDialog, find_login, people
from gridwatch.ui.main_window import MainWindow
from gridwatch.ui.sign_in import open_desk
from gridwatch.video.pane import VideoPane
from gridwatch.video.state import StreamState

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
LANGUAGES = ("zh_CN", "en")
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")
ORGANIZATION = "gridwatch"
APPLICATION = "gridwatch"


def choose_language(explicit: str | None, settings: QSettings) -> str:
    if explicit:
        if explicit not in LANGUAGES:
            raise ValueError(f"Unknown language '{explicit}': choose one of {', '.join(LANGUAGES)}.")
        return explicit
    saved = settings.value("ui/language")
    if isinstance(saved, str) and saved in LANGUAGES:
        return saved
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def install_translator(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load gridwatch's and Qt's own translations (button texts such as OK/Cancel) for `language`."""
    installed = []
    ours = QTranslator(app)
    if ours.load(f"gridwatch_{language}", str(TRANSLATIONS)):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    QLocale.setDefault(QLocale(language))
    texts.clear()
    return installed


def pick_font() -> QFont:
    families = set(QFontDatabase.families())
    family = next((f for f in CJK_FAMILIES if f in families), None)
    font = QFont(family) if family else QApplication.font()
    font.setPointSize(10)
    return font


def make_application(language: str | None = None, argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once per process), styled and translated."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationDisplayName("gridwatch")
    app.setStyle("Fusion")
    app.setFont(pick_font())
    install_translator(app, choose_language(language, QSettings()))
    return app


def run_dispatcher(
    store_url: str | None,
    user: str | None,
    lang: str | None,
    screenshot: Path | None,
    *,
    speakers: LoopbackSpeakers | None = None,
    open_camera: str | None = None,
    basemap: str = "",
    field_api: str = "",
) -> int:
    """Open the dispatcher workstation on a store; with `screenshot`, save the loaded window and exit.
    `speakers` (the demo's loopback loudspeakers) show as speaking in the window; `open_camera` opens
    that camera's pane at once; `basemap` is the map's basemap when the settings name none (the demo's);
    `field_api` (the demo's field API address) shows in the status bar."""
    app = make_application(lang)

    def build(store: Store, user: str | None) -> tuple[Login, str] | None:
        if user is not None:
            login = find_login(store, user)
            if login is None:
                raise StoreError(f"No active person with username '{user}'.")
            return login, "dispatcher"
        if screenshot is not None:  # unattended: the first desk person
            candidates = people(store)
            if not candidates:
                raise StoreError("The store has no people who may open the dispatcher desk.")
            return candidates[0], "dispatcher"
        dialog = LoginDialog(store)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
            return None
        return dialog.chosen()

    opened = open_desk(
        store_url, user, build, unattended=screenshot is not None, show_errors=screenshot is None
    )
    if opened is None:
        return 1
    store, (login, workspace) = opened
    if workspace == "review":  # a supervisor chose the review station at sign-in (gridwatch.ui.review)
        from gridwatch.ui.review.window import ReviewWindow

        review = ReviewWindow(store, login, default_basemap=basemap)
        review.show()
        code = app.exec()
        store.dispose()
        return code
    # a screenshot shows the default layout, and leaves the workstation's saved one alone
    settings = (
        QSettings(str(Path(tempfile.mkdtemp()) / "layout.ini"), QSettings.Format.IniFormat)
        if screenshot
        else None
    )
    window = MainWindow(store, login, workspace, settings, live=screenshot is None, default_basemap=basemap)
    if speakers is not None:
        window.watch_speakers(speakers)
    if field_api:
        window.show_field_api(field_api)
    if open_camera is not None:
        pane = window.open_camera(code=open_camera)
        if pane is not None and pane.camera.speaker_code:
            window.open_speaker(code=pane.camera.speaker_code)
    window.show()
    if screenshot is not None:
        return save_screenshot(window, screenshot)
    code = app.exec()
    store.dispose()
    return code


def _wait_settled(video: VideoPane, timeout_ms: int) -> None:
    """Until the pane is live or lost (not connecting), at most `timeout_ms`."""
    settled = (StreamState.LIVE, StreamState.LOST)
    if video.state in settled:
        return
    loop = QEventLoop()

    def changed(state: str, _message: str) -> None:
        if state in settled:
            loop.quit()

    video.state_changed.connect(changed)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    video.state_changed.disconnect(changed)


def save_screenshot(window: MainWindow, path: Path, timeout_ms: int = 15_000) -> int:
    """Wait until the queue, the detail and the map have loaded, then grab the window to a PNG."""
    clock = QElapsedTimer()
    clock.start()
    model = window.queue.model
    for row in range(min(model.rowCount(), 50)):  # show a case the person can act on, if one is near the top
        window.queue.select_case(model.case_at(row).id)
        if window.controller.enabled_actions():
            break
    wait = getattr(window.map, "wait_loaded", None)
    if callable(wait):
        wait(max(0, timeout_ms - clock.elapsed()))
    for pane in window.video.panes:  # a camera shows its picture, or why not
        _wait_settled(pane.video, max(0, timeout_ms - clock.elapsed()))
    return shoot(window, window.store, path, settle_ms=300)  # the last frames and layout changes


def shoot(window: QWidget, store: Store, path: Path, *, settle_ms: int) -> int:
    """How every window's `--screenshot` ends, once its own content has loaded: let the events of
    `settle_ms` run (late paints and layout changes), grab the window to the PNG at `path`, close the
    window and the store. The exit code: 0 once the PNG is saved, else 1."""
    settle = QEventLoop()
    QTimer.singleShot(settle_ms, settle.quit)
    settle.exec()
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(path))
    window.close()
    store.dispose()
    return 0 if ok else 1
