"""The translation catalog is complete and current: lupdate over gui/ leaves it unchanged, no entry is
unfinished, every translation keeps its placeholders, and lrelease compiles it."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TS_DIR = REPO / "resources" / "translations"
CATALOGS = sorted(TS_DIR.glob("hearth_*.ts"))
PLACEHOLDER = re.compile(r"\{[^}]*\}|%n")


def _tool():
    spec = importlib.util.spec_from_file_location("translations", REPO / "packaging" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_is_a_chinese_catalog():
    assert TS_DIR / "hearth_zh_CN.ts" in CATALOGS


def test_lupdate_over_gui_leaves_the_catalog_unchanged(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(TS_DIR, copy, ignore=shutil.ignore_patterns("*.qm"))
    _tool().update(copy)
    for ts in CATALOGS:
        assert (copy / ts.name).read_text(encoding="utf-8") == ts.read_text(encoding="utf-8"), (
            f"{ts.name} is out of date: run `.venv/bin/python packaging/translations.py update` and translate "
            "what it adds"
        )


@pytest.mark.parametrize("ts", CATALOGS, ids=lambda p: p.name)
def test_no_entry_is_unfinished_and_placeholders_are_kept(ts):
    problems = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            texts = [translation.text or ""] if message.get("numerus") != "yes" else [f.text or "" for f in translation]
            if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(texts):
                problems.append(f"{name}: {source!r} is not translated")
                continue
            for text in texts:
                if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                    problems.append(f"{name}: {source!r} → {text!r} changes the placeholders")
                if source.count("&") != text.count("&"):
                    problems.append(f"{name}: {source!r} → {text!r} loses or adds a keyboard mnemonic")
    assert problems == [], "\n".join(problems)


def test_lrelease_compiles_every_catalog(tmp_path):
    from gui import i18n

    for ts in CATALOGS:
        qm = tmp_path / ts.with_suffix(".qm").name
        i18n.compile_ts(ts, qm)
        assert qm.stat().st_size > 1000
