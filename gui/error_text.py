"""Backend error messages in the window's language.

backend/ stays Qt-free and writes its messages in English (the CLI prints them as they are). The
window maps them here: each rule names the error type and the exact English sentence shape the
backend writes, with its variable parts as named groups, and gives the translated sentence. A message
no rule knows keeps its English detail behind a translated lead-in for its type, so nothing is lost.
tests/gui/test_translation_errors.py raises the real errors and checks that each rule still matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from backend.audio import AudioDeviceError, AudioFileError
from backend.conversations import StorageError
from backend.errors import ModelFileError, ModelLoadError
from backend.job_queue import ServiceBusy
from backend.llm import ContextOverflowError
from backend.models.downloads import DownloadError


@dataclass(frozen=True)
class _Rule:
    kind: type[BaseException]
    pattern: re.Pattern
    source: str  # the English sentence, shortened where the backend's carries details for developers
    text: str  # its translation, with {group} placeholders


def _t(source: str) -> tuple[str, str]:
    """(English, translated) for a sentence marked with QT_TRANSLATE_NOOP, where lupdate finds it."""
    return source, QCoreApplication.translate("error_text", source)  # tr-lint: marked


def _rule(kind: type[BaseException], pattern: str, text: tuple[str, str]) -> _Rule:
    return _Rule(kind, re.compile(pattern, re.DOTALL), *text)


def _rules() -> list[_Rule]:
    # Built per call: the translations depend on the translator installed at the time.
    return [
        # a file that is not there, not a model, or not whole
        _rule(
            ModelFileError,
            r"(?P<path>.+) does not exist\.?",
            _t(QT_TRANSLATE_NOOP("error_text", "{path} does not exist.")),
        ),
        _rule(
            AudioFileError,
            r"(?P<path>.+) does not exist\.?",
            _t(QT_TRANSLATE_NOOP("error_text", "{path} does not exist.")),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is a folder, not a GGUF model file\.",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is a folder, not a GGUF model file.")),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is empty \(0 bytes\): the download or copy did not finish\.",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is empty (0 bytes): the download or copy did not finish.")),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is not a GGUF model file: it looks like (?P<what>.+), not 'GGUF' data\.",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is not a GGUF model file: it looks like {what}.")),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is neither a GGUF chat model nor a whisper\.cpp speech model: it looks like (?P<what>.+)\.",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "{name} is neither a GGUF chat model nor a whisper.cpp speech model: it looks like {what}.",
                )
            ),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is in the old GGML format .*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "{name} is in the old GGML format, which llama.cpp no longer loads. Download a GGUF version "
                    "of this model.",
                )
            ),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is truncated: .*Download it again\.",
            _t(
                QT_TRANSLATE_NOOP("error_text", "{name} is incomplete: part of the file is missing. Download it again.")
            ),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) has a damaged GGUF header.*",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} has a damaged GGUF header. Download it again.")),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is a folder; import it as a faster-whisper model folder",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is a folder; import it as a faster-whisper model folder.")),
        ),
        _rule(
            ModelFileError,
            r"(?P<name>.+) is not a whisper\.cpp ggml model \(wrong magic number\)",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is not a whisper.cpp ggml model.")),
        ),
        _rule(
            ModelFileError,
            r"cannot read (?P<path>.+?): (?P<detail>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "Cannot read {path}: {detail}")),
        ),
        # loading: too big, damaged, unsupported
        _rule(
            ModelLoadError,
            r"llama\.cpp could not load (?P<name>.+?) \(architecture '(?P<arch>[^']*)'.*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "llama.cpp could not load {name} (architecture {arch}). The file may be damaged, the machine "
                    "may not have enough memory for it, or this llama.cpp build may not support that architecture.",
                )
            ),
        ),
        _rule(
            ModelLoadError,
            r"whisper\.cpp could not load (?P<name>.+?): (?P<detail>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "whisper.cpp could not load {name}: {detail}")),
        ),
        _rule(ModelLoadError, r"no model is loaded", _t(QT_TRANSLATE_NOOP("error_text", "No model is loaded."))),
        _rule(
            ContextOverflowError,
            r"your message is about (?P<tokens>[\d,]+) tokens, more than this model's (?P<ctx>[\d,]+)-token.*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Your message is about {tokens} tokens, more than this model's {ctx}-token context can take "
                    "with room for a reply. Shorten it, or raise the context length in the model's settings.",
                )
            ),
        ),
        _rule(
            ContextOverflowError,
            r"the prompt is (?P<tokens>\d+) tokens; this model's context holds (?P<ctx>\d+)\..*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "The prompt is {tokens} tokens; this model's context holds {ctx}. Shorten it or raise the "
                    "context length.",
                )
            ),
        ),
        # the conversation database (a full or read-only disk)
        _rule(
            StorageError,
            r"could not save to (?P<name>.+?): (?P<detail>.+)\. Free some disk space or make "
            r"(?P<folder>.+) writable; .*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Could not save to {name}: {detail}. Free some disk space or make {folder} writable; what was "
                    "saved before is safe.",
                )
            ),
        ),
        _rule(
            StorageError,
            r"cannot open the conversation database (?P<path>.+?): (?P<detail>.+)\. Nothing in it was changed\..*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Cannot open the conversation database {path}: {detail}. Nothing in it was changed. Check that "
                    "its folder is writable and its disk is not full.",
                )
            ),
        ),
        # the engine's queue
        _rule(
            ServiceBusy,
            r"(?P<what>.+) is busy: (?P<count>\d+) requests are already waiting; try again in (?P<seconds>\d+) s",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text", "The engine is busy: {count} requests are already waiting; try again in {seconds} s."
                )
            ),
        ),
        # the microphone
        _rule(
            AudioDeviceError,
            r"no microphone found: connect one or pick an input device",
            _t(QT_TRANSLATE_NOOP("error_text", "No microphone found: connect one or pick an input device.")),
        ),
        _rule(
            AudioDeviceError,
            r"audio input is unavailable: (?P<detail>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "Audio input is unavailable: {detail}")),
        ),
        _rule(
            AudioDeviceError,
            r"cannot list audio devices: (?P<detail>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "Cannot list the audio devices: {detail}")),
        ),
        _rule(
            AudioDeviceError,
            r"cannot open the input device: (?P<detail>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "Cannot open the input device: {detail}")),
        ),
        _rule(
            AudioDeviceError,
            r"the input device stopped \(was it disconnected\?\)",
            _t(QT_TRANSLATE_NOOP("error_text", "The input device stopped (was it disconnected?)")),
        ),
        _rule(
            AudioDeviceError,
            r"the input device sent no audio for (?P<seconds>\d+) s \(was it disconnected\?\)",
            _t(
                QT_TRANSLATE_NOOP("error_text", "The input device sent no audio for {seconds} s (was it disconnected?)")
            ),
        ),
        _rule(
            AudioDeviceError,
            r"the input device accepts none of the usual sample rates.*",
            _t(
                QT_TRANSLATE_NOOP("error_text", "The input device accepts none of the usual sample rates (8–48 kHz)."),
            ),
        ),
        # typing into other applications (the text delivery's problem sentences)
        _rule(
            Exception,
            r"Cannot type into other applications: install xdotool .*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Cannot type into other applications: install xdotool (Debian/Ubuntu: apt install xdotool).",
                )
            ),
        ),
        _rule(
            Exception,
            r"Cannot type into other applications on Wayland: .*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Cannot type into other applications on Wayland: install wtype (wlroots desktops such as Sway "
                    "and Hyprland) or ydotool (GNOME, KDE; its ydotoold service must run).",
                )
            ),
        ),
        _rule(
            Exception,
            r"Cannot type into other applications: osascript was not found\.",
            _t(QT_TRANSLATE_NOOP("error_text", "Cannot type into other applications: osascript was not found.")),
        ),
        _rule(
            Exception,
            r"Cannot type into other applications: no graphical session .*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Cannot type into other applications: no graphical session (DISPLAY or WAYLAND_DISPLAY) was found.",
                )
            ),
        ),
        # audio and video files
        _rule(
            AudioFileError,
            r"(?P<name>.+) is not an audio or video file FFmpeg can read.*",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is not an audio or video file FFmpeg can read.")),
        ),
        _rule(
            AudioFileError,
            r"(?P<name>.+) has no audio track",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} has no audio track.")),
        ),
        _rule(
            AudioFileError,
            r"(?P<name>.+) contains no audio samples",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} contains no audio samples.")),
        ),
        # downloads
        _rule(
            DownloadError,
            r"(?P<host>\S+) answered (?P<code>\d+) ?(?P<reason>.*)",
            _t(QT_TRANSLATE_NOOP("error_text", "The server {host} answered {code} {reason}.")),
        ),
        _rule(
            DownloadError,
            r"cannot reach (?P<host>[^:]+): (?P<reason>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "Cannot reach {host}: {reason}")),
        ),
        _rule(
            DownloadError,
            r"connection to (?P<host>\S+) failed: (?P<reason>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "The connection to {host} failed: {reason}")),
        ),
        _rule(
            DownloadError,
            r"not enough disk space for (?P<name>.+?): it needs (?P<need>.+?) more \(plus (?P<spare>.+?) to spare\) "
            r"but (?P<folder>.+) has only (?P<free>.+) free",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "Not enough disk space for {name}: it needs {need} more (plus {spare} to spare), but {folder} has "
                    "only {free} free.",
                )
            ),
        ),
        _rule(
            DownloadError,
            r"the connection broke at (?P<done>.+?) of (?P<total>.+?) \(.*\); resume to continue from there",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text", "The connection broke at {done} of {total}; resume to continue from there."
                )
            ),
        ),
        _rule(
            DownloadError,
            r"the server closed the connection at (?P<done>.+?) of (?P<total>.+?); resume to continue from there",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "The server closed the connection at {done} of {total}; resume to continue from there.",
                )
            ),
        ),
        _rule(
            DownloadError,
            r"(?P<name>.+) is damaged: its SHA-256 is (?P<actual>\w+), the server says (?P<expected>\w+)\..*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text",
                    "{name} is damaged: its SHA-256 does not match the server's. The download was deleted; try again.",
                )
            ),
        ),
        _rule(
            DownloadError,
            r"the server's file has changed: .*",
            _t(
                QT_TRANSLATE_NOOP(
                    "error_text", "The server's file has changed since the catalog was written. Nothing was downloaded."
                )
            ),
        ),
        _rule(
            DownloadError,
            r"(?P<name>.+) is already installed in (?P<folder>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "{name} is already installed in {folder}.")),
        ),
        _rule(
            DownloadError,
            r"only http and https links can be downloaded, not (?P<url>.+)",
            _t(QT_TRANSLATE_NOOP("error_text", "Only http and https links can be downloaded, not {url}.")),
        ),
    ]


def _lead_in(kind: type[BaseException]) -> tuple[str, str]:
    """The translated frame for a message no rule knows: the English detail stays, nothing is lost."""
    if issubclass(kind, ModelFileError):
        return _t(QT_TRANSLATE_NOOP("error_text", "This model file cannot be used: {detail}"))
    if issubclass(kind, ModelLoadError):
        return _t(QT_TRANSLATE_NOOP("error_text", "The model could not be loaded: {detail}"))
    if issubclass(kind, DownloadError):
        return _t(QT_TRANSLATE_NOOP("error_text", "The download failed: {detail}"))
    if issubclass(kind, AudioDeviceError):
        return _t(QT_TRANSLATE_NOOP("error_text", "The microphone cannot be used: {detail}"))
    if issubclass(kind, AudioFileError):
        return _t(QT_TRANSLATE_NOOP("error_text", "This file cannot be transcribed: {detail}"))
    if issubclass(kind, StorageError):
        return _t(QT_TRANSLATE_NOOP("error_text", "The conversation database cannot be used: {detail}"))
    if issubclass(kind, ContextOverflowError):
        return _t(QT_TRANSLATE_NOOP("error_text", "The conversation does not fit the model's context: {detail}"))
    if issubclass(kind, OSError):
        return _t(QT_TRANSLATE_NOOP("error_text", "The system reported an error: {detail}"))
    return "{detail}", "{detail}"


def error_text(exc: BaseException) -> str:
    """The message for `exc` in the window's language; untranslated, the backend's own words."""
    message = str(exc).strip()
    if isinstance(exc, OSError) and exc.strerror:
        message = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return _translate(message, type(exc))


def message_text(message: str) -> str:
    """The same for a message that crossed a thread as text (a worker's `failed(str)` signal): any rule's
    sentence shape may match it."""
    return _translate(message.strip(), None)


def _translate(message: str, kind: type[BaseException] | None) -> str:
    for rule in _rules():
        if kind is None or issubclass(kind, rule.kind):
            match = rule.pattern.fullmatch(message)
            if match:
                return message if rule.text == rule.source else rule.text.format(**match.groupdict())
    source, text = _lead_in(kind) if kind is not None else ("{detail}", "{detail}")
    return message if text == source else text.format(detail=message)
