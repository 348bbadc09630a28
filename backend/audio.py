"""Audio in: microphone capture, resampling to Whisper's 16 kHz mono, and decoding files.

The PortAudio callback runs on a real-time thread: it only copies each block into a bounded queue
(dropping and counting when full). Resampling, level metering and everything else happen in the
consumer's thread.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backend.defaults import SAMPLE_RATE
from backend.errors import HearthError

FALLBACK_RATES = (48000, 44100, 32000, 16000)
STARTUP_SECONDS = 6.0


class AudioFileError(HearthError):
    """A file with no audio we can decode."""


class AudioDeviceError(HearthError):
    """No microphone, a microphone that refuses our settings, or one that stopped delivering."""


# --- resampling -------------------------------------------------------------------------------


class Resampler:
    """Streaming conversion of mono float32 blocks at `rate` to 16 kHz (libswresample via PyAV)."""

    def __init__(self, rate: int):
        import av

        self.rate = int(rate)
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, block: np.ndarray) -> np.ndarray:
        import av

        if self.rate == SAMPLE_RATE:
            return np.asarray(block, dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = self.rate
        return _frames_to_array(self._resampler.resample(frame))


def _frames_to_array(frames) -> np.ndarray:
    if not frames:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32, copy=False)


def level_dbfs(block: np.ndarray) -> float:
    """RMS level in dB below full scale; -100 for digital silence."""
    if block.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(-100.0, 20.0 * np.log10(rms)) if rms > 0 else -100.0


# --- files --------------------------------------------------------------------------------------


def _names_other_locations(path: Path) -> bool:
    """A playlist or stream description (text naming URLs or other files) rather than media itself."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.startswith((b"#EXTM3U", b"v=0", b"ffconcat")) or b"://" in head


def decode_stream(
    path: Path | str, progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None
) -> Iterator[np.ndarray]:
    """The first audio stream of any file FFmpeg reads (audio or video), as 16 kHz mono float32 blocks
    of a few thousand samples each, decoded as they are asked for: a 2-hour file never sits in memory."""
    import av

    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"{path} does not exist")
    try:
        # Local files only: a playlist (.m3u8) or session description (.sdp) would otherwise make FFmpeg
        # fetch whatever addresses it names. "file:" keeps a name like "rtmp:x.wav" a file name too.
        container = av.open(f"file:{path.resolve()}", options={"protocol_whitelist": "file"})
    except (av.FFmpegError, OSError) as exc:
        if "whitelist" in str(exc) or _names_other_locations(path):
            raise AudioFileError(
                f"{path.name} points to other files or network addresses; Hearth opens only local audio and video files"
            ) from exc
        raise AudioFileError(f"{path.name} is not an audio or video file FFmpeg can read ({exc})") from exc
    with container:
        if not container.streams.audio:
            raise AudioFileError(f"{path.name} has no audio track")
        stream = container.streams.audio[0]
        duration = float(container.duration / 1_000_000) if container.duration else 0.0
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        samples = 0
        try:
            for frame in container.decode(stream):
                if cancel is not None and cancel.is_set():
                    return
                block = _frames_to_array(resampler.resample(frame))
                samples += len(block)
                yield block
                if progress and duration and frame.time is not None:
                    progress(min(1.0, frame.time / duration))
            block = _frames_to_array(resampler.resample(None))
            samples += len(block)
            yield block
        except (av.FFmpegError, ValueError) as exc:
            raise AudioFileError(f"{path.name}: the audio could not be decoded ({exc})") from exc
    if samples == 0:
        raise AudioFileError(f"{path.name} contains no audio samples")


def decode_file(
    path: Path | str, progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None
) -> np.ndarray:
    """The whole file at once (short clips; long files go through decode_stream)."""
    pieces = list(decode_stream(path, progress, cancel))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


# --- devices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_rate: int
    is_default: bool


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise AudioDeviceError(f"audio input is unavailable: {exc}") from exc
    return sounddevice


_open_streams = 0  # PortAudio can only re-scan while no stream is open
_open_streams_lock = threading.Lock()


def _stream_opened(delta: int) -> None:
    global _open_streams
    with _open_streams_lock:
        _open_streams += delta


