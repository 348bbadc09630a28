"""Dictation dev sessions: minutes of speech with references you can trust, for the benchmark and the
end-to-end tests. A policy tuned on a few clips fails on the next voice, so each session mixes:

- the real recordings in tests/data/speech (eight speakers, see ATTRIBUTION.md), some made quiet;
- espeak-ng sentences (the Harvard sentences, IEEE 1969, and public-domain prose) in many voices and
  accents, whispered, quiet and loud, whose reference is exactly the text spoken;
- one-word phrases, and a 40 s run of speech with no pause in it;
- pauses from 0.2 s (no phrase break for the VAD) to 3 s, a low noise floor, and key clicks in some
  pauses (they must neither become words nor hold a phrase open).

Sessions are built at run time (espeak-ng is a test prerequisite), seeded, so the same name always
gives the same audio on the same espeak-ng.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backend.audio import decode_file
from backend.speech import SAMPLE_RATE

SPEECH = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech"

HARVARD = [
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.",
    "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.",
    "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.",
    "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.",
    "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.",
    "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.",
    "Read verse out loud for pleasure.",
    "Hoist the load to your left shoulder.",
    "Take the winding path to reach the lake.",
    "Note closely the size of the gas tank.",
    "Wipe the grease off his dirty face.",
    "Mend the coat before you go out.",
    "The wrist was badly strained and hung limp.",
    "The stray cat gave birth to kittens.",
    "The young girl gave no clear response.",
    "The meal was cooked before the bell rang.",
    "What joy there is in living.",
]

ONE_WORD = ["Yes.", "Stop.", "Hello.", "Seven.", "Thanks.", "Tomorrow.", "Absolutely.", "Paragraph."]

# Public domain (Lincoln, 1863; Declaration of Independence, 1776). Spoken without punctuation,
# espeak-ng makes no pause at all: a phrase the VAD cannot end.
LONG_RUNS = [
    "Four score and seven years ago our fathers brought forth on this continent a new nation conceived in "
    "liberty and dedicated to the proposition that all men are created equal now we are engaged in a great "
    "civil war testing whether that nation or any nation so conceived and so dedicated can long endure we "
    "are met on a great battlefield of that war we have come to dedicate a portion of that field as a final "
    "resting place for those who here gave their lives that that nation might live",
    "When in the course of human events it becomes necessary for one people to dissolve the political bands "
    "which have connected them with another and to assume among the powers of the earth the separate and "
    "equal station to which the laws of nature and of nature's God entitle them a decent respect to the "
    "opinions of mankind requires that they should declare the causes which impel them to the separation",
]

VOICES = [
    "en-us+m3",
    "en-gb+f2",
    "en-gb-scotland+m1",
    "en-029+f4",
    "en-gb-x-rp+m5",
    "en-us-nyc+f1",
    "en-gb-x-gbclan+m2",
    "en-gb-x-gbcwmd+f3",
    "en-us+m7",
    "en-gb+m4",
]


@dataclass(frozen=True)
class Utterance:
    start: float  # seconds into the session
    end: float
    reference: str
    source: str  # "real:<clip>" or "espeak:<voice>"
    style: str  # normal, quiet, loud, whisper, one-word, long


@dataclass
class Session:
    name: str
    audio: np.ndarray  # 16 kHz mono float32
    utterances: list[Utterance]

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    @property
    def reference(self) -> str:
        return " ".join(u.reference for u in self.utterances)

    def utterance_audio(self, u: Utterance) -> np.ndarray:
        return self.audio[int(u.start * SAMPLE_RATE) : int(u.end * SAMPLE_RATE)]


def espeak(text: str, voice: str, speed: int = 165) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True, timeout=60)
        return _trim_silence(decode_file(wav))


def _trim_silence(audio: np.ndarray, threshold: float = 1e-3) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > threshold)
    if not len(loud):
        return audio
    pad = int(0.02 * SAMPLE_RATE)
    return audio[max(0, loud[0] - pad) : loud[-1] + pad]


def _at_level(audio: np.ndarray, dbfs: float) -> np.ndarray:
    """Scale so that the speech's RMS (over its voiced part) is `dbfs`."""
    voiced = audio[np.abs(audio) > 0.01 * np.max(np.abs(audio))]
    rms = float(np.sqrt(np.mean(np.square(voiced)))) if len(voiced) else 1.0
    return (audio * (10 ** (dbfs / 20) / rms)).astype(np.float32)


def _click(rng: random.Random) -> np.ndarray:
    """A key click: a few ms of decaying noise, well under the 0.1 s a spoken word takes."""
    n = int(rng.uniform(0.004, 0.03) * SAMPLE_RATE)
    decay = np.exp(-np.arange(n) / (n / 4))
    return (rng.uniform(0.05, 0.3) * decay * np.random.default_rng(rng.randrange(1 << 30)).standard_normal(n)).astype(
        np.float32
    )


