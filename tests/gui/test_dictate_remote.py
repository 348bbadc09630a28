"""`main.py dictate --toggle/--begin/--end` reach the running Hearth over its private socket (what a
desktop's own shortcut runs where no application may grab keys, as on Wayland)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from backend.instance_socket import InstanceNotRunning, send_command
from gui.single_instance import SingleInstance

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _cli(data_dir, *args) -> subprocess.Popen:
    env = {**os.environ, "HEARTH_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "main.py", "dictate", *args], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("action", ["toggle", "begin", "end"])
def test_the_cli_tells_the_running_window(qtbot, data_dir, action):
    instance = SingleInstance(data_dir)
    assert instance.acquire()
    try:
        with qtbot.waitSignal(instance.dictation_requested, timeout=30_000) as signal:
            process = _cli(data_dir, f"--{action}")
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
        assert signal.args == [action]
        assert process.returncode == 0, process.stderr.read()
    finally:
        instance.release()


def test_without_a_running_hearth_the_cli_says_so_in_one_line(data_dir):
    process = _cli(data_dir, "--toggle")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.strip().splitlines() == [
        "hearth: error: Hearth is not running: start it first (it keeps listening in the tray), then run this again"
    ]


def test_an_unknown_command_is_answered_not_obeyed(qtbot, data_dir):
    instance = SingleInstance(data_dir)
    assert instance.acquire()
    raised = []
    instance.raise_requested.connect(lambda: raised.append(True))
    instance.dictation_requested.connect(raised.append)
    try:
        answers = []
        worker = threading.Thread(target=lambda: answers.append(send_command(data_dir, "dictate now please")))
        worker.start()
        qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
        worker.join()
        assert answers == ["error: unknown command"]
        assert raised == []
    finally:
        instance.release()
    with pytest.raises(InstanceNotRunning):
        send_command(data_dir, "dictate toggle")
