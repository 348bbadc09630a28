"""`models …`: prepare the bundled models; list, inspect, import, download and delete models."""

from __future__ import annotations

import dataclasses
import json
import sys
import time

from backend import hardware
from backend.cli import fail
from backend.errors import HearthError
from backend.models import bundled, catalog, registry
from backend.models.downloads import DownloadProgress, DownloadState
from backend.models.importer import ImportMode, import_model


def register(subparsers) -> None:
    parser = subparsers.add_parser("models", help="manage model files")
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    p = sub.add_parser("prepare", help="build the bundled default models into the model folder (once)")
    p.set_defaults(func=run_prepare)
    _register_manager_commands(sub)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def run_prepare(args) -> int:
    for key, model in bundled.BUNDLED.items():
        if bundled.is_ready(key):
            continue
        print(f"preparing {model.title} → {model.path}", file=sys.stderr)
        try:
            bundled.ensure(key)
        except (HearthError, OSError) as exc:
            return fail(f"{model.title}: {exc}")
    return 0


# --- list / info / import / download / delete -------------------------------------------------


def _register_manager_commands(sub) -> None:
    p = sub.add_parser("list", help="installed models (or the catalog with --catalog)")
    p.add_argument("--catalog", action="store_true", help="list the models that can be downloaded")
    p.add_argument("--kind", choices=["chat", "speech"])
    p.add_argument("--language", choices=["multilingual", "en-only"])
    p.add_argument("--fits", action="store_true", help="only catalog models that fit this machine")
    p.add_argument("--n-ctx", type=int, default=catalog.DEFAULT_FIT_CONTEXT, help="context length for fit estimates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_list)

    p = sub.add_parser("info", help="a model file's header, and whether it fits this machine")
    p.add_argument("path")
    p.add_argument("--n-ctx", type=int, default=catalog.DEFAULT_FIT_CONTEXT)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_info)

    p = sub.add_parser("import", help="add a .gguf, a whisper.cpp .bin or a faster-whisper folder")
    p.add_argument("path")
    p.add_argument("--link", action="store_true", help="list it where it is instead of copying it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_import)

    p = sub.add_parser("download", help="download a catalog model (by name) or an https URL; Ctrl-C pauses")
    p.add_argument("name", help="catalog name (see `models list --catalog`) or URL")
    p.add_argument("--sha256", help="expected SHA-256, for URLs whose server does not publish one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_download)

    p = sub.add_parser("delete", help="delete an installed model (a linked import is only forgotten)")
    p.add_argument("name", help="file name or path, as `models list` shows it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_delete)


def _jsonable(obj) -> dict:
    return {k: str(v) if k == "path" else v for k, v in dataclasses.asdict(obj).items()}


def _fit_line(fit: hardware.FitEstimate) -> str:
    return f"{fit.verdict}: {fit.explain()}"


def _installed_fit(model: registry.InstalledModel, n_ctx: int) -> hardware.FitEstimate | None:
    if model.kind != "chat" or not model.n_layers:
        return None
    n_ctx = min(n_ctx, model.context_length or n_ctx)
    return hardware.estimate_fit(model.file_size, model.n_layers, model.n_kv_heads, model.head_dim, n_ctx)


def run_list(args) -> int:
    try:
        if args.catalog:
            return _list_catalog(args)
        models, broken = registry.list_installed()
    except (HearthError, OSError) as exc:
        return fail(str(exc))
    models = [m for m in models if not args.kind or m.kind == args.kind]
    if args.json:
        print(
            json.dumps(
                {
                    "installed": [_jsonable(m) for m in models],
                    "broken": [{"path": str(b.path), "problem": b.problem} for b in broken],
                },
                indent=2,
            )
        )
        return 0
    for m in models:
        details = (
            m.languages
            if m.kind == "speech"
            else f"ctx {m.context_length}, template {'yes' if m.has_chat_template else 'no'}"
        )
        print(
            f"{m.path.name}\t{m.kind}\t{m.architecture}\t{m.parameters}\t{m.quantization}\t"
            f"{m.file_size / 1e6:.0f} MB\t{details}\t{m.origin}"
        )
    for b in broken:
        print(f"{b.path.name}\tBROKEN\t{b.problem}")
    return 0


def _list_catalog(args) -> int:
    entries = catalog.filter_entries(
        catalog.load_catalog(), kind=args.kind, language=args.language, fits_only=args.fits, n_ctx=args.n_ctx
    )
    if args.json:
        rows = [{**dataclasses.asdict(e), "fit": e.fit(args.n_ctx).verdict} for e in entries]
        print(json.dumps({"catalog": rows}, indent=2))
        return 0
    for e in entries:
        extra = (
            f"~{e.memory_mb:,} MB RAM (whisper.cpp); PyTorch: ~{e.memory_gb:g} GB VRAM, {e.relative_speed:g}x"
            if e.kind == "speech"
            else f"ctx {e.context_length}"
        )
        print(f"{e.key}\t{e.kind}\t{e.params}\t{e.quant}\t~{e.size / 1e6:.0f} MB\t{extra}\t{e.fit(args.n_ctx).verdict}")
    return 0


def run_info(args) -> int:
    try:
        model = registry.describe(args.path)
    except (HearthError, OSError) as exc:
        return fail(str(exc))
    fit = _installed_fit(model, args.n_ctx)
    backend = hardware.compute_backend()
    if args.json:
        out = _jsonable(model)
        out["compute_backend"] = {"name": backend.name, "gpu_offload": backend.gpu_offload}
        if fit:
            out["fit"] = {
                "verdict": fit.verdict,
                "needed": fit.needed,
                "weights": fit.weights,
                "kv_cache": fit.kv_cache,
                "overhead": fit.overhead,
                "n_ctx": args.n_ctx,
                "ram_total": fit.ram_total,
                "ram_available": fit.ram_available,
            }
        print(json.dumps(out, indent=2))
        return 0
    for key, value in _jsonable(model).items():
        if value not in (None, "", 0):
            print(f"{key}: {value}")
    print(f"compute backend: {backend.name}{' (GPU offload)' if backend.gpu_offload else ''}")
    if fit:
        print(f"fit at n_ctx {min(args.n_ctx, model.context_length or args.n_ctx)}: {_fit_line(fit)}")
    return 0


def run_import(args) -> int:
    mode = ImportMode.LINK if args.link else ImportMode.COPY
    try:
        model = import_model(args.path, mode, progress=_fraction_printer(f"importing {args.path}"))
    except (HearthError, OSError) as exc:
        return fail(str(exc))
    print(file=sys.stderr)
    print(json.dumps(_jsonable(model), indent=2) if args.json else f"installed {model.path}")
    return 0


def _fraction_printer(label: str):
    last = [0.0]

    def show(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or fraction >= 1.0:
            last[0] = now
            print(f"\r{label}: {fraction:6.1%}", end="", file=sys.stderr, flush=True)

    return show


def _show_download(progress: DownloadProgress) -> None:
    total = f"{progress.total / 1e6:.1f} MB" if progress.total else "?"
    eta = f", {progress.eta_s:.0f} s left" if progress.eta_s is not None else ""
    print(
        f"\r{progress.state.value}: {progress.done / 1e6:.1f} of {total}"
        f" at {progress.speed_bps / 1e6:.1f} MB/s{eta}   ",
        end="",
        file=sys.stderr,
        flush=True,
    )


def run_download(args) -> int:
    if args.name.startswith(("http://", "https://")):
        url, sha, filename = args.name, args.sha256, None
    else:
        try:
            entry = catalog.find(args.name)
        except HearthError as exc:
            return fail(str(exc))
        url, sha, filename = entry.url, args.sha256 or entry.sha256, entry.filename
    download = registry.model_download(url, sha256=sha, filename=filename, on_progress=_show_download)
    try:
        state = download.run()
    except KeyboardInterrupt:
        # Ctrl-C interrupts run() mid-read: the part and its record stay on disk for a later resume.
        print(file=sys.stderr)
        return fail("paused; run the same command again to resume", code=130)
    print(file=sys.stderr)
    if state is not DownloadState.DONE:
        return fail(download.error or state.value)
    if args.json:
        print(json.dumps({"path": str(download.target), "url": url, "verified": download.verified}, indent=2))
    else:
        note = "SHA-256 verified" if download.verified else "no checksum published; size checked only"
        print(f"installed {download.target} ({note})")
    return 0


def run_delete(args) -> int:
    try:
        message = registry.delete(registry.find_installed(args.name))
    except (HearthError, OSError) as exc:
        return fail(str(exc))
    print(json.dumps({"result": message}) if args.json else message)
    return 0
