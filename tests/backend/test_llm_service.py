"""LlmService on the real llama.cpp engine and the bundled model: one thread, a bounded queue, per-job cancel."""

from __future__ import annotations

import threading
import time
from concurrent.futures import CancelledError

import pytest

from backend.errors import ModelFileError
from backend.generation_stats import StopReason
from backend.llm import SamplingParams
from backend.llm_service import LlmService, ServiceBusy, ServiceClosed

GREEDY = dict(temperature=0.0, seed=1)
LONG = [{"role": "user", "content": "Write a very long story about a dragon who learns to bake bread."}]
TIMEOUT = 120


@pytest.fixture(scope="module")
def service(chat_model_path):
    svc = LlmService(max_waiting=3)
    svc.load(str(chat_model_path), n_ctx=2048, n_threads=None, n_gpu_layers=0).result(TIMEOUT)
    yield svc
    svc.close()


def _started(service: LlmService, cancel: threading.Event, **params):
    """Start a long generation and return once its first piece has arrived."""
    first = threading.Event()
    future = service.chat(
        LONG,
        SamplingParams(max_tokens=params.pop("max_tokens", 400), **GREEDY),
        cancel=cancel,
        on_piece=lambda piece, gen: first.set(),
    )
    assert first.wait(TIMEOUT), "the long generation never produced a token"
    return future


def test_chat_runs_on_the_engine_thread_and_answers(service):
    threads = set()
    pieces = []

    def on_piece(piece, generation):
        threads.add(threading.current_thread().name)
        pieces.append(piece)
        assert generation.stats.generated_tokens >= 1

    result = service.chat(
        [{"role": "user", "content": "What is the capital of France? Answer in one short sentence."}],
        SamplingParams(max_tokens=40, **GREEDY),
        cancel=threading.Event(),
        on_piece=on_piece,
    ).result(TIMEOUT)
    assert "Paris" in result.text
    assert "".join(pieces) == result.text and len(pieces) > 3
    assert threads == {"llm-engine"}
    assert result.stats.stop_reason == StopReason.DONE
    assert result.stats.generated_tokens > 0 and result.template_source == "model"
    assert service.loaded_model is not None and service.loaded_model.n_ctx == 2048


def test_completion_and_stop_strings(service):
    result = service.complete(
        "The capital of France is Paris. The capital of Italy is",
        SamplingParams(max_tokens=30, **GREEDY),
        cancel=threading.Event(),
        stop=["."],
    ).result(TIMEOUT)
    assert "Rome" in result.text
    assert "." not in result.text, "the stop string must end the text and not be shown"
    assert result.stats.stop_reason == StopReason.DONE


def test_jobs_run_one_at_a_time_in_order(service):
    log: list[tuple[str, int]] = []

    def tag(name):
        return lambda piece, gen: log.append((name, threading.get_ident()))

    futures = [
        service.chat(
            [{"role": "user", "content": f"Count from {i} to 100, separated by commas."}],
            SamplingParams(max_tokens=8, **GREEDY),
            cancel=threading.Event(),
            on_piece=tag(str(i)),
        )
        for i in range(3)
    ]
    results = [f.result(TIMEOUT) for f in futures]
    assert all(r.stats.generated_tokens >= 3 for r in results), [r.text for r in results]
    names = [name for name, _ in log]
    # Each job's pieces form one unbroken run, in submission order: never interleaved.
    runs = [names[0]] + [b for a, b in zip(names, names[1:]) if a != b]
    assert runs == ["0", "1", "2"]
    assert len({ident for _, ident in log}) == 1


def test_cancel_stops_only_its_own_job_within_a_token(service):
    cancel_a = threading.Event()
    future_a = _started(service, cancel_a)
    future_b = service.chat(
        [{"role": "user", "content": "Say hello."}],
        SamplingParams(max_tokens=8, **GREEDY),
        cancel=threading.Event(),
    )
    assert service.waiting == 1 and service.busy
    cancel_a.set()
    a = future_a.result(TIMEOUT)
    assert a.stats.stop_reason == StopReason.STOPPED
    assert a.stats.generated_tokens < 400 and a.text
    b = future_b.result(TIMEOUT)
    assert b.stats.stop_reason in (StopReason.DONE, StopReason.LENGTH) and b.text


