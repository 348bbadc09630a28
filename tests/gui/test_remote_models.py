"""The window with a remote model: Models → Servers → Add a server…, the chat's picker, a reply and Stop,
against a real llama-cpp-python server on 127.0.0.1 (a separate process on the bundled model)."""

from __future__ import annotations

import pytest
from remote_peers import KEY, free_port, llama_cpp_server

from backend import remote_servers
from backend.remote_servers import remote_ref


@pytest.fixture(scope="module")
def peer(chat_model_path):
    server = llama_cpp_server(chat_model_path, free_port())
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def no_saved_keys():
    remote_servers._session_keys.clear()
    yield
    remote_servers._session_keys.clear()


def _add(qtbot, page, url: str, key: str, name: str):
    dialog = page.open_add_dialog()
    dialog.url_edit.setText(url)
    dialog.key_edit.setText(key)
    dialog.name_edit.setText(name)
    return dialog


def test_add_a_server_choose_its_model_chat_and_stop(qtbot, open_window, peer, data_dir):
    window = open_window({"max_tokens": 300})
    pane, page = window.chat_pane, window.model_manager.servers

    dialog = _add(qtbot, page, peer.url, "wrong-key", "Desk")
    dialog.check_and_add()
    qtbot.waitUntil(lambda: "refused the API key" in dialog.status.text(), timeout=60_000)
    assert dialog.isVisible() and page.store.servers() == []  # a refused server is not kept

    dialog.key_edit.setText(KEY)
    with qtbot.waitSignal(dialog.added, timeout=60_000) as added:
        dialog.check_and_add()
    server, models = added.args
    assert server.name == "Desk" and models
    assert KEY not in (data_dir / "settings.json").read_text()  # no keyring here: kept for the session only
    assert "keyring" in dialog.key_note.text()

    ref = remote_ref(server.url, models[0])
    offered = [c for c in pane.model_picker.choices() if c.ref == ref]
    assert offered and offered[0].group == "Remote · Desk" and offered[0].detail == "remote"
    assert pane.model_picker.choose(ref)
    qtbot.waitUntil(lambda: pane.model_info is not None and pane.model_info.remote, timeout=60_000)
    assert "remote, on Desk" in window.model_label.text()
    assert window.settings.chat_model == ref  # the next start reconnects to the same model

    with qtbot.waitSignal(pane.generation_finished, timeout=180_000) as finished:
        qtbot.keyClicks(pane.input, "Say hello in one short sentence.")
        pane.send()
    assert finished.args[0]["generated_tokens"] > 0
    saved = window.store.messages(pane.conversation_id)[-1]
    assert saved.role == "assistant" and saved.content and saved.content == pane.view.bubbles[-1].text()

    first = []
    pane.worker.tokens_received.connect(lambda *_: first or (first.append(1), pane.stop()))
    with qtbot.waitSignal(pane.generation_finished, timeout=180_000) as finished:
        qtbot.keyClicks(pane.input, "Write a very long story about a lighthouse keeper.")
        pane.send()
    stats = finished.args[0]
    assert stats["stop_reason"] == "stopped" and stats["generated_tokens"] < 10
    peer.wait_for_line("Disconnected from client")


def test_plain_http_to_a_public_address_is_asked_first_and_a_no_sends_nothing(qtbot, open_window):
    window = open_window(wait_for_model=False)
    page = window.model_manager.servers
    dialog = _add(qtbot, page, "http://203.0.113.9:8080", "", "Far")
    asked = []
    dialog.confirm_plain_http = lambda url: asked.append(url) or False
    dialog.check_and_add()
    assert asked == ["http://203.0.113.9:8080"]
    assert "Not added" in dialog.status.text() and page.store.servers() == []
    # No check was started (the suite's network guard would also fail the test on any non-loopback connect).
    assert dialog.add_button.isEnabled() and "Checking" not in dialog.status.text()


def test_the_rpc_option_explains_that_this_build_has_none(qtbot, open_window):
    window = open_window(wait_for_model=False)
    page = window.model_manager.servers
    window.tabs.setCurrentWidget(window.model_manager)
    window.model_manager.sections.setCurrentWidget(page)
    assert page.rpc_note.isVisible() and "no RPC backend" in page.rpc_note.text()
    assert "-DGGML_RPC=on" in page.rpc_note.text() and not page.rpc_button.isEnabled()
