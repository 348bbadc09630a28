"""The native half of the test suite's network guard: builds tests/netguard.c, preloads it into the
pytest process (by re-running pytest once with LD_PRELOAD) and into every process started from it,
and reads what it refused. See netguard.c for what it intercepts."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).with_name("netguard.c")
LIBRARY = Path(__file__).resolve().parent.parent / ".test-artifacts" / "netguard.so"
LOG_ENV = "HEARTH_NETGUARD_LOG"
LOG_PREFIX = "hearth-netguard-"


def loaded() -> bool:
    try:
        return LIBRARY.name in Path("/proc/self/maps").read_text()
    except OSError:
        return False


def build() -> Path:
    """Compile the shim if it is missing or older than its source (needs a C compiler)."""
    if LIBRARY.exists() and LIBRARY.stat().st_mtime >= SOURCE.stat().st_mtime:
        return LIBRARY
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        raise RuntimeError("no C compiler to build the network guard (install build-essential)")
    LIBRARY.parent.mkdir(parents=True, exist_ok=True)
    tmp = LIBRARY.with_name(f".netguard.{os.getpid()}.so")
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(tmp), str(SOURCE), "-ldl"], check=True)
    os.replace(tmp, LIBRARY)
    return LIBRARY


def started_as_pytest() -> bool:
    """True when this process is a pytest command line that can simply be run again (not pytest.main()
    called from inside some other program, which re-running would repeat)."""
    argv = sys.orig_argv[1:]
    if argv[:2] == ["-m", "pytest"]:
        return True
    return bool(argv) and Path(argv[0]).name in ("pytest", "py.test")


def reexec_preloaded() -> None:
    """Run this same pytest command again with the shim preloaded; does not return."""
    library = build()
    env = dict(os.environ)
    env["LD_PRELOAD"] = " ".join(p for p in (str(library), env.get("LD_PRELOAD", "")) if p)
    if not env.get(LOG_ENV):
        fd, path = tempfile.mkstemp(prefix=LOG_PREFIX, suffix=".log")
        os.close(fd)
        env[LOG_ENV] = path
        env["HEARTH_NETGUARD_OWNER"] = str(os.getpid())  # exec keeps the pid: this run removes the log
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def log_size() -> int:
    try:
        return os.path.getsize(os.environ[LOG_ENV])
    except (KeyError, OSError):
        return 0


def attempts_since(offset: int) -> list[str]:
    """Refused attempts logged (by this process or any child) after byte `offset` of the log."""
    try:
        with open(os.environ[LOG_ENV], "rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace").splitlines()
    except (KeyError, OSError):
        return []


def inet_sockets_made() -> int:
    """Internet (IPv4/IPv6) sockets created in this process so far, by Python or by native code."""
    return ctypes.CDLL(None).hearth_netguard_inet_sockets()


def remove_log() -> None:
    path = os.environ.get(LOG_ENV, "")
    if os.environ.get("HEARTH_NETGUARD_OWNER") == str(os.getpid()) and Path(path).name.startswith(LOG_PREFIX):
        Path(path).unlink(missing_ok=True)


def inet_contacts_made() -> int:
    """connect()/sendto()/sendmsg() calls on IPv4/IPv6 addresses in this process so far, loopback included."""
    return ctypes.CDLL(None).hearth_netguard_inet_contacts()


def cover_child_environments() -> None:
    """Children get the shim through the inherited environment; a test that hands a child an environment
    of its own (env={...}) gets the shim added to it, so no child escapes the guard."""
    import subprocess

    real_init = subprocess.Popen.__init__
    preload = os.environ.get("LD_PRELOAD", "")
    log = os.environ.get(LOG_ENV, "")

    def init(self, *args, env=None, **kwargs):
        if env is not None and str(LIBRARY) not in env.get("LD_PRELOAD", ""):
            env = {**env, "LD_PRELOAD": " ".join(p for p in (preload, env.get("LD_PRELOAD", "")) if p), LOG_ENV: log}
        real_init(self, *args, env=env, **kwargs)

    subprocess.Popen.__init__ = init
