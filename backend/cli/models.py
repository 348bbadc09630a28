"""`models …`: prepare the bundled models (more sub-commands: list, info, import, download, delete)."""
from __future__ import annotations

import sys

from backend.cli import fail
from backend.errors import HearthError
from backend.models import bundled


def register(subparsers) -> None:
    parser = subparsers.add_parser("models", help="manage model files")
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    p = sub.add_parser("prepare", help="build the bundled default models into the model folder (once)")
    p.set_defaults(func=run_prepare)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def run_prepare(args) -> int:
    for key, model in bundled.BUNDLED.items():
        if bundled.is_ready(key):
            continue
        print(f"preparing {model.title} → {model.path}", file=sys.stderr)
        try:
            bundled.ensure(key)
        except (HearthError, OSError) as exc:
            return fail(f"{model.title}: {exc}")
    return 0
