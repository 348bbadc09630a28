"""The tray and the dictation-into-other-apps controller with the real Whisper engine on a clip player
(the real microphone, shortcut and typing are tests/e2e/test_dictate_into_apps.py): the tray shows
idle / listening / transcribing, only committed words go out, and nothing goes into Hearth's own window."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import FakeMicrophone
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from backend.anywhere_settings import AnywhereSettings, ShortcutMode
from backend.audio import decode_file
from backend.settings import Settings
from backend.text_delivery import DeliveryMethod
from backend.wer import wer
from gui.tray import DictationTray, TrayState, state_icon

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"
AEW_TEXT = "For the twentieth time that evening the two men shook hands."


def _share(image, color: QColor) -> float:
    """Fraction of the pixels of the icon's lower right corner (where the badge goes) close to `color`."""
    hits = total = 0
    for y in range(40, image.height()):
        for x in range(40, image.width()):
            c = image.pixelColor(x, y)
            total += 1
            if (
                c.alpha() > 200
                and abs(c.red() - color.red()) + abs(c.green() - color.green()) + abs(c.blue() - color.blue()) < 60
            ):
                hits += 1
    return hits / total


def test_tray_icon_shows_each_state(qtbot):
    red, amber = QColor("#d93025"), QColor("#f29900")
    images = {state: state_icon(state).pixmap(64, 64).toImage() for state in TrayState}
    assert _share(images[TrayState.IDLE], red) < 0.01 and _share(images[TrayState.IDLE], amber) < 0.01
    assert _share(images[TrayState.LISTENING], red) > 0.1
    assert _share(images[TrayState.TRANSCRIBING], amber) > 0.1

    tray = DictationTray()
    tray.set_shortcut_text("Ctrl+Alt+Space")
    assert "ready" in tray.icon.toolTip() and "Ctrl+Alt+Space" in tray.icon.toolTip()
    assert tray.toggle_action.text() == "Start dictation"
    with qtbot.waitSignal(tray.toggle_requested):
        tray.toggle_action.trigger()
    tray.set_state(TrayState.LISTENING)
    assert "listening" in tray.icon.toolTip() and tray.toggle_action.text() == "Stop dictation"
    assert tray.icon.icon().pixmap(64, 64).toImage() == images[TrayState.LISTENING]
    tray.set_state(TrayState.TRANSCRIBING)
    assert not tray.toggle_action.isEnabled(), "stopping already: a second stop means nothing"
    tray.fill_microphones(None)
    names = [a.text() for a in tray.microphone_menu.actions()]
    assert names[0] == "System default" and tray.microphone_menu.actions()[0].isChecked()


class RecordingDelivery(QObject):
    """Stands in for the typing tools (the real ones are the e2e test's): keeps what it was given."""

    failed = Signal(str)

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self.method = DeliveryMethod.AUTO

    def problem(self):
        return None

    def deliver(self, text: str) -> None:
        self.pieces.append(text)


@pytest.fixture
def controller(qtbot, data_dir, speech_model_path):
    from gui.dictation_anywhere import AnywhereDictation
    from gui.dictation_panel import DictationPanel

    settings = Settings(data_dir / "settings.json")
    settings.set("speech_model", str(speech_model_path))
    mic = FakeMicrophone(decode_file(SPEECH / "arctic_aew_a0003.wav"))
    panel = DictationPanel(settings, source_factory=lambda device: mic)
    qtbot.addWidget(panel)
    delivery = RecordingDelivery()
    anywhere = AnywhereDictation(panel, settings, delivery=delivery)
    yield anywhere, panel, delivery
    anywhere.shutdown()
    panel.shutdown()


