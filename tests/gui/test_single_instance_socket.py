"""The single-instance socket is where only this user can create it, and only this user can use it:
another local user cannot squat a predictable name in /tmp and swallow the second start."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from gui.single_instance import SingleInstance, server_path


def test_socket_lives_in_the_users_data_folder_with_user_only_access(qtbot, data_dir):
    first = SingleInstance(data_dir)
    try:
        assert first.acquire()
        path = Path(server_path(data_dir))
        assert path.parent == data_dir.resolve(), "not a guessable name in the shared temp folder"
        assert not str(path).startswith(tempfile.gettempdir() + "/hearth-")
        mode = os.stat(path).st_mode
        assert stat.S_ISSOCK(mode)
        assert mode & 0o077 == 0, f"group/others may connect: {oct(mode & 0o777)}"
    finally:
        first.release()


def test_second_start_reaches_the_first_through_the_private_socket(qtbot, data_dir):
    first = SingleInstance(data_dir)
    second = SingleInstance(data_dir)
    try:
        assert first.acquire()
        assert not second.acquire(), "the data folder is held by the first"
        with qtbot.waitSignal(first.raise_requested, timeout=5000):
            assert second.ask_running_to_raise()
        qtbot.wait(100)  # let the first see the second hang up before it goes away
    finally:
        first.release()


def test_a_data_folder_too_deep_for_a_socket_path_uses_the_private_runtime_folder(tmp_path, monkeypatch):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6)
    deep.mkdir(parents=True)
    assert Path(server_path(deep)).parent == runtime
    runtime.chmod(0o777)  # a runtime folder others can write is not private: not used
    assert Path(server_path(deep)).parent == deep.resolve()
