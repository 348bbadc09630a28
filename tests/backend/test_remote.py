"""Remote models against real peers on 127.0.0.1: llama-cpp-python's own server and Hearth's `main.py serve`,
each a separate process on the bundled chat model, reached through the same LlmService the window uses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from remote_peers import KEY, free_port, hearth_serve, llama_cpp_server

from backend.chat_session import ChatSession, ReplyFailed, ReplyFinished
from backend.conversations import ConversationStore
from backend.generation_stats import StopReason
from backend.llm import SamplingParams
from backend.llm_service import LlmService
from backend.remote_engine import RemoteModel
from backend.remote_http import Endpoint, RemoteError
from backend.remote_transcription import transcribe_remote
from backend.server.config import ServerConfig
from backend.server.context import ServerContext
from backend.server.runner import ApiServer
from backend.wer import word_errors

REPO = Path(__file__).resolve().parents[2]
GREEDY = SamplingParams(temperature=0.0, seed=3, max_tokens=24)
LONG = SamplingParams(temperature=0.0, seed=3, max_tokens=400)
STORY = [{"role": "user", "content": "Write a long story about a lighthouse keeper and his cat."}]


@pytest.fixture(scope="module")
def llama_server(chat_model_path):
    peer = llama_cpp_server(chat_model_path, free_port())
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def hearth_server(tmp_path_factory):
    peer = hearth_serve(tmp_path_factory.mktemp("remote-serve-data"))
    yield peer
    peer.stop()


@pytest.fixture
def service():
    service = LlmService()
    yield service
    service.close()


@pytest.fixture
def session(tmp_path):
    store = ConversationStore(tmp_path / "conversations.sqlite3")
    yield ChatSession(store)
    store.close()


def _stream(service: LlmService, messages, params, cancel=None, stop_after: int | None = None):
    """Run one chat turn; returns (pieces, result or the exception, pieces seen when Stop was pressed)."""
    cancel = cancel or threading.Event()
    pieces: list[str] = []
    enough = threading.Event()

    def on_piece(piece, generation):
        pieces.append(piece)
        if stop_after is not None and len(pieces) >= stop_after:
            enough.set()

    future = service.chat(messages, params, cancel=cancel, on_piece=on_piece)
    at_stop = None
    if stop_after is not None:
        assert enough.wait(600), "the reply never reached the pieces the test waits for"
        cancel.set()  # from another thread, as the window's Stop button does
        at_stop = len(pieces)
    try:
        return pieces, future.result(600), at_stop
    except RemoteError as exc:
        return pieces, exc, at_stop


@pytest.mark.parametrize("peer_name", ["llama_server", "hearth_server"])
def test_a_remote_reply_streams_into_the_conversation_store(peer_name, request, service, session):
    peer = request.getfixturevalue(peer_name)
    model = service.use_remote(Endpoint(peer.url, KEY, "desk")).result(120)
    assert isinstance(service.loaded_model, RemoteModel) and model.server_label == "desk"

    session.add_user_message("Name three colours of the rainbow, in French.", GREEDY)
    reply = session.begin_reply("", GREEDY, model.display_name)
    pieces, result, _ = _stream(service, reply.message_dicts(), GREEDY)
    for piece in pieces:
        session.append(reply.request_id, piece)
    session.finish(ReplyFinished(reply.request_id, result.stats, result.template_source))

    assert len(pieces) > 3, "the reply must arrive in pieces, not at once"
    stats = result.stats
    assert stats.stop_reason in (StopReason.DONE, StopReason.LENGTH)
    assert 0 < stats.generated_tokens <= GREEDY.max_tokens
    assert 0 < stats.ttft_ms < stats.total_ms and stats.tokens_per_second > 0
    saved = session.store.messages(session.conversation_id)
    assert [m.role for m in saved] == ["user", "assistant"]
    assert saved[-1].content == "".join(pieces) and saved[-1].complete
    if peer_name == "hearth_server":  # Hearth reports llama.cpp's timings: the prompt's are the server's own
        assert stats.prompt_tokens > 10 and stats.prompt_eval_ms > 0


def test_utf8_arrives_whole(hearth_server, service):
    service.use_remote(Endpoint(hearth_server.url, KEY)).result(120)
    prompt = [{"role": "user", "content": "Translate to Chinese: good morning, friend."}]
    pieces, result, _ = _stream(service, prompt, GREEDY)
    text = "".join(pieces)
    assert "\ufffd" not in text and re.search(r"[\u4e00-\u9fff]", text), text


@pytest.mark.parametrize("peer_name", ["llama_server", "hearth_server"])
def test_stop_ends_the_reply_within_a_token_and_closes_the_request(peer_name, request, service):
    peer = request.getfixturevalue(peer_name)
    service.use_remote(Endpoint(peer.url, KEY)).result(120)
    pieces, result, at_stop = _stream(service, STORY, LONG, stop_after=4)
    assert result.stats.stop_reason == StopReason.STOPPED
    assert len(pieces) - at_stop <= 1, "Stop must end the reply within a token"
    if peer_name == "llama_server":
        peer.wait_for_line(r"Disconnected from client")
    else:
        line = peer.wait_for_line(r"/v1/chat/completions .*client disconnected")
        assert int(re.search(r"\+(\d+) tok", line).group(1)) < 60, line  # it stopped, not ran on to 400
    # The server is free again at once: the next reply does not wait behind 400 tokens.
    pieces, result, _ = _stream(service, [{"role": "user", "content": "Say yes."}], GREEDY)
    assert result.stats.stop_reason in (StopReason.DONE, StopReason.LENGTH) and pieces


def test_a_server_killed_mid_reply_gives_a_sentence_and_the_partial_reply_is_kept(chat_model_path, service, session):
    peer = llama_cpp_server(chat_model_path, free_port())
    try:
        service.use_remote(Endpoint(peer.url, KEY, "desk")).result(120)
        session.add_user_message(STORY[0]["content"], LONG)
        reply = session.begin_reply("", LONG, "remote")
        got = threading.Event()
        pieces: list[str] = []

        def on_piece(piece, generation):
            pieces.append(piece)
            if len(pieces) >= 4:
                got.set()

        future = service.chat(reply.message_dicts(), LONG, cancel=reply.cancel, on_piece=on_piece)
        assert got.wait(600)
        peer.proc.kill()
        with pytest.raises(RemoteError) as caught:
            future.result(60)
    finally:
        peer.stop()
    message = str(caught.value)
    assert "desk" in message and "middle of the reply" in message and "kept" in message
    for piece in pieces:
        session.append(reply.request_id, piece)
    session.fail(ReplyFailed(reply.request_id, message))
    last = session.store.messages(session.conversation_id)[-1]
    assert last.content == "".join(pieces) and len(last.content) > 0


def test_a_wrong_key_or_a_missing_server_is_a_sentence_and_the_model_stays(llama_server, service):
    service.use_remote(Endpoint(llama_server.url, KEY, "desk")).result(120)
    with pytest.raises(RemoteError, match=r"^desk refused the API key \(HTTP 401\)\. Check the key"):
        service.use_remote(Endpoint(llama_server.url, "wrong", "desk")).result(120)
    with pytest.raises(RemoteError, match=r"needs an API key"):
        service.use_remote(Endpoint(llama_server.url, None, "desk")).result(120)
    with pytest.raises(RemoteError, match=r"cannot reach .*nothing answers there"):
        service.use_remote(Endpoint(f"http://127.0.0.1:{free_port()}")).result(120)
    assert service.loaded_model.server_label == "desk"  # a failed switch leaves the working model in place


def test_loading_a_file_brings_the_local_engine_back(llama_server, service, chat_model_path):
    service.use_remote(Endpoint(llama_server.url, KEY)).result(120)
    local = service.load(str(chat_model_path), n_ctx=1024, n_threads=None, n_gpu_layers=0).result(120)
    assert not isinstance(local, RemoteModel) and local.path == chat_model_path
    pieces, result, _ = _stream(service, [{"role": "user", "content": "Say yes."}], GREEDY)
    assert result.template_source == "model" and pieces


def test_hearth_s_own_server_and_the_benchmark_work_with_a_remote_model(llama_server, service, tmp_path):
    """One engine slot, either kind: a client of Hearth's server is answered by the remote model."""
    service.use_remote(Endpoint(llama_server.url, KEY, "desk")).result(120)
    ctx = ServerContext(llm=service, speech=None, config=ServerConfig(port=0), models_dir=tmp_path)
    server = ApiServer(ctx)
    server.start()
    try:
        body = {"model": "x", "messages": [{"role": "user", "content": "Say yes."}], "max_tokens": 8, "stream": True}
        with httpx.stream("POST", f"{server.url}/chat/completions", json=body, timeout=300) as response:
            assert response.status_code == 200
            chunks = [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: {")]
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        assert text and chunks[-1]["timings"]["predicted_n"] > 0
    finally:
        server.stop()
    with pytest.raises(RemoteError, match="measures a model on this computer"):
        service.run(lambda engine: engine.count_tokens("hello")).result(30)


# --- the command line ---------------------------------------------------------------------------


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=REPO, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, **(env or {})),
    )  # fmt: skip


