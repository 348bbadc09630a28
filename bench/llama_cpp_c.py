"""llama.cpp's own C `llama-bench`, built from the very llama.cpp sources llama-cpp-python vendors.

The llama-cpp-python source distribution of the installed version is fetched once with pip (the
package registry: the one network use, and only when this bench section is asked for), its
`vendor/llama.cpp` is configured with the same CMake defaults the Python package's build uses
(Release, shared libraries, native CPU flags, OpenMP) and only the `llama-bench` target is built.
Everything is cached under the bench's scratch folder, with how long the build took.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path


def _version() -> str:
    return importlib.metadata.version("llama-cpp-python")


def sdist(cache: Path, progress=print) -> Path:
    version = _version()
    target = cache / f"llama_cpp_python-{version}.tar.gz"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    progress(f"  fetching the llama-cpp-python {version} source distribution (pip download)…")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         f"llama-cpp-python=={version}", "-d", str(cache)],
        check=True,
    )  # fmt: skip
    if not target.exists():
        raise RuntimeError(f"pip did not produce {target.name}")
    return target


def build(cache: Path, progress=print) -> tuple[Path, dict]:
    """The llama-bench executable and how it was built ({"seconds": …, "cached": bool, …})."""
    version = _version()
    root = cache / f"llama.cpp-{version}"
    exe = root / "build" / "bin" / "llama-bench"
    record = root / "build.json"
    if exe.exists() and record.exists():
        return exe, {**json.loads(record.read_text()), "cached": True}
    archive = sdist(cache, progress)
    source = root / "src"
    if not (source / "CMakeLists.txt").exists():
        progress("  unpacking vendor/llama.cpp…")
        prefix = f"llama_cpp_python-{version}/vendor/llama.cpp/"
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
            for m in members:
                m.name = m.name[len(prefix) :]
            tar.extractall(source, members=[m for m in members if m.name], filter="data")
    jobs = str(os.cpu_count() or 1)
    start = time.perf_counter()
    progress(f"  building llama-bench from llama.cpp as vendored by llama-cpp-python {version} ({jobs} jobs)…")
    configure = [
        "cmake", "-S", str(source), "-B", str(root / "build"), "-DCMAKE_BUILD_TYPE=Release",
        "-DBUILD_SHARED_LIBS=ON", "-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF",
        "-DLLAMA_BUILD_SERVER=OFF", "-DLLAMA_BUILD_TOOLS=ON",
    ]  # fmt: skip
    if shutil.which("ninja"):
        configure += ["-G", "Ninja"]
    for cmd in (configure, ["cmake", "--build", str(root / "build"), "--target", "llama-bench", "-j", jobs]):
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(f"{' '.join(cmd[:3])}… failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    info = {"seconds": round(time.perf_counter() - start), "jobs": int(jobs), "version": version}
    record.write_text(json.dumps(info))
    return exe, {**info, "cached": False}


def run(exe: Path, model: Path, *, n_prompt: int, n_gen: int, reps: int, threads: int, n_batch: int,
        n_ubatch: int, flash_attn: str, type_k: str = "f16", type_v: str = "f16",
        depths: tuple[int, ...] = (0,)) -> list[dict]:  # fmt: skip
    """One llama-bench invocation; its JSON records (one per test and depth: tests at depth d start
    with d tokens already in the KV cache, llama-bench's `-d`)."""
    fa = {"off": "0", "on": "1", "auto": "auto"}[flash_attn]
    cmd = [
        str(exe), "-m", str(model), "-p", str(n_prompt), "-n", str(n_gen), "-r", str(reps), "-t", str(threads),
        "-b", str(n_batch), "-ub", str(n_ubatch), "-fa", fa, "-ctk", type_k, "-ctv", type_v,
        "-d", ",".join(map(str, depths)), "-o", "json",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if out.returncode:
        raise RuntimeError(f"llama-bench failed: {out.stderr[-1500:]}")
    return json.loads(out.stdout)
