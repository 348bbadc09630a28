"""Backend errors reach a Chinese window in Chinese: the real errors, raised by the real code paths,
go through gui.error_text; each rule must still match the sentence the backend writes."""

from __future__ import annotations

import http.server
import threading

import pytest

from backend import audio
from backend.audio import AudioDeviceError, AudioFileError, MicrophoneCapture, decode_file
from backend.errors import ModelFileError
from backend.models.downloads import DownloadError, probe
from backend.models.gguf_info import read_gguf_info
from gui import i18n
from gui.error_text import error_text, message_text


@pytest.fixture
def chinese(qapp):
    i18n.install(qapp, "zh_CN")
    yield
    i18n.install(qapp, "system")


def _raised(call, kind):
    with pytest.raises(kind) as info:
        call()
    return info.value


def test_model_file_errors_are_chinese(chinese, tmp_path):
    missing = tmp_path / "nope.gguf"
    assert error_text(_raised(lambda: read_gguf_info(missing), ModelFileError)) == f"{missing} 不存在。"
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    assert error_text(_raised(lambda: read_gguf_info(empty), ModelFileError)).startswith("empty.gguf 是空文件")
    text = tmp_path / "notes.gguf"
    text.write_text("hello, this is not a model\n" * 10)
    said = error_text(_raised(lambda: read_gguf_info(text), ModelFileError))
    assert said.startswith("notes.gguf 不是 GGUF 模型文件"), said
    assert error_text(_raised(lambda: read_gguf_info(tmp_path), ModelFileError)).endswith(
        "是文件夹，不是 GGUF 模型文件。"
    )


def test_audio_errors_are_chinese(chinese, tmp_path, monkeypatch):
    missing = tmp_path / "talk.mp3"
    assert error_text(_raised(lambda: decode_file(missing), AudioFileError)) == f"{missing} 不存在。"
    monkeypatch.setattr(audio, "list_input_devices", lambda rescan=False: [])
    no_microphone = _raised(lambda: MicrophoneCapture().start(), AudioDeviceError)
    assert error_text(no_microphone) == "未找到麦克风：请连接一个麦克风或选择其他输入设备。"
    # the same sentence after crossing a thread as text (a worker's signal)
    assert message_text(str(no_microphone)) == error_text(no_microphone)


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_error(404)

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


def test_a_failed_download_is_chinese(chinese):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/model.gguf"
        said = error_text(_raised(lambda: probe(url), DownloadError))
    finally:
        server.shutdown()
        server.server_close()
    assert said.startswith("服务器 127.0.0.1 返回 404"), said


def test_an_unknown_message_keeps_its_english_detail_behind_a_chinese_lead_in(chinese):
    said = error_text(ModelFileError("the tensor blk.0.attn_q has a shape no one expected"))
    assert said == "无法使用该模型文件：the tensor blk.0.attn_q has a shape no one expected"


def test_english_keeps_the_backends_own_words(qapp, tmp_path):
    i18n.install(qapp, "en")
    try:
        error = _raised(lambda: read_gguf_info(tmp_path / "x.gguf"), ModelFileError)
        assert error_text(error) == str(error)
        assert error_text(ModelFileError("something new")) == "something new"
    finally:
        i18n.install(qapp, "system")


def test_a_busy_engine_is_chinese(chinese):
    from backend.job_queue import JobQueue, ServiceBusy

    release = threading.Event()
    queue = JobQueue(object(), name="test-busy", max_waiting=1)
    try:
        queue.submit(lambda _engine: release.wait(10), None)  # runs until released
        time_out = threading.Event()
        while not queue.busy and not time_out.wait(0.01):
            pass
        queue.submit(lambda _engine: None, None)  # waits: the queue is full
        said = error_text(_raised(lambda: queue.submit(lambda _engine: None, None), ServiceBusy))
    finally:
        release.set()
        queue.close()
    assert said.startswith("引擎正忙：已有 1 个请求在等待"), said
