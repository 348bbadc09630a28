"""Test media made on the fly: real encoders (PyAV) turn the WAV clips into the formats users have."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def encode(audio: np.ndarray, path: Path, codec: str, rate: int, layout: str = "stereo", video: bool = False) -> Path:
    """Write 16 kHz mono `audio` with PyAV, resampled and re-channelled as a real file would be."""
    with av.open(str(path), "w") as out:
        if video:
            v = out.add_stream("mpeg4", rate=10)
            v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        stream = out.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=rate)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        if video:
            for i in range(len(audio) // 1600):
                img = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
                img.pts = i
                for packet in v.encode(img):
                    out.mux(packet)
            for packet in v.encode(None):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