def test_committed_words_go_out_in_order_and_the_tray_follows(qtbot, controller):
    anywhere, panel, delivery = controller
    states, unconfirmed_seen = [], []
    anywhere.state_changed.connect(states.append)
    panel.worker.dictation_updated.connect(lambda r: unconfirmed_seen.append(r.update.unconfirmed))

    anywhere.command("begin")
    assert anywhere.state == TrayState.LISTENING, "the cue comes at once, before the microphone opens"
    qtbot.waitUntil(lambda: len("".join(delivery.pieces).split()) >= 8, timeout=60_000)
    anywhere.command("end")
    assert anywhere.state == TrayState.TRANSCRIBING
    qtbot.waitUntil(lambda: anywhere.state == TrayState.IDLE, timeout=60_000)

    typed = "".join(delivery.pieces)
    assert typed == panel.committed_text(), "exactly the committed words, each once"
    assert wer(AEW_TEXT, typed) <= 0.25
    assert any(unconfirmed_seen), "grey words existed while listening ..."
    assert states == [TrayState.LISTENING, TrayState.TRANSCRIBING, TrayState.IDLE]


def test_toggle_twice_starts_and_stops(qtbot, controller):
    anywhere, panel, delivery = controller
    anywhere.command("toggle")
    qtbot.waitUntil(lambda: panel.recording and bool(delivery.pieces), timeout=60_000)
    anywhere.command("toggle")
    qtbot.waitUntil(lambda: anywhere.state == TrayState.IDLE, timeout=60_000)
    assert not panel.recording


def test_nothing_is_typed_into_hearths_own_window(qtbot, controller):
    anywhere, panel, delivery = controller
    messages = []
    anywhere.message.connect(messages.append)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel, timeout=5000)
    anywhere.command("begin")
    qtbot.waitUntil(lambda: bool(panel.committed_text()), timeout=60_000)
    anywhere.command("end")
    qtbot.waitUntil(lambda: anywhere.state == TrayState.IDLE, timeout=60_000)
    assert delivery.pieces == []
    assert sum("own window" in m for m in messages) == 1, "said once, not for every word"
    assert panel.committed_text(), "the words are kept in the Dictation tab"


def test_the_settings_test_field_receives_the_words(qtbot, controller):
    from gui.dictate_anywhere_dialog import AnywhereSettingsDialog

    anywhere, panel, delivery = controller
    dialog = AnywhereSettingsDialog(anywhere)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    dialog.test_field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.test_field, timeout=5000)
    anywhere.command("begin")
    qtbot.waitUntil(lambda: len(dialog.test_field.text().split()) >= 8, timeout=60_000)
    anywhere.command("end")
    qtbot.waitUntil(lambda: anywhere.state == TrayState.IDLE, timeout=60_000)
    assert dialog.test_field.text() == panel.committed_text()
    assert delivery.pieces == []

    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData(ShortcutMode.TOGGLE))
    dialog.delivery_combo.setCurrentIndex(dialog.delivery_combo.findData(DeliveryMethod.PASTE))
    dialog.tray_check.setChecked(True)
    dialog.accept()
    saved = AnywhereSettings.load(Settings(anywhere.settings.path))
    assert (saved.mode, saved.delivery, saved.close_to_tray, saved.close_to_tray_asked) == (
        ShortcutMode.TOGGLE,
        DeliveryMethod.PASTE,
        True,
        True,
    )
    assert anywhere.test_field is None


def test_closing_the_window_asks_once_about_staying_in_the_tray(qtbot, controller, monkeypatch):
    from PySide6.QtWidgets import QMainWindow, QMessageBox

    anywhere, panel, delivery = controller
    window = QMainWindow()
    qtbot.addWidget(window)
    window.menuBar().addMenu("&File").addAction("&Quit", window.close)
    anywhere.attach(window)
    assert "Dictate into other applications…" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    monkeypatch.setattr(DictationTray, "available", staticmethod(lambda: True))  # no tray on offscreen Qt
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args) or QMessageBox.Yes)

    assert anywhere.keep_running_in_tray(spontaneous=False) is False, "File → Quit always quits"
    assert asked == []
    assert anywhere.keep_running_in_tray(spontaneous=True) is True
    assert anywhere.keep_running_in_tray(spontaneous=True) is True
    assert len(asked) == 1, "asked once, then remembered"
    saved = AnywhereSettings.load(Settings(anywhere.settings.path))
    assert saved.close_to_tray and saved.close_to_tray_asked
