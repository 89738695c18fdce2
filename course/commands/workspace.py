"""`course workspace`: make or bring up to date your own copy of the course notebooks."""
from __future__ import annotations

import sys
from pathlib import Path

NAME = "workspace"
HELP = "make or update your own copy of the course notebooks (make lab and make read open it)"
DESCRIPTION = ("Copies the course's notebooks into a folder of your own, so that your answers and outputs "
               "never change the course's files and a course update never overwrites your work. Run it "
               "again at any time: it adds notebooks that are new, replaces only copies you never changed, "
               "and puts a changed notebook's new version beside your copy. Default folder: $COURSE_WORKSPACE, "
               "else 'notebooks' in your data folder (see 'course info').")


def add_arguments(parser) -> None:
    parser.add_argument("--dest", metavar="FOLDER", type=Path, default=None,
                        help="the folder for your notebooks (default: $COURSE_WORKSPACE, else your data folder)")
    parser.add_argument("--print-dir", action="store_true",
                        help="print only the folder on standard output (messages go to standard error); for scripts")


def run(args) -> int:
    from course.errors import CourseError
    from course.workspace import sync

    try:
        result = sync(args.dest)
    except OSError as exc:  # a folder the learner cannot write to, a full disk
        raise CourseError(f"Could not write your notebooks to {exc.filename or args.dest or 'their folder'} "
                          f"({exc.strerror or exc}).",
                          hint="Choose a folder you can write to: course workspace --dest FOLDER "
                               "(or set COURSE_WORKSPACE=FOLDER).") from exc
    say = sys.stderr if args.print_dir else sys.stdout
    for line in result.messages():
        print(line, file=say)
    if args.print_dir:
        print(result.dest)
    elif not result.changed:
        print(f"Your notebooks are up to date in {result.dest}.")
    return 0
