"""Whisper's threads follow the cores that were free before each call."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from backend.idle_cores import IdleCores, read_proc_stat


class Machine:
    """/proc/stat of a machine whose `busy` cores are fully used, ticking 100 per core-second."""

    def __init__(self, cpus: int):
        self.cpus, self.busy, self.now = cpus, 0.0, 0.0
        self.idle = self.total = 0.0

    def run(self, seconds: float) -> None:
        self.now += seconds
        self.idle += 100 * seconds * (self.cpus - self.busy)
        self.total += 100 * seconds * self.cpus

    def read(self):
        return self.idle, self.total


def cores(machine: Machine) -> IdleCores:
    return IdleCores(machine.cpus, read=machine.read, clock=lambda: machine.now, sleep=machine.run)


def after_a_pause(machine: Machine, idle: IdleCores, busy: float, cap: int, seconds: float = 0.5) -> int:
    """The threads chosen after `seconds` between calls with `busy` cores used by others."""
    machine.busy = busy
    idle.mark()
    machine.run(seconds)
    return idle.threads(cap=cap)


def test_an_idle_machine_gives_every_core_up_to_the_cap():
    machine = Machine(8)
    assert after_a_pause(machine, cores(machine), busy=0.0, cap=4) == 4
    assert cores(machine).threads(cap=2) == 2, "before any span it looks for a moment"


def test_a_busy_core_is_left_alone():
    machine = Machine(2)
    idle = cores(machine)
    assert after_a_pause(machine, idle, busy=1.0, cap=2) == 1  # a chat generating on one core
    assert after_a_pause(machine, idle, busy=2.0, cap=2) == 1, "never fewer than one"
    # Light work (the window, the audio callback) still leaves the core free.
    assert after_a_pause(machine, idle, busy=0.2, cap=2) == 2


def test_calls_back_to_back_keep_the_choice_and_look_again_now_and_then():
    machine = Machine(2)
    idle = cores(machine)
    assert after_a_pause(machine, idle, busy=0.0, cap=2, seconds=1.0) == 2
    machine.busy = 1.0  # the user starts a chat while a long file is transcribed
    for _ in range(5):  # windows of 1.5 s with no gap between them
        machine.run(1.5)
        idle.mark()
        assert idle.threads(cap=2) == 2, "too short a span to judge"
    for _ in range(3):
        machine.run(1.5)
        idle.mark()
    assert idle.threads(cap=2) == 1, "looked again after 10 s"


def test_without_proc_stat_half_the_cores():
    assert IdleCores(8, read=lambda: None).threads(cap=4) == 4
    assert IdleCores(2, read=lambda: None).threads(cap=4) == 1


def _spin(stop: threading.Event) -> None:
    x = np.ones(1000)
    while not stop.is_set():
        x = x * 1.0000001


def test_the_real_proc_stat_sees_a_spinning_thread():
    stop = threading.Event()
    idle = IdleCores()
    spinner = threading.Thread(target=_spin, args=(stop,))
    spinner.start()
    try:
        time.sleep(0.2)
        idle.mark()
        time.sleep(0.6)
        busy_choice = idle.threads(cap=idle.cpus)
    finally:
        stop.set()
        spinner.join()
    assert read_proc_stat() is not None
    assert busy_choice <= idle.cpus - 1, "the core the spinner held was not counted free"


def test_the_callers_own_work_between_calls_is_not_competition():
    # The dictation loop runs its VAD over a backlog between two passes, on the thread that then calls
    # Whisper: that core is free for Whisper. The machine is simulated (this thread's real CPU time is
    # what is measured), so other programs running during the test do not change the answer.
    machine = Machine(2)
    idle = cores(machine)
    idle.mark()
    until = time.thread_time() + 0.5
    while time.thread_time() < until:
        pass
    machine.busy = 1.0  # what /proc/stat saw: this thread's spin
    machine.run(0.5)
    assert idle.threads(cap=2) == 2
    assert after_a_pause(machine, idle, busy=1.0, cap=2) == 1, "the same load from another thread is competition"


def test_whisper_leaves_a_busy_core_alone_unless_pinned(speech_model_path):
    from backend.audio import decode_file
    from backend.speech import WhisperEngine

    clip = decode_file(sorted((Path(__file__).resolve().parent.parent / "data" / "speech").glob("*.wav"))[0])
    engine = WhisperEngine(speech_model_path)
    pinned = WhisperEngine(speech_model_path, n_threads=2)
    # Other programs keeping every core busy (processes: the GIL would hold threads to one core).
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count())]
    try:
        time.sleep(0.3)
        text = " ".join(s.text for s in engine.transcribe(clip, fallback=False))
        pinned.transcribe(clip[: 16000 * 2], fallback=False)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    assert text.strip(), "it still transcribes"
    assert engine.last_threads == 1, "every core was busy: one thread, not a spinning crowd"
    assert pinned.last_threads == 2, "the user's choice stands"
