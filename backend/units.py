"""How Hearth writes sizes. "GB" means 2³⁰ bytes everywhere (file sizes, RAM, fit estimates), so a
model's size and the memory it is compared with are in the same unit on the same screen."""

from __future__ import annotations

MB = 1 << 20
GB = 1 << 30


def format_bytes(n: int | float) -> str:
    return f"{n / GB:.2f} GB" if n >= GB else f"{n / MB:.0f} MB"
