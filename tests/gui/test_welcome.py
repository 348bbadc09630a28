"""The welcome in an empty conversation, in the real window on the real engine: an example prompt is
sent and answered, the first-run welcome turns light afterwards, and the suggested model downloads
(from a real HTTP server on 127.0.0.1) only when clicked and is then one click from use."""

from __future__ import annotations

import dataclasses

from app_helpers import make_window
from model_server import ModelServer, Served
from PySide6.QtCore import Qt
from synthetic_gguf import write_synthetic_gguf

from backend.models import catalog
from backend.settings import Settings
from gui.welcome import DISMISSED_KEY, SEEN_KEY, Welcome


def test_an_example_prompt_is_sent_and_the_welcome_turns_light(qtbot, open_window):
    window = open_window({"max_tokens": 8})
    pane = window.chat_pane
    welcome = pane.welcome
    assert pane.stack.currentWidget() is welcome
    assert welcome.title.text() == "Welcome to Hearth"
    assert welcome.intro.isVisibleTo(welcome) and welcome.features.isVisibleTo(welcome)
    assert "offline" in welcome.intro.text() or "no network" in welcome.intro.text()
    assert pane.model_info.name in welcome.model_line.text() and "CPU" in welcome.model_line.text()
    assert pane.stats_bar.text() == "", "no placeholder figures before the first reply"
    assert not any(label.isVisibleTo(pane.stats_bar) for label in pane.stats_bar.labels.values())

    prompt = welcome.prompt_buttons[0]
    with qtbot.waitSignal(pane.generation_finished, timeout=180_000) as finished:
        qtbot.mouseClick(prompt, Qt.LeftButton)
        assert pane.stack.currentWidget() is pane.view, "the conversation replaces the welcome at once"
    assert finished.args[0]["generated_tokens"] > 0
    messages = window.store.messages(pane.conversation_id)
    assert [m.role for m in messages] == ["user", "assistant"] and messages[0].content == prompt.text()
    assert "t/s" in pane.stats_bar.text() and "token" in pane.stats_bar.text()
    assert window.settings.get(SEEN_KEY) is True

    first = pane.conversation_id
    pane.new_conversation()
    assert pane.stack.currentWidget() is welcome and pane.stats_bar.text() == ""
    assert welcome.title.text() == "New conversation"
    assert not welcome.intro.isVisibleTo(welcome) and not welcome.recommend_box.isVisibleTo(welcome)
    assert all(b.isVisibleTo(welcome) for b in welcome.prompt_buttons), "the prompts stay in the light version"

    pane.conversations.select(first)
    pane._on_conversations_selected(first)
    assert pane.stack.currentWidget() is pane.view and len(pane.view.bubbles) == 2


def test_a_prompt_clicked_before_the_model_is_ready_waits_in_the_box(qtbot, data_dir, chat_model_path):
    window = make_window(qtbot, data_dir, chat_model_path, load_models=False)
    try:
        pane = window.chat_pane
        assert "No chat model loaded" in pane.welcome.model_line.text()
        assert not pane.send_button.isEnabled() and "No chat model" in pane.send_button.toolTip()
        qtbot.mouseClick(pane.welcome.prompt_buttons[2], Qt.LeftButton)
        assert pane.input.toPlainText() == pane.welcome.prompt_buttons[2].text()
        assert window.store.list_conversations() == [], "nothing is sent or saved without a model"
        qtbot.mouseClick(pane.welcome.feature_buttons[2], Qt.LeftButton)  # Transcription
        assert window.tabs.currentWidget() is window.dictation_panel
    finally:
        window.close()
        window.store.close()


def _local_entry(url: str, size: int) -> catalog.CatalogEntry:
    """A chat catalog entry like the real ones (a 1.5B step up from 0.5B) whose file a loopback server serves."""
    real = catalog.find("qwen2.5-1.5b-instruct-q4_k_m")
    return dataclasses.replace(
        real,
        key="suggested-test-model",
        family="suggested-test-family",
        title="Suggested Test Model 1.5B (Q4_K_M)",
        filename="suggested-test-model.gguf",
        url=url,
        size=size,
        sha256=None,
    )


