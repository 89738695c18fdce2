"""The course root for every `course` command that works on a course (see course/paths.py).

    add_root_argument(parser)      # --root PATH
    root = use_root(args)          # finds it, names it on stderr, checks its config, exports it
    hint = "course autograde m1" + root_flag(args)   # " --root PATH" unless it is the default
"""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

ROOT_HELP = ("the course folder, the one holding nbgrader_config.py (default: $COURSE_ROOT, else the nearest "
             "folder upwards from the current one that holds nbgrader_config.py or grading/nbgrader_config.py)")


def add_root_argument(parser) -> None:
    parser.add_argument("--root", default=None, metavar="PATH", help=ROOT_HELP)


def use_root(args, *, announce: bool = True, check_config: bool = True) -> Path:
    """Find the course root for this command; say which it is (on stderr, so that JSON output stays
    clean); check that its nbgrader_config.py loads; export it as COURSE_ROOT so that worker
    processes and rubric loading use the same course."""
    from course import paths

    args._course_default = paths.default_root()  # what a plain command would use, before we export ours
    found = paths.find_course_root(getattr(args, "root", None))
    if announce:
        print(f"Course: {found.describe()}", file=sys.stderr, flush=True)
    if check_config:
        from course.grading.gradebook import load_config

        load_config(found.path)
    os.environ[paths.ROOT_ENV] = str(found.path)
    args._course_root = found.path
    return found.path


def root_flag(args) -> str:
    """' --root PATH' for a 'Next: course ...' hint, or '' when the root is the one found by default."""
    root = getattr(args, "_course_root", None)
    if root is None or getattr(args, "_course_default", None) == root:
        return ""
    return f" --root {shlex.quote(str(root))}"
