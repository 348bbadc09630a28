"""Build Hearth's self-contained folder and archive: `./hearth.sh bundle` runs this.

    dist/Hearth/                              the app (Hearth), install.sh, uninstall.sh, share/ (menu entry, icons)
    dist/Hearth-<version>-linux-x86_64.tar.gz the same folder, packed
    dist/Hearth.app, dist/Hearth-<version>-macos-arm64.tar.gz   the same on macOS (not built or tested here)

PyInstaller keeps its cache in build/pyinstaller, so a rebuild after a code change takes a fraction
of the first build.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def archive_name(version: str) -> str:
    system = {"linux": "linux", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"Hearth-{version}-{system}-{platform.machine()}.tar.gz"


def build(dist: Path, work: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(PACKAGING / "hearth.spec"),
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
        ],
        cwd=ROOT,
        check=True,
    )
    if sys.platform == "darwin":
        return dist / "Hearth.app"  # the spec's BUNDLE step; a Mac needs no desktop entry
    folder = dist / "Hearth"
    add_desktop_files(folder)
    return folder


def add_desktop_files(folder: Path) -> None:
    """What install.sh puts in the menu, laid out as under ~/.local/share so it copies straight over."""
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(PACKAGING / script, folder / script)
    apps = folder / "share" / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    shutil.copy2(RESOURCES / "hearth.desktop", apps / "hearth.desktop")
    hicolor = folder / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(RESOURCES / "icons" / f"hearth-{size}.png", target / "hearth.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copy2(RESOURCES / "icons" / "hearth.svg", hicolor / "scalable" / "apps" / "hearth.svg")


def pack(folder: Path, archive: Path) -> None:
    """tar + gzip, written beside the final name and renamed, so a half-written archive never exists."""
    partial = archive.with_name(archive.name + ".part")
    compressor = "pigz" if shutil.which("pigz") else "gzip"
    with open(partial, "wb") as out:
        tar = subprocess.Popen(["tar", "-C", str(folder.parent), "-cf", "-", folder.name], stdout=subprocess.PIPE)
        subprocess.run([compressor, "-6"], stdin=tar.stdout, stdout=out, check=True)
        tar.stdout.close()
        if tar.wait() != 0:
            raise SystemExit("tar failed")
    os.replace(partial, archive)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth.sh bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where dist/Hearth and the archive go")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller's cache")
    parser.add_argument("--no-archive", action="store_true", help="build the folder only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    folder = build(args.dist.resolve(), args.work.resolve())
    print(f"hearth: built {folder} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if not args.no_archive:
        archive = args.dist.resolve() / archive_name(importlib.metadata.version("hearth"))
        pack(folder, archive)
        print(f"hearth: packed {archive} ({archive.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