def test_the_suggested_model_downloads_only_on_click_and_is_then_one_click_away(
    qtbot, open_window, empty_models_dir, tmp_path
):
    model = write_synthetic_gguf(tmp_path / "suggested.gguf", name="Suggested model")
    server = ModelServer().start()
    try:
        server.files["suggested-test-model.gguf"] = Served(model.read_bytes(), chunk_delay_s=0.005)
        window = open_window()
        welcome, manager = window.chat_pane.welcome, window.model_manager
        manager._entries = [_local_entry(server.url("suggested-test-model.gguf"), model.stat().st_size)]
        welcome.update_recommendation()
        assert welcome.recommend_box.isVisibleTo(welcome)
        assert "Suggested Test Model" in welcome.recommend_text.text()
        assert "nothing is downloaded unless you click" in welcome.recommend_text.text()
        assert server.log == [], "no request before the user clicks"

        qtbot.mouseClick(welcome.download_button, Qt.LeftButton)
        assert welcome.download_bar.isVisibleTo(welcome), "progress shows in the welcome, where the user looks"
        assert not welcome.download_button.isEnabled() and "Downloading" in welcome.download_button.toolTip()
        qtbot.waitUntil(lambda: welcome.download_button.text() == "Use it now", timeout=60_000)
        assert server.log and welcome.download_bar.value() == 1000
        downloaded = empty_models_dir / "suggested-test-model.gguf"
        assert downloaded.exists()

        with qtbot.waitSignal(
            window.chat_pane.model_status_changed, timeout=60_000, check_params_cb=lambda s: s is not None
        ) as loaded:
            qtbot.mouseClick(welcome.download_button, Qt.LeftButton)
        assert loaded.args[0].path == str(downloaded)
        assert "Suggested model" in window.chat_pane.model_picker.button.text()
        qtbot.waitUntil(lambda: not welcome.recommend_box.isVisibleTo(welcome), timeout=10_000)
    finally:
        server.stop()


def test_not_now_hides_the_suggestion_for_good(qtbot, open_window, data_dir):
    window = open_window(wait_for_model=False)
    welcome, manager = window.chat_pane.welcome, window.model_manager
    manager._entries = [_local_entry("http://127.0.0.1:9/never-fetched.gguf", 1000)]
    welcome.update_recommendation()
    assert welcome.recommendation is not None and welcome.recommend_box.isVisibleTo(welcome)
    qtbot.mouseClick(welcome.dismiss_button, Qt.LeftButton)
    assert not welcome.recommend_box.isVisibleTo(welcome)
    assert window.settings.get(DISMISSED_KEY) is True

    again = Welcome(Settings(data_dir / "settings.json"))
    qtbot.addWidget(again)
    again.set_recommendation(welcome.recommendation)
    assert not again.recommend_box.isVisibleTo(again), "a dismissed suggestion stays dismissed after a restart"


def test_the_model_line_says_where_the_model_runs(qtbot, data_dir):
    from backend.chat_model_status import ChatModelStatus

    welcome = Welcome(Settings(data_dir / "settings.json"))
    qtbot.addWidget(welcome)
    assert welcome.title.text() == "Welcome to Hearth" and "No chat model loaded" in welcome.model_line.text()
    assert not welcome.recommend_box.isVisibleTo(welcome), "no empty suggestion box before there is a suggestion"
    local = ChatModelStatus("/m/a.gguf", "Local A", "llama", "Q4_K_M", 4096, 2, 33, 32, 900.0, None, "CUDA", True)
    welcome.set_model(local)
    assert "Local A" in welcome.model_line.text() and "GPU (CUDA)" in welcome.model_line.text()
    remote = dataclasses.replace(
        local, path="remote:http://127.0.0.1:9#m", name="m", quantization="remote", compute_backend="Lab", remote=True
    )
    welcome.set_model(remote)
    assert "on Lab" in welcome.model_line.text() and "goes to that server" in welcome.model_line.text()
    welcome.set_model(None, "Loading a.gguf…")
    assert welcome.model_line.text() == "Loading a.gguf…"