def list_input_devices(rescan: bool = False) -> list[InputDevice]:
    """Input devices; `rescan` asks PortAudio to look again (it lists devices once, when it starts, so
    a microphone plugged in later, or a sound server started later, is otherwise never seen)."""
    sd = _sounddevice()
    try:
        if rescan and _open_streams == 0:
            sd._terminate()
            sd._initialize()
        devices = sd.query_devices()
        default_in = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot list audio devices: {exc}") from exc
    return [
        InputDevice(i, d["name"], int(d["max_input_channels"]), int(d["default_samplerate"]), i == default_in)
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def _pick_rate(sd, device: int | None) -> int:
    """The device's own rate if it accepts it, else the first common rate it does."""
    native = int(sd.query_devices(device, "input")["default_samplerate"])
    errors = []
    for rate in (native, *FALLBACK_RATES):
        try:
            sd.check_input_settings(device=device, channels=1, dtype="float32", samplerate=rate)
            return rate
        except (sd.PortAudioError, ValueError) as exc:
            errors.append(f"{rate} Hz: {exc}")
    raise AudioDeviceError("the input device accepts none of the usual sample rates (" + "; ".join(errors) + ")")


# --- capture ------------------------------------------------------------------------------------


class MicrophoneCapture:
    """A running input stream; `read()` returns 16 kHz mono audio, in the consumer's thread."""

    def __init__(
        self,
        device: int | None = None,
        block_seconds: float = 0.05,
        # Minutes: far beyond any lag the dictation loop recovers from (it never drops audio to keep up),
        # yet bounded (5 min of 48 kHz float32 is 58 MB).
        max_queue_seconds: float = 300.0,
        stall_seconds: float = 2.0,
    ):
        self.device = device
        self.block_seconds = block_seconds
        self.stall_seconds = stall_seconds
        self.level_dbfs = -100.0
        max_blocks = max(1, int(max_queue_seconds / block_seconds))
        self._queue: queue.Queue[tuple[np.ndarray, float]] = queue.Queue(maxsize=max_blocks)
        self.captured_at = 0.0  # monotonic clock when the last read's final block was captured
        self._overflow_frames = 0  # written only by the PortAudio thread
        self._stream = None
        self._finished = threading.Event()
        self._last_block = 0.0
        self._blocks_seen = False
        self.rate = 0

    def start(self) -> None:
        sd = _sounddevice()
        try:
            no_default = self.device is None and sd.default.device[0] < 0
            if no_default or not list_input_devices():
                raise AudioDeviceError("no microphone found: connect one or pick an input device")
            self.rate = _pick_rate(sd, self.device)
            self._resample = Resampler(self.rate)
            self._stream = sd.InputStream(
                device=self.device,
                channels=1,
                dtype="float32",
                samplerate=self.rate,
                blocksize=self._blocksize(),
                callback=self._on_block,
                latency="low",  # PortAudio's "high" default holds back the first ~2 s through PulseAudio
                finished_callback=self._finished.set,
            )
            _stream_opened(+1)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            self.close()
            raise AudioDeviceError(f"cannot open the input device: {exc}") from exc
        self._last_block = time.monotonic()

    def _blocksize(self) -> int:
        """A power of two near `block_seconds`: ALSA's PulseAudio plugin silently loses about a third
        of the frames with other block sizes (measured: 2205 frames at 44.1 kHz gave 27k frames/s)."""
        return 1 << max(8, round(np.log2(self.rate * self.block_seconds)))

    def _on_block(self, indata, frames, time_info, status) -> None:
        # PortAudio's thread: copy and go. No allocation beyond the copy, no locks held long, no Qt.
        try:
            self._queue.put_nowait((indata[:, 0].copy(), time.monotonic()))
        except queue.Full:
            self._overflow_frames += frames

    def read(self, timeout: float = 0.2) -> np.ndarray:
        """Everything captured since the last read, at 16 kHz; empty if nothing came within `timeout`.

        Raises AudioDeviceError when the device has stopped delivering (unplugged, or the server died).
        """
        blocks = []
        try:
            blocks.append(self._queue.get(timeout=timeout))
            while True:
                blocks.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        now = time.monotonic()
        if blocks:
            self._last_block = now
            self._blocks_seen = True
            self.captured_at = blocks[-1][1]
            raw = np.concatenate([block for block, _ in blocks])
            self.level_dbfs = level_dbfs(raw)
            return self._resample(raw)
        if self._finished.is_set() or (self._stream is not None and not self._stream.active):
            raise AudioDeviceError("the input device stopped (was it disconnected?)")
        # The first block may take a while on a loaded machine; after that, silence means trouble.
        limit = self.stall_seconds if self._blocks_seen else max(self.stall_seconds, STARTUP_SECONDS)
        if now - self._last_block > limit:
            raise AudioDeviceError(
                f"the input device sent no audio for {self.stall_seconds:.0f} s (was it disconnected?)"
            )
        return np.zeros(0, dtype=np.float32)

    @property
    def dropped_seconds(self) -> float:
        """Audio lost because the consumer did not read for longer than the queue holds."""
        return self._overflow_frames / self.rate if self.rate else 0.0

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            _stream_opened(-1)
            try:
                stream.abort()
                stream.close()
            except Exception:  # a vanished device can fail to close; nothing left to release
                pass

    def __enter__(self) -> MicrophoneCapture:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()