def _real_clips() -> list[tuple[str, str]]:
    return [(p.stem, p.with_suffix(".txt").read_text().strip()) for p in sorted(SPEECH.glob("*.wav"))]


def build(
    name: str,
    seed: int,
    minutes: float = 3.3,
    long_runs: int = 1,
    noise_dbfs: float = -66.0,
    sentences: int = 30,
    words: int = 6,
) -> Session:
    """A session of about `minutes` of audio mixing every kind of phrase above (see the module doc)."""
    rng = random.Random(seed)
    harvard = HARVARD[:]
    rng.shuffle(harvard)
    one_word = ONE_WORD[:]
    rng.shuffle(one_word)
    real = _real_clips()
    rng.shuffle(real)
    plan: list[tuple[str, str, str]] = []  # (kind, text or clip, style)
    for clip, _ in real:
        plan.append(("real", clip, "quiet" if rng.random() < 0.25 else "normal"))
    styles = ["normal"] * 6 + ["quiet", "loud", "whisper"]
    for text in harvard[:sentences]:
        plan.append(("espeak", text, rng.choice(styles)))
    for text in one_word[:words]:
        plan.append(("espeak", text, "one-word"))
    rng.shuffle(plan)
    for i in range(long_runs):
        plan.insert(len(plan) // 2 + 3 * i, ("espeak", LONG_RUNS[(seed + i) % len(LONG_RUNS)], "long"))

    noise_rng = np.random.default_rng(seed)
    pieces: list[np.ndarray] = [np.zeros(int(0.8 * SAMPLE_RATE), np.float32)]
    cursor = len(pieces[0])
    utterances: list[Utterance] = []
    budget = minutes * 60 * SAMPLE_RATE
    voice_i = seed
    for kind, what, style in plan:
        if cursor > budget:
            break
        if kind == "real":
            audio = decode_file(SPEECH / f"{what}.wav")
            reference = (SPEECH / f"{what}.txt").read_text().strip()
            source = f"real:{what}"
            if style == "quiet":
                audio = audio * 10 ** (-18 / 20)
        else:
            voice = VOICES[voice_i % len(VOICES)]
            voice_i += 1
            if style == "whisper":
                voice = voice.split("+")[0] + "+whisper"
            speed = 120 if style == "long" else rng.choice([140, 160, 175, 190])
            audio = espeak(what, voice, speed)
            level = {"quiet": -38.0, "loud": -9.0, "whisper": -30.0}.get(style, -20.0)
            audio = _at_level(audio, level)
            reference, source = what, f"espeak:{voice}"
        audio = np.clip(audio, -1, 1).astype(np.float32)
        start = cursor / SAMPLE_RATE
        pieces.append(audio)
        cursor += len(audio)
        utterances.append(Utterance(start, cursor / SAMPLE_RATE, reference, source, style))
        pause = rng.choice([0.2, 0.35, 0.6, 0.9, 1.2, 1.6, 2.2, 3.0])
        gap = np.zeros(int(pause * SAMPLE_RATE), np.float32)
        if pause >= 0.9 and rng.random() < 0.4:  # a key click in the middle of the pause
            click = _click(rng)
            at = len(gap) // 2
            gap[at : at + len(click)] += click
        pieces.append(gap)
        cursor += len(gap)
    pieces.append(np.zeros(int(2.0 * SAMPLE_RATE), np.float32))  # the last phrase ends in silence
    audio = np.concatenate(pieces)
    audio += (10 ** (noise_dbfs / 20) * noise_rng.standard_normal(len(audio))).astype(np.float32)
    return Session(name, np.clip(audio, -1, 1).astype(np.float32), utterances)


def dev_sessions() -> list[Session]:
    """The sessions the live policy was developed on."""
    return [build("dev-a", seed=1), build("dev-b", seed=2)]


def held_out_session() -> Session:
    """Never used while tuning: the end-to-end test and the benchmark judge on it."""
    return build("held-out", seed=7, long_runs=1)


def long_run_session() -> Session:
    """Over forty seconds of one voice with no pause at all (Lincoln, slowly, without punctuation)."""
    lead = np.zeros(int(1.0 * SAMPLE_RATE), np.float32)
    speech = _at_level(espeak(LONG_RUNS[0], "en-us+m3", speed=100), -20.0)
    audio = np.concatenate([lead, speech, np.zeros(int(2.0 * SAMPLE_RATE), np.float32)])
    end = (len(lead) + len(speech)) / SAMPLE_RATE
    return Session("long-run", audio, [Utterance(1.0, end, LONG_RUNS[0], "espeak:en-us+m3", "long")])
