"""`course info`: where the course, its content and the learner's progress live."""
from __future__ import annotations

from course.commands._root import add_root_argument

NAME = "info"
HELP = "show where the course content, notebooks, grading root and your progress live"


def add_arguments(parser) -> None:
    add_root_argument(parser)


def run(args) -> int:
    from course import __version__, paths
    from course.errors import CourseError

    print(f"The Therapeutic Relationship, course package {__version__}")
    print(f"  content:   {paths.CONTENT_DIR}")
    print(f"  notebooks: {paths.NOTEBOOKS_DIR}")
    try:
        found = paths.find_course_root(args.root)
        print(f"  course:    {found.describe()}")
    except CourseError as exc:
        if args.root:
            raise
        print(f"  course:    none ({exc.message} Pass --root PATH or set COURSE_ROOT.)")
    try:
        from course.progress import progress_location

        loc = progress_location()
        print(f"  progress:  {loc or 'kept in memory for this session only (the data folder cannot be written)'}")
    except ImportError:
        print("  progress:  kept in memory for this session only")
    return 0
