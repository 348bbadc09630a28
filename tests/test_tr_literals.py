"""Every translatable string in gui/ is a literal lupdate can extract and Qt can match at run time.

`self.tr(f"Loaded {name}")` is extracted as the literal "Loaded {name}" but looked up with the name
filled in, so it never matches; `self.tr(text)` is not extracted at all. Both silently stay English.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUI_FILES = sorted((REPO / "gui").rglob("*.py"))
# function name -> index of the source-text argument (and of the context, for translate)
TR_FUNCTIONS = {"tr": 0, "translate": 1, "QT_TR_NOOP": 0, "QT_TRANSLATE_NOOP": 1}
APPS = ("QCoreApplication", "QGuiApplication", "QApplication")
MARKED = "tr-lint: marked"  # translate(variable) on a string marked with QT_TRANSLATE_NOOP elsewhere


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def problems_in(source: str, filename: str = "<source>") -> list[str]:
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or _name(node.func) not in TR_FUNCTIONS:
            continue
        name = _name(node.func)
        if name == "translate" and not (isinstance(node.func, ast.Attribute) and _name(node.func.value) in APPS):
            continue  # str.translate
        index = TR_FUNCTIONS[name]
        literal_args = node.args[: index + 1]
        if any(MARKED in line for line in lines[node.lineno - 1 : node.end_lineno]):
            literal_args = literal_args[:index]  # the context must still be literal
        where = f"{filename}:{node.lineno}"
        if len(node.args) <= index:
            found.append(f"{where}: {name}() without its text")
            continue
        if name == "translate" and len(node.args) > 3 and not isinstance(node.args[3], ast.Constant):
            found.append(
                f"{where}: a plural needs self.tr() in a QObject: lupdate reads translate()'s count "
                f"{ast.unparse(node.args[3])} as no plural at all"
            )
        for arg in literal_args:
            if isinstance(arg, ast.JoinedStr):
                found.append(f"{where}: {name}(f\"…\") never matches a translation; use .format() after it")
            elif not _is_literal(arg):
                found.append(f"{where}: {name}({ast.unparse(arg)}) is not a literal lupdate can extract")
    return found


@pytest.mark.parametrize("path", GUI_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_tr_arguments_are_literals(path):
    assert problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(REPO))) == []


def test_the_lint_catches_what_never_matches():
    source = (
        "class W:\n"
        "    def f(self, name, text):\n"
        "        self.tr(f'Loaded {name}')\n"
        "        self.tr(text)\n"
        "        self.tr('Loaded ' + name)\n"
        "        QCoreApplication.translate('Ctx', text)\n"
        "        QCoreApplication.translate(context, 'Fine text')\n"
        "        self.tr('Loaded {name}').format(name=name)\n"
        "        self.tr('%n model(s)', '', 3)\n"
        "        QCoreApplication.translate('Ctx', text)  # tr-lint: marked\n"
        "        QCoreApplication.translate('Ctx', '%n file(s)', '', len(files))\n"
        "        QCoreApplication.translate('Ctx', '%n file(s)', '', count)\n"
        "        self.tr('%n file(s)', '', len(files))\n"
    )
    problems = problems_in(source)
    assert [p.split(":")[1] for p in problems] == ["3", "4", "5", "6", "7", "11", "12"], problems
