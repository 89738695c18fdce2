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
import errno
import importlib
import os
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
    saved_root = os.environ.get("COURSE_ROOT")  # a command exports the root it uses for its workers
    try:
        return int(args._run(args) or 0)
    except CourseError as exc:
        print(f"course {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        root = os.environ.get("COURSE_ROOT")
        where = f"the course folder {root}" if root else "that folder"
        print(f"course {args.command}: cannot write {exc.filename or 'a file'} ({exc.strerror}): {where} is "
              "read-only for you. Make it writable (chmod -R u+w), or copy the course to a folder you can "
              "write to and pass --root COPY.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted; nothing finished was lost. Run it again to continue.",
              file=sys.stderr)
        return 130
    finally:
        if saved_root is None:
            os.environ.pop("COURSE_ROOT", None)
        else:
            os.environ["COURSE_ROOT"] = saved_root


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
