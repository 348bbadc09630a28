"""The model pickers: the chat's switches the real engine between two real GGUFs and the window
follows; the Dictation tab's offers only the languages the chosen Whisper model understands."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import FakeMicrophone

from backend.settings import Settings
from gui.model_picker import ModelChoice, ModelPicker


def _menu_action(picker: ModelPicker, text: str):
    """Open the picker's menu the way a click does (it is filled on aboutToShow) and find an entry."""
    picker.menu.aboutToShow.emit()
    matches = [a for a in picker.menu.actions() if text in a.text()]
    assert matches, f"{text!r} not in the menu: {[a.text() for a in picker.menu.actions()]}"
    return matches[0]


def test_the_picker_switches_the_chat_model_and_the_status_follows(qtbot, open_window, gemma_model_path):
    window = open_window()
    pane, picker = window.chat_pane, window.chat_pane.model_picker
    assert "Qwen2.5" in picker.button.text() and "Q4_K_M" in picker.button.text() and "CPU" in picker.button.text()
    qtbot.waitUntil(lambda: any(m.path == gemma_model_path for m in window.model_manager.installed), timeout=30_000)
    current = _menu_action(picker, "Qwen2.5-Coder")
    assert current.isChecked(), "the model in use is ticked in the menu"

    loading_seen = []
    pane.worker.model_loading.connect(lambda *_: loading_seen.append(picker.progress.isVisibleTo(picker)))
    with qtbot.waitSignal(pane.model_status_changed, timeout=120_000):
        _menu_action(picker, "Gemma 3 270M").trigger()
    assert loading_seen and all(loading_seen), "load progress is shown beside the picker while the model loads"

    status = pane.model_info
    assert status is not None and status.path == str(gemma_model_path)
    assert status.name in picker.button.text() and not picker.progress.isVisibleTo(picker)
    assert status.name in window.model_label.text() and "Qwen" not in window.model_label.text()
    assert _menu_action(picker, "Gemma 3 270M").isChecked()
    assert window.settings.chat_model == str(gemma_model_path), "the choice is remembered for the next start"

    # The new model answers: a reply streams from it.
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000) as finished:
        pane.input.setPlainText("Once upon a time")
        pane.send()
    assert finished.args[0]["generated_tokens"] > 0
    saved = window.store.messages(pane.conversation_id)[-1]
    assert saved.role == "assistant" and saved.content.strip()


def test_get_more_models_opens_the_chat_catalog(qtbot, open_window):
    window = open_window(wait_for_model=False)
    _menu_action(window.chat_pane.model_picker, "Get more models").trigger()
    manager = window.model_manager
    assert window.tabs.currentWidget() is manager
    assert manager.sections.currentIndex() == 1 and manager.kind_filter.currentData() == "chat"
    kinds = {manager.catalog_table.item(r, 1).text() for r in range(manager.catalog_table.rowCount())}
    assert kinds == {"Chat"}


def test_providers_fill_the_menu_in_groups_and_a_failing_one_does_not_break_it(qtbot):
    picker = ModelPicker("Model:")
    qtbot.addWidget(picker)
    picker.add_provider(lambda: [ModelChoice("/m/a.gguf", "Local A", "Q4_K_M · 400 MB")])
    picker.add_provider(
        lambda: [
            ModelChoice("remote:lab/llama", "llama-3-8b", group="Lab server"),
            ModelChoice("remote:lab/down", "offline-model", group="Lab server", enabled=False),
        ]
    )

    def broken():
        raise OSError("the index could not be read")

    picker.add_provider(broken)
    picker.set_current("/m/a.gguf", "Local A", "Q4_K_M")
    picker.menu.aboutToShow.emit()
    actions = picker.menu.actions()
    texts = [a.text() for a in actions]
    assert "Lab server" in texts, "remote models come under their server's heading"
    assert _menu_action(picker, "Local A").isChecked()
    assert not _menu_action(picker, "offline-model").isEnabled()
    assert not _menu_action(picker, "could not be read").isEnabled()

    chosen = []
    picker.chosen.connect(chosen.append)
    _menu_action(picker, "Local A").trigger()  # already in use: nothing to load
    _menu_action(picker, "offline-model").trigger()
    assert chosen == []
    _menu_action(picker, "llama-3-8b").trigger()
    assert [c.ref for c in chosen] == ["remote:lab/llama"]


@pytest.fixture
def dictation(qtbot, data_dir, speech_model_path, multilingual_speech_model_path):
    from gui.dictation_panel import DictationPanel

    settings = Settings(data_dir / "settings.json")
    settings.speech_model = str(speech_model_path)  # tiny.en, English only
    panel = DictationPanel(settings, source_factory=lambda d: FakeMicrophone(np.zeros(1)))
    qtbot.addWidget(panel)
    yield panel
    panel.shutdown()


def _languages(panel) -> list[str]:
    return [panel.language_combo.itemData(i) for i in range(panel.language_combo.count())]


def test_the_speech_picker_offers_only_what_the_model_understands(
    qtbot, dictation, speech_model_path, multilingual_speech_model_path
):
    from backend.models import registry
    from gui.model_picker import installed_choices

    panel = dictation
    assert "tiny.en" in panel.speech_picker.button.text() and "English only" in panel.speech_picker.button.text()
    assert _languages(panel) == ["en"], "no 'Detect language' (or any other) with an English-only model"
    assert "English only" in panel.language_combo.toolTip()

    models = [registry.describe(speech_model_path), registry.describe(multilingual_speech_model_path)]
    panel.speech_picker.add_provider(lambda: installed_choices(models, "speech"))
    assert _menu_action(panel.speech_picker, "Whisper tiny.en").isChecked()
    with qtbot.waitSignal(panel.worker.model_loaded, timeout=120_000):
        _menu_action(panel.speech_picker, "Whisper base").trigger()
    assert panel.settings.speech_model == str(multilingual_speech_model_path)
    assert "auto" in _languages(panel) and "zh" in _languages(panel)
    assert panel.language_combo.isEnabled() and panel.translate_check.isEnabled()
    assert "base" in panel.stats.text() and "Whisper base" in panel.speech_picker.button.text()

    with qtbot.waitSignal(panel.worker.model_loaded, timeout=120_000):
        _menu_action(panel.speech_picker, "Whisper tiny.en").trigger()
    assert _languages(panel) == ["en"] and not panel.translate_check.isChecked()

    # Automatic: the bundled pair by language, so every language is offered again.
    _menu_action(panel.speech_picker, "Automatic").trigger()
    assert panel.settings.speech_model == "" and "auto" in _languages(panel)
    qtbot.waitUntil(lambda: not panel.speech_picker.progress.isVisibleTo(panel.speech_picker), timeout=120_000)


def test_the_speech_picker_waits_while_recording(qtbot, dictation):
    panel = dictation
    panel.start_recording()
    assert not panel.speech_picker.isEnabled()
    assert "Stop recording" in panel.speech_picker.button.toolTip()
    panel.stop_recording()
    qtbot.waitUntil(lambda: not panel.recording, timeout=60_000)
    assert panel.speech_picker.isEnabled()
