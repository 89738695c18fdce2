"""`course info`: where the course, its content and the learner's progress live."""
from __future__ import annotations

NAME = "info"
HELP = "show where the course content, notebooks, grading root and your progress live"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    from course import __version__, paths

    print(f"The Therapeutic Relationship, course package {__version__}")
    print(f"  content:   {paths.CONTENT_DIR}")
    print(f"  notebooks: {paths.NOTEBOOKS_DIR}")
    print(f"  grading:   {paths.GRADING_DIR}")
    try:
        from course.progress import progress_location

        loc = progress_location()
        print(f"  progress:  {loc or 'kept in memory for this session only (the data folder cannot be written)'}")
    except ImportError:
        print("  progress:  kept in memory for this session only")
    return 0
