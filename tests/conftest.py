"""Shared fixtures: isolated data dirs, the bundled models, a network guard (Python and native), a
QThread leak check, and CI's rule that nothing is skipped."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

import netguard
import pytest

# Qt must see this before it loads; e2e tests start their own processes on the real $DISPLAY.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_MODELS_DIR = REPO_ROOT / ".test-artifacts" / "models"
DATA_DIR = Path(__file__).resolve().parent / "data"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


# --- in CI every test runs: a skip is a failure, with its reason ------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run (CI=true): {reason}"


# --- native network guard: preload tests/netguard.c into this process and its children --------


def pytest_configure(config):
    if netguard.loaded():
        netguard.cover_child_environments()
        return
    if sys.platform != "linux" or os.environ.get("HEARTH_NETGUARD") == "off":
        return
    try:
        if not netguard.started_as_pytest():
            raise RuntimeError("pytest was not started from its command line, so it cannot be re-run preloaded")
        netguard.build()
    except (RuntimeError, OSError) as exc:
        if in_ci():
            raise pytest.UsageError(f"cannot preload the native network guard: {exc}") from exc
        print(f"hearth: native network guard unavailable ({exc}); only Python sockets are guarded", file=sys.stderr)
        return
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.stop_global_capturing()  # the new process must write to the real terminal
    netguard.reexec_preloaded()


def pytest_unconfigure(config):
    netguard.remove_log()


# --- network guard: every test, every socket --------------------------------------------------


def _is_loopback(address) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
    else:
        return True  # AF_UNIX paths (PulseAudio, X11) are local by definition
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already leave the machine


class NetworkAccessBlocked(RuntimeError):
    pass


_native_log_offset = [0]  # where the running test's part of the native guard's log begins


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test whose code connects anywhere but loopback."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkAccessBlocked(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def guarded_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkAccessBlocked(f"test tried to reach the network: {address!r}")
        return real_connect_ex(self, address)

    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo

    def guarded_sendto(self, data, *args):
        # UDP needs no connect(): sendto(data, [flags,] address) reaches the network by itself.
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(args[-1]):
            raise NetworkAccessBlocked(f"test tried to send to the network: {args[-1]!r}")
        return real_sendto(self, data, *args)

    def guarded_getaddrinfo(host, *args, **kwargs):
        # A DNS query for a real name is itself traffic; loopback names and literal IPs are answered locally.
        name = host.decode() if isinstance(host, bytes) else host
        if name not in (None, "", "localhost") and not _is_ip_literal(name):
            raise NetworkAccessBlocked(f"test tried to resolve a host name: {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)
    monkeypatch.setattr(socket.socket, "sendto", guarded_sendto)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    _native_log_offset[0] = netguard.log_size()
    yield
    # Native code (Qt, FFmpeg, the engines) and child processes, for the whole test: the shim refused
    # and logged every attempt, however short-lived the socket.
    attempts = netguard.attempts_since(_native_log_offset[0])
    if attempts:
        pytest.fail(f"the test reached for the network outside Python: {attempts}", pytrace=False)


@pytest.fixture
def native_network_attempts():
    """For the guard's own tests: read what the native guard refused, and take it off the test's record."""

    def take() -> list[str]:
        lines = netguard.attempts_since(_native_log_offset[0])
        _native_log_offset[0] = netguard.log_size()
        return lines

    return take


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


# --- isolated app dirs ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets a fresh data dir; the user's real one is never touched."""
    path = tmp_path / "hearth-data"
    path.mkdir()
    monkeypatch.setenv("HEARTH_DATA_DIR", str(path))
    monkeypatch.setenv("HEARTH_MODELS_DIR", str(TEST_MODELS_DIR))
    return path


@pytest.fixture
def empty_models_dir(tmp_path, monkeypatch) -> Path:
    """For tests that install or delete models: a models dir of their own."""
    path = tmp_path / "models"
    path.mkdir()
    monkeypatch.setenv("HEARTH_MODELS_DIR", str(path))
    return path


# --- bundled models (built once into .test-artifacts, reused across runs) --------------------


def _bundled(key: str) -> Path:
    from backend.models import bundled

    old = os.environ.get("HEARTH_MODELS_DIR")
    os.environ["HEARTH_MODELS_DIR"] = str(TEST_MODELS_DIR)
    try:
        return bundled.ensure(key)
    finally:
        if old is None:
            os.environ.pop("HEARTH_MODELS_DIR", None)
        else:
            os.environ["HEARTH_MODELS_DIR"] = old


@pytest.fixture(scope="session")
def chat_model_path() -> Path:
    from backend.models import bundled

    return _bundled(bundled.QWEN_CODER.key)


@pytest.fixture(scope="session")
def gemma_model_path() -> Path:
    from backend.models import bundled

    return _bundled(bundled.GEMMA_270M.key)


@pytest.fixture(scope="session")
def speech_model_path() -> Path:
    from backend.models import bundled

    return _bundled(bundled.WHISPER_TINY_EN.key)


@pytest.fixture(scope="session")
def multilingual_speech_model_path() -> Path:
    from backend.models import bundled

    return _bundled(bundled.WHISPER_BASE.key)


@pytest.fixture(scope="session")
def test_data() -> Path:
    return DATA_DIR


# --- no QThread may outlive its test ----------------------------------------------------------


@pytest.fixture(autouse=True)
def no_leaked_qthreads(request):
    yield
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        return
    from gui.threads import running_threads

    leaked = running_threads()
    assert not leaked, f"test left QThreads running: {leaked}"
