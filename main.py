"""Hearth's entry point: a sub-command runs headless, no sub-command opens the window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark drives the real window, so it lives beside gui/, not in backend/
        try:
            from bench.run import main as bench_main
        except ModuleNotFoundError as exc:
            if exc.name != "bench":
                raise
            print("hearth: error: the benchmark is not in this build; run it from a source checkout", file=sys.stderr)
            return 1

        return bench_main(argv[1:])
    if argv and not argv[0].startswith("-") or argv[:1] in (["-h"], ["--help"]):
        from backend import cli

        return cli.run(argv)
    from gui.startup_errors import run_guarded  # a dialog and a log for whatever stops the window

    return run_guarded(argv)


if __name__ == "__main__":
    sys.exit(main())
