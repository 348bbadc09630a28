"""The one home of the numbers several parts of Hearth must agree on.

The Models tab shows these, the engines use them and the CLI prints them: when one changes here,
all of them change together.
"""

from __future__ import annotations

import os

DEFAULT_N_CTX = 4096  # chat context when a model has no saved setting (and the catalog's fit column)
SAMPLE_RATE = 16_000  # Hz: what Whisper was trained on; every audio path resamples to it
WHISPER_FULL_AUDIO_CTX = 1500  # encoder frames in Whisper's full 30 s window (50 per second)
WHISPER_FRAMES_PER_SECOND = WHISPER_FULL_AUDIO_CTX // 30


def default_threads(kind: str = "chat") -> int:
    """Threads an engine uses when its model has no saved setting.

    One function for both engines, because the Models tab must show what the engine will use, but
    two rules, because the engines behave differently:
    - chat (llama.cpp) decodes at memory speed: up to 4 cores all help, beyond that only the
      physical cores (about half the logical ones) do;
    - speech (whisper.cpp) spins at ggml barriers, so one thread more than there are free cores is
      ruinous (measured on 2 cores with one busy: 2 threads 8.5 s, 1 thread 0.6 s): at most 4, and
      each call takes only the cores that were free before it (backend.idle_cores).
    """
    cpus = os.cpu_count() or 1
    if kind == "speech":
        return max(1, min(4, cpus))
    return cpus if cpus <= 4 else max(4, cpus // 2)


# Spoken languages offered by name; Whisper knows more, reachable with --language.
SPOKEN_LANGUAGES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "ru": "Russian",
    "zh": "Chinese",
    "ja": "Japanese",
}


def default_spoken_language(environ: dict[str, str] | None = None) -> str:
    """The language dictation expects before the user picks one: the desktop's own language.

    Not "detect": detection needs the multilingual model, twice as slow as tiny.en and less accurate
    on English, and it mistakes short Mandarin phrases for other languages. A desktop set to Chinese
    gets Chinese, one set to English (or to no language, like C/POSIX) gets English.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            code = value.split("_", 1)[0].split(".", 1)[0].lower()
            return code if code in SPOKEN_LANGUAGES else "en"
    return "en"
