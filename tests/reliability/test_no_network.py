"""Hearth never talks to the network behind the user's back: the guard every test runs under really
blocks each way out, and the real window opens no internet socket while starting, chatting and dictating."""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
from window_actions import send


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: socket.create_connection(("93.184.216.34", 80), timeout=1),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)),
        lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect_ex(("2606:4700::1111", 443)),
        lambda: socket.getaddrinfo("huggingface.co", 443),
        lambda: urllib.request.urlopen("http://example.com/", timeout=1),
    ],
    ids=["tcp-create_connection", "udp-sendto", "ipv6-connect_ex", "dns-getaddrinfo", "urllib"],
)
def test_guard_blocks_every_way_out(attempt):
    with pytest.raises(Exception) as raised:
        attempt()
    cause = getattr(raised.value, "reason", raised.value)  # urllib wraps it in a URLError
    # The guard's own error, not a timeout or "network unreachable" from a sandboxed CI machine.
    assert type(cause).__name__ == "NetworkAccessBlocked", repr(cause)


def test_guard_lets_loopback_through():
    server = socket.create_server(("127.0.0.1", 0))
    try:
        socket.create_connection(server.getsockname(), timeout=1).close()
        assert socket.getaddrinfo("localhost", 80)
    finally:
        server.close()


def _internet_socket_inodes() -> set[str]:
    """Inodes of this process's TCP/UDP/raw sockets, from /proc: counts what Qt and llama.cpp open
    natively too, not only sockets made through Python. Unix-domain sockets are not counted: they
    cannot leave the machine (Qt uses them for X11/D-Bus, Hearth for its single-instance check)."""
    inet = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        lines = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
        inet.update(line.split()[9] for line in lines)
    mine = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[8:-1])
    return mine & inet


def test_window_opens_no_internet_socket_while_starting_chatting_and_dictating(
    qtbot, open_chat, monkeypatch, test_data, speech_model_path
):
    made = []
    real_socket_init = socket.socket.__init__

    def counting_init(self, family=-1, *args, **kwargs):
        made.append(family)
        real_socket_init(self, family, *args, **kwargs)

    probe = socket.create_server(("127.0.0.1", 0))
    seen_by_counter = _internet_socket_inodes()
    probe.close()
    assert seen_by_counter - _internet_socket_inodes(), "the /proc counter must see a socket this process opens"

    monkeypatch.setattr(socket.socket, "__init__", counting_init)
    before = _internet_socket_inodes()
    window = open_chat()
    window.tabs.setCurrentWidget(window.model_manager)  # the catalog must not fetch anything either
    window.tabs.setCurrentWidget(window.chat_pane)
    send(qtbot, window.chat_pane, "Hello!")
    assert window.chat_pane.view.bubbles[-1].text().strip()
    sink = os.environ.get("HEARTH_TEST_SINK")
    if sink:  # the real microphone path: PortAudio through PulseAudio's (Unix-socket) server
        panel = window.dictation_panel
        window.tabs.setCurrentWidget(panel)
        with qtbot.waitSignal(panel.worker.dictation_started, timeout=30_000):  # this recording's stream is open
            panel.record_button.click()
        subprocess.run(
            ["paplay", f"--device={sink}", str(test_data / "speech" / "jfk_inaugural.wav")], check=True, timeout=60
        )
        qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= 5, timeout=30_000)
        panel.record_button.click()
        qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    opened = _internet_socket_inodes() - before
    assert not opened, f"the app opened {len(opened)} internet socket(s)"
    assert [f for f in made if f in (socket.AF_INET, socket.AF_INET6)] == [], "no Python internet socket was made"
