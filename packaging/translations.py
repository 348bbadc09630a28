"""Refresh and compile the window's translations.

    .venv/bin/python packaging/translations.py update   # pyside6-lupdate: new strings in, vanished ones out
    .venv/bin/python packaging/translations.py compile  # pyside6-lrelease: the .qm files the app loads

No source locations and sorted messages, so the .ts changes only when a string does (the test suite
checks that running `update` leaves it unchanged and that no entry is unfinished). English needs a
catalog too, for its plurals only: "%n token(s)" is "1 token" / "8 tokens" (lupdate -pluralonly).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN", "en")
PLURALS_ONLY = ("en",)  # the source language: only its plural forms need writing


def sources() -> list[Path]:
    return sorted((ROOT / "gui").rglob("*.py"))


def bin_dir() -> Path:
    return Path(sys.executable).parent


def lupdate_command(ts: Path) -> list[str]:
    language = ts.stem.split("_", 1)[1]
    return [
        str(bin_dir() / "pyside6-lupdate"),
        "-silent",
        "-locations",
        "none",
        "-sort-messages",
        "-no-obsolete",
        *(["-pluralonly"] if language in PLURALS_ONLY else []),
        "-source-language",
        "en",
        "-target-language",
        language,
        *[str(p.relative_to(ROOT)) for p in sources()],
        "-ts",
        str(ts),
    ]


def update(ts_dir: Path = TRANSLATIONS) -> list[Path]:
    updated = []
    for language in LANGUAGES:
        ts = ts_dir / f"hearth_{language}.ts"
        subprocess.run(lupdate_command(ts), check=True, cwd=ROOT)
        updated.append(ts)
    return updated


def compile_all(ts_dir: Path = TRANSLATIONS) -> None:
    for ts in sorted(ts_dir.glob("hearth_*.ts")):
        subprocess.run(
            [str(bin_dir() / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    else:
        sys.exit("usage: translations.py update|compile")
