"""Server: the official `openai` client streaming through Hearth's local server, against the same
LlmService called in-process; and the GUI thread's tick gaps while a client streams.

The server runs in this process, as the window's Server switch runs it (on the window's LlmService,
behind the Server panel, which paints each request's log row). The client is a separate process
(`python -m bench.server client URL`), as any real client is: it reads one request per line on
stdin and answers one JSON line with its timings, measured where a user of the API sees them.
Runs are interleaved and alternate their order; every run starts from an empty KV cache.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

from backend.llm import SamplingParams
from bench.stats import percentile, summary, verdict

PROMPT = "Write a detailed essay about the history of the printing press and its effect on science."
STALL_RUNS = 3
GOALS = {"ratio_generation": ">= 0.95", "ttft_overhead_ms": "<= 20 ms", "stall_p99": "<= 20 ms"}


def _timings(sent: float, arrivals: list[float], tokens: int) -> dict:
    """Tokens, not pieces: the server may send the tokens that pile up while a client is behind as one
    chunk, and a piece is sometimes less than a token (a split UTF-8 character)."""
    first, last, n = arrivals[0], arrivals[-1], len(arrivals)
    return {
        "ttft_ms": (first - sent) * 1000,
        "tokens_per_second": (tokens - 1) / (last - first) if tokens > 1 and last > first else 0.0,
        "pieces": n,
        "tokens": tokens,
    }


def client_main(url: str) -> int:
    """The client process: for each line "TOKENS" on stdin, stream one chat completion and report."""
    import openai

    client = openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=600)
    for line in sys.stdin:
        n_tokens = int(line)
        sent = time.perf_counter()
        arrivals = []
        stream = client.chat.completions.create(
            model="local",
            messages=[{"role": "user", "content": PROMPT}],
            max_tokens=n_tokens,
            temperature=0,
            seed=1,
            stream=True,
            stream_options={"include_usage": True},
        )
        tokens = 0
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                arrivals.append(time.perf_counter())
            if chunk.usage is not None:
                tokens = chunk.usage.completion_tokens
        print(json.dumps(_timings(sent, arrivals, tokens)), flush=True)
    return 0


class _Client:
    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "client", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def stream(self, n_tokens: int) -> dict:
        self.proc.stdin.write(f"{n_tokens}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark's client process ended")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def _inprocess_run(service, n_tokens: int) -> dict:
    params = SamplingParams(temperature=0.0, max_tokens=n_tokens, seed=1)
    arrivals: list[float] = []
    sent = time.perf_counter()
    result = service.chat(
        [{"role": "user", "content": PROMPT}],
        params,
        cancel=threading.Event(),
        on_piece=lambda piece, generation: arrivals.append(time.perf_counter()),
    ).result()
    return _timings(sent, arrivals, result.stats.generated_tokens)


def _cold(service) -> None:
    service.run(lambda engine: engine._llm.reset()).result()  # both sides evaluate the whole prompt


def _ticks_while(app, work, interval_ms: int = 5) -> list[float]:
    """Gaps between a 5 ms timer's ticks on the GUI thread while `work` runs on another thread."""
    from PySide6.QtCore import QEventLoop, QTimer

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(tick)
    done = threading.Event()

    def run():
        try:
            work()
        finally:
            done.set()

    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: done.is_set() and loop.quit())
    timer.start()
    check.start()
    threading.Thread(target=run, daemon=True).start()
    loop.exec()
    timer.stop()
    check.stop()
    return gaps[1:]