def test_stop_ends_a_running_job_within_a_token(service):
    cancel = threading.Event()
    counts = []

    def on_piece(piece, generation):
        counts.append(generation.stats.generated_tokens)
        if len(counts) == 5:
            cancel.set()

    result = service.chat(LONG, SamplingParams(max_tokens=400, **GREEDY), cancel=cancel, on_piece=on_piece).result(
        TIMEOUT
    )
    assert result.stats.stop_reason == StopReason.STOPPED
    assert result.stats.generated_tokens <= counts[4] + 1


def test_a_cancelled_waiting_job_finishes_at_once(service):
    cancel_a = threading.Event()
    future_a = _started(service, cancel_a, max_tokens=2000)
    cancel_b = threading.Event()
    future_b = service.chat(LONG, SamplingParams(max_tokens=50, **GREEDY), cancel=cancel_b)
    ran_c = []
    cancel_c = threading.Event()
    future_c = service.run(lambda engine: ran_c.append(1), cancel=cancel_c)
    cancel_b.set()
    cancel_c.set()
    b = future_b.result(5)  # long before A, which may take a minute, is done
    assert b.stats.stop_reason == StopReason.STOPPED and b.text == ""
    with pytest.raises(CancelledError):
        future_c.result(5)
    assert not future_a.done(), "A is still generating: B was not served by waiting its turn"
    assert service.waiting == 0
    cancel_a.set()
    assert future_a.result(TIMEOUT).stats.stop_reason == StopReason.STOPPED
    assert ran_c == []


def test_a_full_queue_refuses_with_retry_after(service):
    cancel = threading.Event()
    running = _started(service, cancel)
    queued = [service.chat(LONG, SamplingParams(max_tokens=5, **GREEDY), cancel=cancel) for _ in range(3)]
    with pytest.raises(ServiceBusy) as refused:
        service.chat(LONG, SamplingParams(max_tokens=5, **GREEDY), cancel=threading.Event())
    assert refused.value.retry_after_s >= 1
    assert "busy" in str(refused.value)
    with pytest.raises(ServiceBusy):
        service.run(lambda engine: None)
    cancel.set()
    assert running.result(TIMEOUT).stats.stop_reason == StopReason.STOPPED
    for f in queued:
        assert f.result(TIMEOUT).stats.stop_reason == StopReason.STOPPED
    # Once the queue drains, requests are taken again.
    assert service.run(lambda engine: engine.count_tokens("hello world")).result(TIMEOUT) > 0


def test_errors_reach_the_caller_and_the_thread_survives(service, tmp_path):
    def broken(engine):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        service.run(broken).result(TIMEOUT)
    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("just some text, not a model\n" * 20)
    with pytest.raises(ModelFileError):
        service.load(str(not_a_model), n_ctx=2048, n_threads=None, n_gpu_layers=0).result(TIMEOUT)
    # The refused file left the loaded model in place, and the engine still answers.
    assert service.loaded_model is not None and service.loaded_model.path.name != "notes.gguf"
    result = service.chat(
        [{"role": "user", "content": "Say yes."}], SamplingParams(max_tokens=5, **GREEDY), cancel=threading.Event()
    ).result(TIMEOUT)
    assert result.text


def test_close_cancels_running_and_waiting_jobs_and_frees_the_thread(chat_model_path):
    svc = LlmService()
    svc.load(str(chat_model_path), n_ctx=1024, n_threads=None, n_gpu_layers=0).result(TIMEOUT)
    running = _started(svc, threading.Event(), max_tokens=2000)
    waiting = svc.chat(LONG, SamplingParams(max_tokens=50, **GREEDY), cancel=threading.Event())
    began = time.perf_counter()
    svc.close(timeout=10)
    assert time.perf_counter() - began < 10
    assert running.result(1).stats.stop_reason == StopReason.STOPPED
    assert waiting.result(1).stats.stop_reason == StopReason.STOPPED
    assert not svc._jobs.thread.is_alive()
    assert svc.loaded_model is None
    with pytest.raises(ServiceClosed):
        svc.chat(LONG, SamplingParams(), cancel=threading.Event())


def test_empty_path_loads_the_bundled_model_with_progress(chat_model_path):
    svc = LlmService()
    steps = []
    try:
        model = svc.load("", n_ctx=512, n_threads=None, n_gpu_layers=0, on_progress=lambda m, f: steps.append(m))
        loaded = model.result(TIMEOUT)
        assert loaded.path.name == chat_model_path.name
        assert any(s.startswith("Loading ") for s in steps)
    finally:
        svc.close()
