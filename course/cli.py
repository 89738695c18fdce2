"""The `course` command.

Each subcommand lives in its own module under `course/commands/` and defines:
    NAME = "validate"              # the subcommand
    HELP = "one line for --help"
    def add_arguments(parser): ...  # argparse options
    def run(args) -> int: ...       # exit status
Modules are discovered automatically, so adding a command never touches this file.
A CourseError raised by a command is printed as one plain message with exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from course import __version__
from course.errors import CourseError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        self.exit(2, f"course: {message} (see 'course --help')\n")


def _command_modules():
    import course.commands as pkg

    mods = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"course.commands.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            mods.append(mod)
    return sorted(mods, key=lambda m: m.NAME)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="course",
        description="The Therapeutic Relationship: tools for authors, seminar leaders and graders.",
    )
    parser.add_argument("--version", action="version", version=f"course {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="<command>", parser_class=_Parser)
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP))
        if hasattr(mod, "add_arguments"):
            mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except CourseError as exc:
        print(f"course {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted; nothing finished was lost. Run it again to continue.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
