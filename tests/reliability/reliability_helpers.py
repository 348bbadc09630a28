"""Small helpers shared by the fault tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def remount_read_only(mount_point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
