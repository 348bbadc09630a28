"""One meaning of GB on every screen: the Models tab's file sizes and the RAM they are compared with."""

from __future__ import annotations

from backend import hardware
from backend.units import GB, MB, format_bytes


def test_sizes_and_memory_are_written_in_one_unit():
    assert GB == 1 << 30 and MB == 1 << 20
    assert format_bytes(3 * GB // 2) == "1.50 GB" and format_bytes(500 * MB) == "500 MB"
    assert hardware.gib(3 * GB // 2) == format_bytes(3 * GB // 2), "RAM and file sizes use the same writer"
