"""llama.cpp RPC: split a local GGUF's layers across `rpc-server` processes on other machines.

llama-cpp-python has no RPC parameter of its own (its Llama takes no `rpc_servers`), so this does what
llama.cpp's own `--rpc` option does (common/arg.cpp, add_rpc_devices): find ggml's "RPC" backend,
add one device per worker and register it; the next model load then offloads layers to those
devices like to a GPU (n_gpu_layers). A build made without -DGGML_RPC=on has no such backend: then
`rpc_support()` says so, in a sentence the window shows, instead of the option silently missing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

from backend.remote_http import RemoteError

_registered: list[str] = []  # ggml keeps devices for the life of the process: never add one twice

BUILD_HINT = (
    'rebuild llama-cpp-python with RPC: CMAKE_ARGS="-DGGML_RPC=on" .venv/bin/pip install --force-reinstall '
    "--no-cache-dir llama-cpp-python (README: Remote models)"
)


@dataclass(frozen=True)
class RpcSupport:
    available: bool
    explanation: str  # a sentence for the user either way


@functools.cache
def _ggml() -> ctypes.CDLL | None:
    import llama_cpp  # loads libggml alongside libllama

    folder = Path(llama_cpp.__file__).parent / "lib"
    names = {"win32": ["ggml.dll"], "darwin": ["libggml.dylib"]}.get(sys.platform, ["libggml.so"])
    for name in names:
        if (folder / name).exists():
            lib = ctypes.CDLL(str(folder / name))
            lib.ggml_backend_reg_by_name.restype = ctypes.c_void_p
            lib.ggml_backend_reg_by_name.argtypes = [ctypes.c_char_p]
            lib.ggml_backend_reg_get_proc_address.restype = ctypes.c_void_p
            lib.ggml_backend_reg_get_proc_address.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.ggml_backend_register.restype = None
            lib.ggml_backend_register.argtypes = [ctypes.c_void_p]
            return lib
    return None


def _rpc_reg() -> int | None:
    import llama_cpp

    try:
        if not llama_cpp.llama_supports_rpc():
            return None
        lib = _ggml()
    except (AttributeError, OSError):
        return None
    return lib.ggml_backend_reg_by_name(b"RPC") if lib is not None else None


def rpc_support() -> RpcSupport:
    if _rpc_reg():
        return RpcSupport(True, "This llama.cpp build has the RPC backend: a model can be split across machines.")
    return RpcSupport(
        False,
        "This llama.cpp build has no RPC backend (it was built without -DGGML_RPC=on), so a model cannot be "
        f"split across machines. To use RPC workers, {BUILD_HINT}.",
    )


def parse_workers(text: str) -> list[str]:
    """'10.0.0.5:50052, gpu-box:50052' → ['10.0.0.5:50052', 'gpu-box:50052']; RemoteError for a bad entry."""
    workers = [w.strip() for w in text.replace(";", ",").replace(" ", ",").split(",") if w.strip()]
    if not workers:
        raise RemoteError("enter at least one worker as host:port, for example 192.168.1.20:50052")
    for worker in workers:
        host, _, port = worker.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise RemoteError(f"{worker} is not host:port (rpc-server listens on port 50052 by default)")
    return workers


def add_workers(workers: list[str]) -> list[str]:
    """Register RPC workers with ggml (before the model loads); returns all registered. RemoteError without RPC."""
    reg = _rpc_reg()
    if not reg:
        raise RemoteError(rpc_support().explanation)
    lib = _ggml()
    address = lib.ggml_backend_reg_get_proc_address(reg, b"ggml_backend_rpc_add_server")
    if not address:
        raise RemoteError(f"this llama.cpp build's RPC backend cannot add servers; {BUILD_HINT}")
    add_server = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p)(address)
    for worker in workers:
        if worker in _registered:
            continue
        device_reg = add_server(worker.encode())
        if not device_reg:
            raise RemoteError(f"the RPC worker {worker} could not be added (is rpc-server running there?)")
        lib.ggml_backend_register(device_reg)
        _registered.append(worker)
    return list(_registered)
