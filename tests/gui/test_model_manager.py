"""The Models tab, offscreen, on real files, a real local HTTP server and the real chat engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_server import ModelServer, Served
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from synthetic_gguf import write_synthetic_gguf

from backend.settings import Settings
from gui.model_manager import ModelManager


@pytest.fixture
def make_manager(qtbot, data_dir):
    made = []

    def make(in_use=()):
        manager = ModelManager(Settings(data_dir / "settings.json"), in_use_paths=lambda: in_use)
        qtbot.addWidget(manager)
        made.append(manager)
        qtbot.waitUntil(lambda: not manager.jobs.busy(), timeout=10_000)
        return manager

    yield make
    for manager in made:
        assert manager.shutdown(10_000)


def _drop(widget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(widget.rect().center(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the panel should accept model files being dragged over it"
    drop = QDropEvent(QPointF(widget.rect().center()), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, drop)


def _titles(manager) -> list[str]:
    return [manager.installed_table.item(r, 0).text() for r in range(manager.installed_table.rowCount())]


def _answer_next_message_box(button) -> None:
    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)


def test_drop_imports_a_model(qtbot, empty_models_dir, tmp_path, make_manager):
    manager = make_manager()
    source = write_synthetic_gguf(tmp_path / "dropped.gguf", name="Dropped model")
    with qtbot.waitSignal(manager.models_changed, timeout=10_000):
        _drop(manager, [source])
    assert "Dropped model" in _titles(manager)
    assert (empty_models_dir / "dropped.gguf").exists()
    assert manager.select_model(empty_models_dir / "dropped.gguf")
    assert "llama" in manager.details.text() and "F16" in manager.details.text()


def test_dropping_a_bad_file_says_why_and_installs_nothing(qtbot, empty_models_dir, tmp_path, make_manager):
    manager = make_manager()
    bad = tmp_path / "notes.gguf"
    bad.write_text("shopping list")
    with qtbot.waitSignal(
        manager.message_shown, timeout=10_000, check_params_cb=lambda text: "Could not import" in text
    ) as shown:
        _drop(manager, [bad])
    assert "not a GGUF model file" in shown.args[0]
    assert list(empty_models_dir.iterdir()) == []


def test_delete_after_confirmation(qtbot, empty_models_dir, make_manager):
    path = write_synthetic_gguf(empty_models_dir / "old.gguf", name="Old model")
    manager = make_manager()
    assert manager.select_model(path)
    _answer_next_message_box(QMessageBox.Yes)
    with qtbot.waitSignal(manager.models_changed, timeout=10_000):
        manager.delete_button.click()
    assert not path.exists() and "Old model" not in _titles(manager)


def test_delete_cancelled_keeps_the_file(qtbot, empty_models_dir, make_manager):
    path = write_synthetic_gguf(empty_models_dir / "keep.gguf")
    manager = make_manager()
    manager.select_model(path)
    _answer_next_message_box(QMessageBox.Cancel)
    manager.delete_button.click()
    assert path.exists()


def test_model_in_use_is_not_deleted(qtbot, empty_models_dir, make_manager):
    path = write_synthetic_gguf(empty_models_dir / "busy.gguf")
    manager = make_manager(in_use=[str(path)])
    manager.select_model(path)
    with qtbot.waitSignal(manager.message_shown) as shown:
        manager.delete_button.click()
    assert "in use" in shown.args[0] and path.exists()


def test_compute_settings_are_remembered_per_model(qtbot, empty_models_dir, make_manager, data_dir):
    path = write_synthetic_gguf(empty_models_dir / "tuned.gguf", layers=3, context=8192)
    manager = make_manager()
    manager.select_model(path)
    assert manager.compute.gpu_layers.maximum() == 3 and manager.compute.n_ctx.maximum() == 8192
    before = manager.compute.fit_label.text()
    manager.compute.n_ctx.setValue(6144)
    manager.compute.threads.setValue(1)
    saved = Settings(data_dir / "settings.json").model_settings(path)
    assert saved.n_ctx == 6144 and saved.n_threads == 1
    assert manager.compute.fit_label.text() != before and "context cache" in manager.compute.fit_label.text()


def test_pasted_link_downloads_in_the_background(qtbot, empty_models_dir, tmp_path, make_manager):
    model = write_synthetic_gguf(tmp_path / "remote.gguf", name="Remote model")
    server = ModelServer().start()
    try:
        server.files["remote.gguf"] = Served(model.read_bytes(), chunk_delay_s=0.01)
        manager = make_manager()
        manager.url_edit.setText(server.url("remote.gguf"))
        with qtbot.waitSignal(manager.models_changed, timeout=20_000):
            manager.url_button.click()
            assert manager.downloads.rows, "a row appears at once, before the transfer ends"
        assert "Remote model" in _titles(manager)
        assert "SHA-256 verified" in manager.downloads.rows[0].status.text()
    finally:
        server.stop()


def test_choosing_a_chat_model_reloads_the_engine_without_freezing(qtbot, open_window, gemma_model_path):
    window = open_window()
    manager = window.model_manager
    qtbot.waitUntil(lambda: manager.select_model(gemma_model_path), timeout=10_000)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(__import__("time").monotonic()))
    timer.start(10)
    with qtbot.waitSignal(
        window.chat_pane.model_status_changed, timeout=60_000, check_params_cb=lambda status: status is not None
    ) as loaded:
        manager.use_chat_button.click()
    timer.stop()
    assert loaded.args[0].path == str(gemma_model_path)
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    # A load in the GUI thread would stop the ticks for the whole load; on 2 busy cores the scheduler
    # alone delays one by a quarter second now and then (0.28 s seen in a fresh-clone run).
    load = ticks[-1] - ticks[0]
    assert len(ticks) > 3 and max(gaps) < max(0.25, load / 2), f"the window froze for {max(gaps):.2f} s of {load:.2f}"


def test_half_download_from_an_earlier_session_resumes_on_click(qtbot, empty_models_dir, tmp_path, make_manager):
    from backend.models import registry
    from backend.models.downloads import DownloadState

    model = write_synthetic_gguf(tmp_path / "big.gguf", layers=4, embd=256, ff=512, name="Resumed model")
    size = model.stat().st_size
    server = ModelServer().start()
    try:
        server.files["big.gguf"] = Served(model.read_bytes(), cut_after=size // 3)
        assert registry.model_download(server.url("big.gguf")).run() == DownloadState.FAILED  # "the app closed"

        requests_before = len(server.log)
        manager = make_manager()
        [row] = manager.downloads.rows
        assert row.pause_button.text() == "Resume" and "earlier session" in row.status.text()
        assert len(server.log) == requests_before, "no request may be made before the user asks"
        with qtbot.waitSignal(manager.models_changed, timeout=20_000):
            row.pause_button.click()
        assert "Resumed model" in _titles(manager)
        assert server.gets()[-1].range == f"bytes={size // 3}-"
    finally:
        server.stop()


def test_drop_onto_the_window_imports_and_shows_models(qtbot, empty_models_dir, tmp_path, open_window):
    window = open_window(wait_for_model=False)
    manager = window.model_manager
    qtbot.waitUntil(lambda: not manager.jobs.busy(), timeout=10_000)
    source = write_synthetic_gguf(tmp_path / "window-drop.gguf", name="Window drop")
    with qtbot.waitSignal(manager.models_changed, timeout=10_000):
        _drop(window, [source])
    assert window.tabs.currentWidget() is manager
    assert "Window drop" in _titles(manager)
    qtbot.waitUntil(lambda: window.chat_pane.model_info is not None, timeout=60_000)  # let the startup load finish


def test_models_shows_the_threads_the_engine_uses(qtbot, open_window, chat_model_path):
    from backend.defaults import default_threads

    window = open_window()
    manager = window.model_manager
    qtbot.waitUntil(lambda: manager.select_model(chat_model_path), timeout=10_000)
    assert manager.compute.threads.value() == window.chat_pane.model_info.n_threads == default_threads("chat")
    service = window.llm_service
    assert window.chat_pane.llm_service is service, "one engine for every front end"
    assert service.loaded_model.n_threads == manager.compute.threads.value()