def run(app, model_path, *, repeats: int, n_tokens: int, n_ctx: int = 2048, progress=print) -> dict:
    from backend.llm_service import LlmService
    from backend.settings import Settings
    from gui.server_panel import ServerPanel

    service = LlmService()
    service.load(str(model_path), n_ctx=n_ctx, n_threads=None, n_gpu_layers=0).result()
    panel = ServerPanel(Settings(), service)
    panel.resize(900, 600)
    panel.show()  # the panel paints a log row per request, as in the window
    panel.port.setValue(_free_port())
    if not panel.start():
        raise RuntimeError(f"the server did not start: {panel.status.text()}")
    client = _Client(panel.server.url)
    try:
        _cold(service)
        client.stream(8)  # warm-up: connection, imports, first-touch pages on both sides
        _inprocess_run(service, 8)
        served, inproc = [], []

        def ratios() -> list[float]:
            return [s["tokens_per_second"] / i["tokens_per_second"] for s, i in zip(served, inproc)]

        def overheads() -> list[float]:
            return [s["ttft_ms"] - i["ttft_ms"] for s, i in zip(served, inproc)]

        for i in range(repeats):

            def through_server():
                _cold(service)
                served.append(client.stream(n_tokens))
                app.processEvents()  # the log row for this request

            def in_process():
                _cold(service)
                inproc.append(_inprocess_run(service, n_tokens))

            for step in (through_server, in_process) if i % 2 == 0 else (in_process, through_server):
                step()
            progress(
                f"  server repeat {i + 1}: client {served[-1]['tokens_per_second']:.1f} t/s,"
                f" in-process {inproc[-1]['tokens_per_second']:.1f} t/s,"
                f" TTFT {served[-1]['ttft_ms']:.0f} vs {inproc[-1]['ttft_ms']:.0f} ms"
            )

        gaps: list[float] = []
        for _ in range(STALL_RUNS):
            _cold(service)
            gaps += _ticks_while(app, lambda: client.stream(n_tokens))
        result = {
            "served": {k: summary([r[k] for r in served]) for k in ("tokens_per_second", "ttft_ms")},
            "in_process": {k: summary([r[k] for r in inproc]) for k in ("tokens_per_second", "ttft_ms")},
            "ratio_generation": summary(ratios()),
            "ttft_overhead_ms": summary(overheads()),
            "stall_p50": percentile(gaps, 50),
            "stall_p99": percentile(gaps, 99),
            "stall_max": max(gaps) if gaps else 0.0,
            "repeats": len(served),
            "tokens": n_tokens,
            "stall_runs": STALL_RUNS,
            "logged_requests": panel.log.rowCount(),
        }
        result["table_rows"] = rows(result)
        return result
    finally:
        client.close()
        panel.shutdown()
        service.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__" and sys.argv[1:2] == ["client"]:
    sys.exit(client_main(sys.argv[2]))


def rows(r: dict) -> list[tuple[str, str, str, str]]:
    """Table rows (figure, measured, goal, verdict) for bench/run.py's results.md."""

    def m(s: dict, fmt: str) -> str:
        ci = f" [{fmt.format(s['ci'][0])}, {fmt.format(s['ci'][1])}]" if s.get("ci") else ""
        return f"{fmt.format(s['median'])}{ci} ({fmt.format(s['min'])}–{fmt.format(s['max'])}, n={s['n']})"

    ratio, overhead = r["ratio_generation"], r["ttft_overhead_ms"]
    p99_ok = "✓" if r["stall_p99"] <= float(GOALS["stall_p99"].split()[1]) else "✗"
    return [
        (
            "Server: generation t/s, official client streaming ÷ in-process",
            m(ratio, "{:.3f}"),
            GOALS["ratio_generation"],
            verdict(ratio.get("ci"), GOALS["ratio_generation"]),
        ),
        (
            "Server: generation t/s, client / in-process",
            f"{r['served']['tokens_per_second']['median']:.1f} / {r['in_process']['tokens_per_second']['median']:.1f}",
            "",
            "",
        ),
        (
            "Server: TTFT overhead (client's request → first content chunk, minus in-process), ms",
            m(overhead, "{:.1f}"),
            GOALS["ttft_overhead_ms"],
            verdict(overhead.get("ci"), GOALS["ttft_overhead_ms"]),
        ),
        (
            f"Server: GUI tick gaps while a client streams {r['tokens']} tokens, {r['stall_runs']} runs"
            " (5 ms timer): p50 / p99 / max ms",
            f"{r['stall_p50']:.1f} / {r['stall_p99']:.1f} / {r['stall_max']:.1f}",
            "p99 ≤ 20",
            p99_ok,
        ),
    ]
