"""`hearth export CONVERSATION --md|--json`: a saved conversation, with each reply's timings."""

from __future__ import annotations

import sys
from pathlib import Path

from backend import paths
from backend.atomic import write_text_atomic
from backend.cli import fail
from backend.conversations import ConversationStore
from backend.errors import HearthError
from backend.export import find_conversation, load_export


def register(subparsers) -> None:
    e = subparsers.add_parser("export", help="export a conversation as Markdown or JSON, with each reply's timings")
    e.add_argument("conversation", nargs="?", help="its number, or its title (or words of it)")
    fmt = e.add_mutually_exclusive_group()
    fmt.add_argument("--md", dest="format", action="store_const", const="md", help="Markdown (the default)")
    fmt.add_argument("--json", dest="format", action="store_const", const="json", help="JSON")
    e.add_argument("-o", "--output", help="write here instead of standard output ('-' is standard output)")
    e.add_argument("--list", action="store_true", help="list the conversations (number, title) and exit")
    e.set_defaults(func=export, format="md")


def export(args) -> int:
    database = paths.database_path()
    if not database.exists():
        return fail(f"there are no conversations yet ({database} does not exist)")
    try:
        store = ConversationStore(database)
    except HearthError as exc:
        return fail(str(exc))
    try:
        if args.list:
            for conversation in store.list_conversations():
                print(f"{conversation.id}\t{conversation.title}")
            return 0
        if not args.conversation:
            return fail("say which conversation to export (its number or title); `export --list` shows them")
        text = load_export(store, find_conversation(store, args.conversation).id).render(args.format)
    except HearthError as exc:
        return fail(str(exc))
    finally:
        store.close()
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return 0
    try:
        write_text_atomic(Path(args.output), text)
    except OSError as exc:
        return fail(f"could not write {args.output}: {exc.strerror or exc}")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
