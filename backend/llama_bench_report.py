"""llama-bench's output formats (md, csv, json, jsonl) for Hearth's bench results, as plain records.

Field names follow llama-bench's, so scripts written for its JSON/CSV read these too; Hearth adds the
llama.cpp perf-counter cross-check and names its build by the llama-cpp-python version (the Python
package does not expose llama.cpp's build number). Records (dicts) are what the history stores and
the tab shows, so a run from last month exports exactly as a fresh one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from backend.llama_bench import BenchResult, BenchSettings, BuildInfo

FORMATS = ("md", "csv", "json", "jsonl")
_DEFAULTS = BenchSettings(n_threads=1)
# Optional llama-bench columns: (field, header, shown when the value differs from llama-bench's default)
_OPTIONAL = [
    ("n_batch", "n_batch"),
    ("n_ubatch", "n_ubatch"),
    ("type_k", "type_k"),
    ("type_v", "type_v"),
    ("flash_attn", "fa"),
]


def record(result: BenchResult, build: BuildInfo) -> dict:
    s = result.test.settings
    return {
        "kind": "llm",
        "build_commit": f"llama-cpp-python {build.llama_cpp_python}",
        "cpu_info": build.cpu,
        "gpu_info": build.gpu,
        "backends": result.backend,
        "model_filename": str(result.test.model),
        "model_type": result.facts.model_type,
        "model_size": result.facts.model_size,
        "model_n_params": result.facts.model_n_params,
        **s.as_dict(),
        "n_prompt": result.test.n_prompt,
        "n_gen": result.test.n_gen,
        "test": result.test.name,
        "test_time": result.test_time,
        "avg_ns": round(result.avg_ns),
        "stddev_ns": round(result.stddev_ns),
        "avg_ts": round(result.avg_ts, 6),
        "stddev_ts": round(result.stddev_ts, 6),
        "samples_ns": list(result.samples_ns),
        "samples_ts": [round(t, 6) for t in result.samples_ts],
        "perf_prompt_tokens": result.perf_prompt_tokens,
        "perf_gen_tokens": result.perf_gen_tokens,
        "perf_ts": round(result.perf_ts, 6),
        "counters_match": result.counters_match,
    }


def size_text(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.2f} MiB" if n_bytes < 2**30 else f"{n_bytes / 2**30:.2f} GiB"


def params_text(n: int) -> str:
    return f"{n / 1e6:.2f} M" if n < 1e9 else f"{n / 1e9:.2f} B"


def _setting(rec: dict, name: str):
    return rec.get(name, getattr(_DEFAULTS, name))


def table_rows(records: Sequence[dict]) -> tuple[list[str], list[list[str]]]:
    """llama-bench's Markdown columns: the fixed ones, plus each setting that varies or is not the default."""
    records = [r for r in records if r.get("kind", "llm") == "llm"]
    headers = ["model", "size", "params", "backend"]
    if any(r["backends"] != "CPU" for r in records):
        headers.append("ngl")
    headers.append("threads")
    optional = []
    for name, header in _OPTIONAL:
        values = {_setting(r, name) for r in records}
        if len(values) > 1 or values - {getattr(_DEFAULTS, name)}:
            optional.append(name)
            headers.append(header)
    headers += ["test", "t/s"]
    rows = []
    for r in records:
        row = [r["model_type"], size_text(r["model_size"]), params_text(r["model_n_params"]), r["backends"]]
        if "ngl" in headers:
            row.append(str(r["n_gpu_layers"]))
        row.append(str(r["n_threads"]))
        row += [str(_setting(r, name)) for name in optional]
        row += [r["test"], f"{r['avg_ts']:.2f} ± {r['stddev_ts']:.2f}"]
        rows.append(row)
    return headers, rows


def whisper_rows(records: Sequence[dict]) -> tuple[list[str], list[list[str]]]:
    headers = ["model", "size", "threads", "clip", "audio s", "transcribe s", "RTF", "× real time"]
    rows = []
    for r in records:
        if r.get("kind") != "whisper":
            continue
        rows.append(
            [
                r["model_type"],
                size_text(r["model_size"]),
                str(r["n_threads"]),
                r["clip"],
                f"{r['audio_s']:.2f}",
                f"{r['avg_s']:.2f} ± {r['stddev_s']:.2f}",
                f"{r['rtf']:.3f}",
                f"{1 / r['rtf']:.1f}" if r["rtf"] > 0 else "–",
            ]
        )
    return headers, rows


_NUMERIC = {
    "size",
    "params",
    "ngl",
    "threads",
    "n_batch",
    "n_ubatch",
    "fa",
    "test",
    "t/s",
    "audio s",
    "transcribe s",
    "RTF",
    "× real time",
}


def _markdown_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        cells = [c.rjust(w) if h in _NUMERIC else c.ljust(w) for c, w, h in zip(cells, widths, headers)]
        return "| " + " | ".join(cells) + " |"

    rule = "| " + " | ".join("-" * (w - 1) + (":" if h in _NUMERIC else "-") for w, h in zip(widths, headers)) + " |"
    return [line(headers), rule] + [line(row) for row in rows]


def to_markdown(records: Sequence[dict]) -> str:
    parts = []
    headers, rows = table_rows(records)
    if rows:
        parts.append("\n".join(_markdown_table(headers, rows)))
    headers, rows = whisper_rows(records)
    if rows:
        parts.append("\n".join(_markdown_table(headers, rows)))
    builds = sorted({r["build_commit"] for r in records})
    return "\n\n".join(parts) + (f"\n\nbuild: {', '.join(builds)}\n" if builds else "\n")


def _flat(value):
    return json.dumps(value) if isinstance(value, (list, dict)) else value


def to_csv(records: Sequence[dict]) -> str:
    fields: list[str] = []
    for rec in records:
        fields += [k for k in rec if k not in fields]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: _flat(v) for k, v in rec.items()})
    return out.getvalue()


def to_json(records: Sequence[dict]) -> str:
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


def to_jsonl(records: Sequence[dict]) -> str:
    return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records)


def render(records: Sequence[dict], fmt: str) -> str:
    return {"md": to_markdown, "csv": to_csv, "json": to_json, "jsonl": to_jsonl}[fmt](records)
