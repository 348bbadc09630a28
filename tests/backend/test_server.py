"""`main.py serve` as a real process on the bundled models, driven by the official `openai` client."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest

from backend.wer import word_errors

REPO = Path(__file__).resolve().parents[2]
SPEECH = REPO / "tests" / "data" / "speech"
KEY = "test-key-0123456789"
GREEDY = dict(temperature=0, seed=7)
STARTUP_S = 180


class ServeProcess:
    def __init__(self, proc: subprocess.Popen, url: str, port: int, lines: list[str]):
        self.proc, self.url, self.port, self.lines = proc, url, port, lines

    @property
    def base(self) -> str:
        return self.url.removesuffix("/v1")

    def client(self, key: str = KEY, **kwargs) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url, api_key=key, max_retries=0, timeout=120, **kwargs)

    def log_lines(self, path: str) -> list[str]:
        return [line for line in list(self.lines) if f" {path} " in line]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve-data")
    env = dict(
        os.environ,
        HEARTH_DATA_DIR=str(data),
        HEARTH_MODELS_DIR=str(REPO / ".test-artifacts" / "models"),
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "main.py", "serve", "--port", "0", "-c", "2048", "--api-key", KEY],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if " at http://" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(STARTUP_S):
        proc.kill()
        pytest.fail("main.py serve did not start:\n" + "\n".join(lines))
    match = re.search(r"at (http://127\.0\.0\.1:(\d+)/v1)", "\n".join(lines))
    yield ServeProcess(proc, match.group(1), int(match.group(2)), lines)
    proc.terminate()
    assert proc.wait(20) == 0, "serve must exit cleanly on SIGTERM:\n" + "\n".join(lines[-20:])


def _auth() -> dict:
    return {"Authorization": f"Bearer {KEY}"}


def test_models_lists_the_loaded_chat_and_speech_models(server):
    models = server.client().models.list()
    ids = [m.id for m in models.data]
    assert ids == ["qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "ggml-tiny.en.bin"]
    assert all(m.object == "model" and m.owned_by == "hearth" and m.created > 0 for m in models.data)


def test_streamed_and_plain_chat_give_the_same_text_and_usage_adds_up(server):
    client = server.client()
    messages = [{"role": "user", "content": "Name three primary colours, comma separated."}]
    plain = client.chat.completions.create(model="anything", messages=messages, max_tokens=40, **GREEDY)
    chunks = list(
        client.chat.completions.create(
            model="anything",
            messages=messages,
            max_tokens=40,
            stream=True,
            stream_options={"include_usage": True},
            **GREEDY,
        )
    )
    text = plain.choices[0].message.content
    assert "red" in text.lower()
    assert chunks[0].choices[0].delta.role == "assistant"
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finals) == 1 and finals[0].choices[0].finish_reason == plain.choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert all(c.usage is None for c in chunks[:-1])
    for usage in (plain.usage, chunks[-1].usage):
        assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
        assert usage.completion_tokens > 3
    assert plain.usage.model_dump() == chunks[-1].usage.model_dump()
    timings = plain.model_dump()["timings"]
    assert timings["predicted_n"] == plain.usage.completion_tokens
    assert timings["prompt_n"] + timings["cache_n"] == plain.usage.prompt_tokens
    assert timings["predicted_per_second"] > 0 and timings["prompt_ms"] > 0


def test_a_stream_ends_with_done_and_carries_usage_only_when_asked(server):
    body = {
        "model": "x",
        "messages": [{"role": "user", "content": "Say hello."}],
        "max_tokens": 5,
        "stream": True,
        **GREEDY,
    }
    with httpx.stream("POST", f"{server.url}/chat/completions", json=body, headers=_auth(), timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line for line in response.iter_lines() if line]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    chunks = [json.loads(e[6:]) for e in events[:-1]]
    assert all("usage" not in c for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["timings"]["predicted_n"] == 5


def test_completions_follow_stop_and_max_tokens(server):
    client = server.client()
    result = client.completions.create(
        model="x", prompt="The capital of France is Paris. The capital of Italy is", max_tokens=20, stop=["."], **GREEDY
    )
    choice = result.choices[0]
    assert "Rome" in choice.text and "." not in choice.text
    assert choice.finish_reason == "stop"
    capped = client.completions.create(model="x", prompt="One, two, three,", max_tokens=4, **GREEDY)
    assert capped.choices[0].finish_reason == "length" and capped.usage.completion_tokens == 4
    streamed = client.completions.create(model="x", prompt="One, two, three,", max_tokens=4, stream=True, **GREEDY)
    assert "".join(c.choices[0].text for c in streamed) == capped.choices[0].text


def test_unsupported_requests_get_a_clear_400(server):
    client = server.client()
    messages = [{"role": "user", "content": "Hi"}]
    with pytest.raises(openai.BadRequestError, match="n must be 1"):
        client.chat.completions.create(model="x", messages=messages, n=2)
    with pytest.raises(openai.BadRequestError, match="temperature"):
        client.chat.completions.create(model="x", messages=messages, temperature=5)
    broken = httpx.post(f"{server.url}/chat/completions", content=b"{not json", headers=_auth())
    assert broken.status_code == 400 and "JSON object" in broken.json()["error"]["message"]
    raw = httpx.post(f"{server.url}/chat/completions", content=b"[1, 2]", headers=_auth())
    assert raw.status_code == 400 and raw.json()["error"]["type"] == "invalid_request_error"


def test_a_model_path_outside_the_models_folder_is_refused(server, tmp_path):
    secret = tmp_path / "secret.gguf"
    secret.write_bytes(b"GGUF not really")
    client = server.client()
    messages = [{"role": "user", "content": "Hi"}]
    for name in (str(secret), "../../../../etc/passwd", "/etc/passwd"):
        with pytest.raises(openai.BadRequestError, match="inside Hearth's models folder"):
            client.chat.completions.create(model=name, messages=messages, max_tokens=2)
    with pytest.raises(openai.NotFoundError, match="not the loaded model"):
        client.chat.completions.create(model="gemma-3-270m-q4_k_m.gguf", messages=messages, max_tokens=2)


def test_a_client_that_disconnects_mid_stream_frees_the_engine(server):
    body = {
        "model": "x",
        "messages": [{"role": "user", "content": "Write a very long story about a lighthouse keeper."}],
        "max_tokens": 1500,
        "stream": True,
        **GREEDY,
    }
    received = 0
    with httpx.stream("POST", f"{server.url}/chat/completions", json=body, headers=_auth(), timeout=60) as response:
        for line in response.iter_lines():
            if line.startswith("data: ") and '"content"' in line:
                received += 1
            if received == 6:
                break
    left_at = time.perf_counter()
    # The engine is free again long before 1500 tokens could have been generated (minutes on this CPU).
    nxt = server.client().chat.completions.create(
        model="x", messages=[{"role": "user", "content": "Say yes."}], max_tokens=3, **GREEDY
    )
    assert nxt.choices[0].message.content
    waited_ms = (time.perf_counter() - left_at) * 1000
    next_ttft = nxt.model_dump()["timings"]["ttft_ms"]
    assert waited_ms < 30_000
    deadline = time.monotonic() + 10
    while not any("client disconnected" in line for line in server.log_lines("/v1/chat/completions")):
        assert time.monotonic() < deadline, server.lines[-5:]
        time.sleep(0.05)
    line = next(line for line in server.log_lines("/v1/chat/completions") if "client disconnected" in line)
    generated = int(re.search(r"\+(\d+) tok", line).group(1))
    assert generated < 100, line  # it stopped when the client left, not at max_tokens
    assert next_ttft < 30_000


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the client marks translations deprecated; Whisper has them
def test_transcription_of_a_real_clip_in_every_format(server):
    client = server.client()
    reference = (SPEECH / "jfk_inaugural.txt").read_text()
    clip = SPEECH / "jfk_inaugural.wav"

    def transcribe(fmt: str, **kwargs):
        with open(clip, "rb") as fh:
            return client.audio.transcriptions.create(model="whisper-1", file=fh, response_format=fmt, **kwargs)

    as_json = transcribe("json")
    errors, words = word_errors(reference, as_json.text)
    assert errors / words < 0.15, as_json.text
    as_text = transcribe("text")
    assert isinstance(as_text, str) and as_text.strip() == as_json.text
    srt = transcribe("srt")
    assert re.match(r"1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n\S", srt), srt
    vtt = transcribe("vtt")
    assert vtt.startswith("WEBVTT\n\n00:00:") and "-->" in vtt
    verbose = transcribe("verbose_json", timestamp_granularities=["word", "segment"])
    assert verbose.text == as_json.text
    assert verbose.language == "english" and verbose.duration == pytest.approx(11.0, abs=0.5)
    assert verbose.segments and all(0 <= s.start < s.end <= verbose.duration + 0.1 for s in verbose.segments)
    assert " ".join(w.word for w in verbose.words).split() == as_json.text.split()
    with open(SPEECH / "timit_ldc93s1.wav", "rb") as fh:
        translated = client.audio.translations.create(model="whisper-1", file=fh)
    assert "greasy wash water" in translated.text.lower()


def test_bad_audio_and_languages_are_refused_clearly(server):
    client = server.client()
    with pytest.raises(openai.BadRequestError, match="not audio"):
        client.audio.transcriptions.create(model="whisper-1", file=("notes.mp3", b"this is text, not audio"))
    with open(SPEECH / "timit_ldc93s1.wav", "rb") as fh:
        with pytest.raises(openai.BadRequestError, match="English only"):
            client.audio.transcriptions.create(model="whisper-1", file=fh, language="de")
    with open(SPEECH / "timit_ldc93s1.wav", "rb") as fh:
        with pytest.raises(openai.BadRequestError, match="response_format"):
            client.audio.transcriptions.create(model="whisper-1", file=fh, response_format="docx")


def test_a_foreign_host_header_gets_403(server):
    response = httpx.get(f"{server.base}/health", headers={"Host": "evil.example"})
    assert response.status_code == 403
    assert "Host" in response.json()["error"]["message"]
    response = httpx.get(f"{server.url}/models", headers={"Host": f"evil.example:{server.port}", **_auth()})
    assert response.status_code == 403
    assert httpx.get(f"{server.base}/health", headers={"Host": f"localhost:{server.port}"}).status_code == 200


def test_a_web_page_of_another_origin_is_refused(server):
    response = httpx.get(f"{server.url}/models", headers={"Origin": "http://evil.example", **_auth()})
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers


def test_the_key_is_required_when_set(server):
    with pytest.raises(openai.AuthenticationError):
        server.client(key="wrong-key-123").models.list()
    response = httpx.get(f"{server.url}/models")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert "API key" in response.json()["error"]["message"]
    assert httpx.get(f"{server.base}/health").json()["status"] == "ok"  # health tells nothing secret


def test_an_oversized_body_gets_413_before_it_is_read(server):
    big = b'{"model": "x", "messages": [{"role": "user", "content": "' + b"a" * (5 * 1024 * 1024) + b'"}]}'
    response = httpx.post(
        f"{server.url}/chat/completions", content=big, headers={**_auth(), "Content-Type": "application/json"}
    )
    assert response.status_code == 413

    def chunked():
        yield big[: 1024 * 1024]
        yield big[1024 * 1024 :]

    response = httpx.post(f"{server.url}/chat/completions", content=chunked(), headers=_auth())
    assert response.status_code == 413


def _listening(port: int) -> list[str]:
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            address, state = fields[1], fields[3]
            if state == "0A" and int(address.rsplit(":", 1)[1], 16) == port:
                found.append(address.rsplit(":", 1)[0])
    return found


def test_the_socket_listens_only_on_loopback(server):
    assert _listening(server.port) == ["0100007F"]  # 127.0.0.1, little-endian hex, and nothing on tcp6
    with pytest.raises(OSError):
        # Another address of this machine does not answer (the guard allows only loopback connects).
        probe = socket.create_connection(("127.0.0.2", server.port), timeout=2)
        probe.close()


def test_json_mode_replies_with_json_that_follows_the_schema(server):
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 20}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    reply = server.client().chat.completions.create(
        model="x",
        messages=[{"role": "user", "content": "Invent a person. Reply with their name and age."}],
        response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema}},
        max_tokens=60,
        **GREEDY,
    )
    assert reply.choices[0].finish_reason == "stop"
    person = json.loads(reply.choices[0].message.content)
    assert set(person) == {"name", "age"} and isinstance(person["age"], int)
    free = server.client().chat.completions.create(
        model="x",
        messages=[{"role": "user", "content": "List two fruits as a JSON object."}],
        response_format={"type": "json_object"},
        max_tokens=60,
        **GREEDY,
    )
    assert isinstance(json.loads(free.choices[0].message.content), dict)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--host", "0.0.0.0"], "set an API key"),
        (["-m", "/nonexistent/model.gguf"], "does not exist"),
        (["--speech-model", "/nonexistent/ggml.bin"], "does not exist"),
        (["--api-key", "short"], "at least 8 characters"),
    ],
)
def test_serve_refuses_bad_settings_with_one_line(args, message, tmp_path):
    env = dict(os.environ, HEARTH_DATA_DIR=str(tmp_path), HEARTH_MODELS_DIR=str(REPO / ".test-artifacts" / "models"))
    done = subprocess.run(
        [sys.executable, "main.py", "serve", "--port", "0", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=STARTUP_S,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("hearth: error:")]
    assert len(errors) == 1 and message in errors[0], done.stderr
    assert "Traceback" not in done.stderr


def test_a_prompt_longer_than_the_context_gets_400_streamed_or_not(server):
    client = server.client()
    messages = [{"role": "user", "content": "word " * 3000}]  # the server runs with a 2048-token context
    for stream in (False, True):
        with pytest.raises(openai.BadRequestError) as refused:
            client.chat.completions.create(model="x", messages=messages, max_tokens=5, stream=stream)
        assert refused.value.code == "context_length_exceeded"
        assert "context" in refused.value.message
