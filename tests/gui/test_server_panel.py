"""The Server tab, offscreen, on the real chat engine: start, a real client's request in the log with its speed,
the network switch (key made, socket on all addresses), a busy port, stop."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest

from backend.llm_service import LlmService
from backend.settings import Settings

TIMEOUT = 120


@pytest.fixture(scope="module")
def llm_service(chat_model_path):
    service = LlmService()
    service.load(str(chat_model_path), n_ctx=1024, n_threads=None, n_gpu_layers=0).result(TIMEOUT)
    yield service
    service.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def panel(qtbot, data_dir, llm_service, speech_model_path):
    from gui.server_panel import ServerPanel

    settings = Settings(data_dir / "settings.json")
    settings.speech_model = str(speech_model_path)
    widget = ServerPanel(settings, llm_service)
    qtbot.addWidget(widget)
    widget.port.setValue(_free_port())
    yield widget
    widget.shutdown()


def _listening_addresses(port: int) -> list[str]:
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.append(fields[1].rsplit(":", 1)[0])
    return found


def test_nothing_listens_until_started_and_a_client_request_is_logged_with_its_speed(qtbot, panel):
    port = panel.port.value()
    assert not panel.running and _listening_addresses(port) == []
    panel.switch.click()
    assert panel.running and panel.switch.text() == "Stop server"
    assert f"http://127.0.0.1:{port}/v1" in panel.status.text()
    assert _listening_addresses(port) == ["0100007F"]
    assert not panel.port.isEnabled()

    answer = {}

    def ask():
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="none", max_retries=0)
        answer["reply"] = client.chat.completions.create(
            model="local", messages=[{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0
        )

    asker = threading.Thread(target=ask)
    asker.start()
    qtbot.waitUntil(lambda: panel.log.rowCount() >= 1, timeout=TIMEOUT * 1000)
    asker.join(TIMEOUT)
    assert answer["reply"].choices[0].message.content
    row = {
        panel.log.horizontalHeaderItem(c).text(): panel.log.item(0, c).text() for c in range(panel.log.columnCount())
    }
    assert row["Request"] == "POST /v1/chat/completions" and row["Status"] == "200"
    assert float(row["t/s"]) > 0
    assert row["Tokens"].endswith(f"+ {answer['reply'].usage.completion_tokens}")

    panel.switch.click()
    assert not panel.running and panel.switch.text() == "Start server"
    assert _listening_addresses(port) == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health")


def test_allowing_the_network_makes_a_key_and_requires_it(qtbot, panel):
    port = panel.port.value()
    panel.key.clear()
    panel.lan.setChecked(True)
    key = panel.key.text()
    assert key.startswith("hearth-") and len(key) > 20
    assert panel.start()
    assert _listening_addresses(port) == ["00000000"]  # every IPv4 address: the user chose it
    assert httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 401
    ok = httpx.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200
    panel.stop()
    saved = panel.settings.get("server")
    assert saved == {"port": port, "api_key": key, "lan": True}


def test_a_busy_port_is_said_in_the_panel_and_the_switch_stays_off(qtbot, panel):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        panel.port.setValue(taken.getsockname()[1])
        panel.switch.click()
        assert not panel.running and not panel.switch.isChecked()
        assert "already in use" in panel.status.text()


def test_the_window_and_a_client_at_once_are_served_in_turn(qtbot, open_window):
    window = open_window(sampling={"max_tokens": 6})
    panel = window.server_panel
    panel.port.setValue(_free_port())
    assert panel.start()
    client_times: list[float] = []
    client_text = []

    def stream():
        client = openai.OpenAI(base_url=panel.server.url, api_key="none", max_retries=0, timeout=TIMEOUT)
        chunks = client.chat.completions.create(
            model="local",
            messages=[{"role": "user", "content": "Write a long story about a lighthouse."}],
            max_tokens=12,
            temperature=0,
            stream=True,
        )
        for chunk in chunks:
            if chunk.choices and chunk.choices[0].delta.content:
                client_times.append(time.perf_counter())
                client_text.append(chunk.choices[0].delta.content)

    streamer = threading.Thread(target=stream)
    streamer.start()
    qtbot.waitUntil(lambda: bool(client_times), timeout=TIMEOUT * 1000)
    window_times: list[float] = []
    window.chat_pane.worker.tokens_received.connect(lambda _id, _text: window_times.append(time.perf_counter()))
    with qtbot.waitSignal(window.chat_pane.generation_finished, timeout=3 * TIMEOUT * 1000) as finished:
        window.chat_pane.input.setPlainText("Name a colour.")
        window.chat_pane.send()  # while the client is still streaming: the window's turn comes after
    streamer.join(TIMEOUT)
    assert finished.args[0]["stop_reason"] in ("done", "length")
    assert "".join(client_text) and window_times
    assert min(window_times) > max(client_times), "the window's reply must wait for the client's, not interleave"
    qtbot.waitUntil(lambda: panel.log.rowCount() >= 1, timeout=10_000)
    window.close()  # stops the server before the engine closes
    assert not panel.running
