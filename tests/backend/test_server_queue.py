"""The server in-process on a shared LlmService: a full queue answers 503, the window and a client take turns,
stopping the server ends its streams, CORS only for allowed origins, and the settings it refuses."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from backend.llm import SamplingParams
from backend.llm_service import LlmService
from backend.server.config import ServerConfig, ServerConfigError
from backend.server.context import ServerContext, check_requested_model
from backend.server.errors import ApiError
from backend.server.guard import host_allowed, host_name
from backend.server.runner import ApiServer, ServerStartError

TIMEOUT = 120
LONG = [{"role": "user", "content": "Write a very long story about a dragon who learns to bake bread."}]


@pytest.fixture(scope="module")
def service(chat_model_path):
    svc = LlmService(max_waiting=1)
    svc.load(str(chat_model_path), n_ctx=2048, n_threads=None, n_gpu_layers=0).result(TIMEOUT)
    yield svc
    svc.close()


def _start(service, chat_model_path, records=None, **config) -> ApiServer:
    ctx = ServerContext(
        llm=service,
        speech=None,
        config=ServerConfig(port=0, **config),
        models_dir=chat_model_path.parent,
        on_record=records.append if records is not None else None,
    )
    server = ApiServer(ctx)
    server.start()
    return server


@pytest.fixture
def server(service, chat_model_path):
    records = []
    srv = _start(service, chat_model_path, records)
    srv.records = records
    yield srv
    srv.stop()


class Streamer(threading.Thread):
    """A client streaming a chat completion; notes when each content chunk arrived."""

    def __init__(self, url: str, max_tokens: int, messages=LONG):
        super().__init__(daemon=True)
        self.body = {"model": "x", "messages": messages, "max_tokens": max_tokens, "stream": True, "temperature": 0}
        self.url = url
        self.times: list[float] = []
        self.text = ""
        self.first = threading.Event()
        self.leave = threading.Event()
        self.lines: list[str] = []
        self.error: Exception | None = None

    def run(self):
        try:
            self._stream()
        except httpx.HTTPError as exc:
            self.error = exc

    def _stream(self):
        with httpx.stream("POST", f"{self.url}/chat/completions", json=self.body, timeout=TIMEOUT) as response:
            for line in response.iter_lines():
                self.lines.append(line)
                if line.startswith("data: {"):
                    chunk = json.loads(line[6:])
                    content = chunk["choices"][0]["delta"].get("content") if chunk.get("choices") else None
                    if content:
                        self.times.append(time.perf_counter())
                        self.text += content
                        self.first.set()
                if self.leave.is_set():
                    return


def test_a_full_queue_answers_503_with_retry_after(server, service):
    running = Streamer(server.url, 1000)
    running.start()
    assert running.first.wait(TIMEOUT)
    queued = {}
    waiter = threading.Thread(
        target=lambda: queued.update(
            response=httpx.post(
                f"{server.url}/chat/completions",
                json={"model": "x", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 3},
                timeout=TIMEOUT,
            )
        )
    )
    waiter.start()
    deadline = time.monotonic() + 10
    while service.waiting < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    refused = httpx.post(
        f"{server.url}/chat/completions",
        json={"model": "x", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 3},
        timeout=TIMEOUT,
    )
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["code"] == "busy"
    running.leave.set()
    running.join(TIMEOUT)
    waiter.join(TIMEOUT)
    assert queued["response"].status_code == 200
    assert queued["response"].json()["choices"][0]["message"]["content"]


def test_the_window_and_a_client_are_served_in_turn(server, service):
    # The client first: the window's request waits until the client's reply is complete.
    client = Streamer(server.url, 30)
    client.start()
    assert client.first.wait(TIMEOUT)
    window_times = []
    result = service.chat(
        [{"role": "user", "content": "Name a colour."}],
        SamplingParams(max_tokens=10, temperature=0),
        cancel=threading.Event(),
        on_piece=lambda piece, gen: window_times.append(time.perf_counter()),
    ).result(TIMEOUT)
    client.join(TIMEOUT)
    assert result.text and client.text
    assert min(window_times) > max(client.times)
    # The window first: the client's reply starts after the window's is complete.
    window_times.clear()
    first_piece = threading.Event()
    future = service.chat(
        LONG,
        SamplingParams(max_tokens=30, temperature=0),
        cancel=threading.Event(),
        on_piece=lambda piece, gen: (window_times.append(time.perf_counter()), first_piece.set()),
    )
    assert first_piece.wait(TIMEOUT)
    client = Streamer(server.url, 10, [{"role": "user", "content": "Name a colour."}])
    client.start()
    future.result(TIMEOUT)
    client.join(TIMEOUT)
    assert client.text and min(client.times) > max(window_times)


def test_stopping_the_server_ends_its_streams_and_frees_the_engine(service, chat_model_path):
    srv = _start(service, chat_model_path)
    client = Streamer(srv.url, 1500)
    client.start()
    assert client.first.wait(TIMEOUT)
    srv.stop(timeout=10)
    client.join(TIMEOUT)
    assert not client.is_alive()
    assert client.error is None and [x for x in client.lines if x][-1] == "data: [DONE]", "it should end, not break"
    deadline = time.monotonic() + 10
    while service.busy:
        assert time.monotonic() < deadline, "the generation went on after the server stopped"
        time.sleep(0.02)
    assert len(client.times) < 200


def test_cors_only_for_an_allowed_origin(service, chat_model_path):
    srv = _start(service, chat_model_path, allowed_origins=("http://localhost:5173",))
    try:
        ok = httpx.get(f"{srv.url}/models", headers={"Origin": "http://localhost:5173"})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "http://localhost:5173"
        preflight = httpx.options(
            f"{srv.url}/chat/completions",
            headers={
                "Origin": "http://localhost:5173",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert httpx.get(f"{srv.url}/models", headers={"Origin": "http://evil.example"}).status_code == 403
    finally:
        srv.stop()


def test_a_busy_port_and_unsafe_settings_are_refused(server, service, chat_model_path):
    taken = ServerContext(llm=service, speech=None, config=ServerConfig(port=server.port), models_dir=Path("."))
    with pytest.raises(ServerStartError, match="already in use"):
        ApiServer(taken).start()
    with pytest.raises(ServerConfigError, match="API key"):
        ServerConfig(host="0.0.0.0").validate()
    with pytest.raises(ServerConfigError, match="8 characters"):
        ServerConfig(api_key="short").validate()
    ServerConfig(host="0.0.0.0", api_key="long-enough-key").validate()


def test_every_request_is_logged_with_its_speed(server):
    httpx.post(
        f"{server.url}/chat/completions",
        json={"model": "x", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8},
        timeout=TIMEOUT,
    )
    httpx.get(f"{server.url}/models", headers={"Host": "evil.example"})
    deadline = time.monotonic() + 5
    while len(server.records) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    chat, refused = server.records[-2:]
    assert chat.path == "/v1/chat/completions" and chat.status == 200
    assert chat.completion_tokens > 0 and chat.tokens_per_second > 0 and chat.prompt_tokens > 0
    assert "t/s" in chat.line()
    assert refused.status == 403 and refused.path == "/v1/models"


def test_host_names_are_read_like_a_browser_sends_them():
    assert host_name("127.0.0.1:8080") == "127.0.0.1"
    assert host_name("[::1]:8080") == "::1"
    assert host_name("LOCALHOST") == "localhost"
    assert host_allowed("192.168.1.20:8080", ())
    assert host_allowed("localhost:8080", ())
    assert not host_allowed("evil.example", ())
    assert not host_allowed("127.0.0.1.evil.example:8080", ())
    assert host_allowed("my-box.lan:8080", ("my-box.lan",))


def test_a_symlink_out_of_the_models_folder_is_refused(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    loaded = models / "chat.gguf"
    loaded.write_bytes(b"x")
    outside = tmp_path / "private.gguf"
    outside.write_bytes(b"x")
    (models / "link.gguf").symlink_to(outside)
    check_requested_model("chat.gguf", loaded, models)
    check_requested_model("gpt-4o", loaded, models)
    check_requested_model(str(loaded), loaded, models)
    for name in ("link.gguf", "../private.gguf", str(outside)):
        with pytest.raises(ApiError) as refused:
            check_requested_model(name, loaded, models)
        assert refused.value.status == 400