def test_cli_chat_through_hearth_serve_prints_text_and_the_servers_timings(hearth_server):
    done = _cli("chat", "--server", hearth_server.url, "--api-key", KEY, "-p", "Say hello.", "-n", "12", "--temp",
                "0", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["text"] and out["server"] == hearth_server.url and out["template"] == "remote"
    stats = out["stats"]
    assert 0 < stats["generated_tokens"] <= 12 and stats["prompt_tokens"] > 5 and stats["prompt_eval_ms"] > 0


def test_cli_complete_through_llama_cpp_server_streams_and_prints_timings(llama_server):
    done = _cli("complete", "--server", llama_server.url, "-p", "The capital of France is", "-n", "6",
                "--temp", "0", env={"HEARTH_REMOTE_API_KEY": KEY})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("The capital of France is") and "Paris" in done.stdout
    assert "hearth_print_timings:        eval time" in done.stderr


class _NotAnApi(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html><body>My router</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_page():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotAnApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "case, expected",
    [
        ("wrong key", r"refused the API key \(HTTP 401\)"),
        ("no server", r"cannot reach http://127\.0\.0\.1:\d+: nothing answers there\. Is the server running\?"),
        ("web page", r"is not an OpenAI-compatible server: .*/v1/models did not answer with JSON"),
        ("public http", r"plain http:// outside this machine's network.*--allow-http"),
    ],
)
def test_cli_errors_are_one_sentence_on_stderr(case, expected, request, web_page):
    url = {
        "wrong key": lambda: request.getfixturevalue("llama_server").url,
        "no server": lambda: f"http://127.0.0.1:{free_port()}",
        "web page": lambda: web_page,
        "public http": lambda: "http://203.0.113.9:8080",  # refused before any connection is attempted
    }[case]()
    done = _cli("chat", "--server", url, "--api-key", "wrong", "-p", "hi")
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hearth: error: "), done.stderr
    assert re.search(expected, lines[0]), lines[0]


def test_the_peer_answers_only_with_the_right_key(llama_server):
    """The tests' own premise: the peer really checks keys (else the wrong-key tests prove nothing)."""
    req = urllib.request.Request(f"{llama_server.url}/v1/models", headers={"Authorization": "Bearer wrong"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=10)
    assert caught.value.code == 401


# --- transcription on a server ------------------------------------------------------------------

SPEECH = REPO / "tests" / "data" / "speech"


def test_cli_transcribes_a_file_on_hearth_serve_into_subtitles(hearth_server, tmp_path):
    clip = SPEECH / "jfk_inaugural.wav"
    out = tmp_path / "jfk.srt"
    done = _cli("transcribe", str(clip), "--server", hearth_server.url, "--api-key", KEY, "--srt", "-o", str(out),
                "--language", "en")  # fmt: skip
    assert done.returncode == 0, done.stderr
    srt = out.read_text()
    assert re.match(r"1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n", srt), srt
    text = " ".join(line for line in srt.splitlines() if line and not line[0].isdigit())
    errors, words = word_errors((SPEECH / "jfk_inaugural.txt").read_text(), text)
    assert errors / words < 0.25, text
    assert any("/v1/audio/transcriptions" in line for line in hearth_server.lines)


def test_remote_transcription_refuses_a_wrong_key_with_a_sentence(hearth_server):
    with pytest.raises(RemoteError, match=r"refused the API key"):
        transcribe_remote(Endpoint(hearth_server.url, "wrong"), SPEECH / "jfk_inaugural.wav")
