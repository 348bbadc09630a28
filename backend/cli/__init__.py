"""Headless commands (`python main.py SUBCOMMAND …`): argument parsing lives here, Qt-free.

Each module in COMMAND_MODULES exposes `register(subparsers)`, which adds its sub-commands and sets
`func(args) -> int` on them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "backend.cli.generate",
    "backend.cli.models",
    "backend.cli.speech",
    "backend.cli.llama_bench",
    "backend.cli.export",
    "backend.cli.serve",
    "backend.cli.talk",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth",
        description="Hearth: local LLM chat and speech recognition. With no sub-command, opens the window.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def command_names() -> set[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


def fail(message: str, code: int = 1) -> int:
    """A one-line error on stderr, the CLI's answer to bad input."""
    print(f"hearth: error: {message}", file=sys.stderr)
    return code
