"""`course validate [PATH...]`: check vignettes, self-checks, rubrics and registries."""
from __future__ import annotations

from pathlib import Path

from course.commands._root import add_root_argument

NAME = "validate"
HELP = "check vignette, question, rubric and registry files; report file:line problems"


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders to check (default: all course content and the course's rubrics)")
    add_root_argument(parser)


def _singular(what: str) -> str:
    return what[:-1] if what.endswith("s") else what


def run(args) -> int:
    from course import paths
    from course.errors import CourseError
    from course.validation import validate

    targets, note = list(args.paths), ""
    if not targets:  # the content, and the rubrics of the course in use (never the installed package's)
        targets = [paths.CONTENT_DIR]
        try:
            targets.append(paths.find_course_root(args.root).path / "rubrics")
        except CourseError as exc:
            if args.root:
                raise
            note = f"Rubrics not checked: {exc.message} Pass --root PATH to check a course's rubrics."
    report = validate(targets)
    if note:
        print(note)
    for problem in sorted(report.problems, key=lambda p: (p.path, p.line)):
        print(problem)
    counts = ", ".join(f"{n} {_singular(what) if n == 1 else what}"
                       for what, n in sorted(report.counts.items())) or "nothing"
    if report.problems:
        n = len(report.problems)
        print(f"\n{n} problem{'s' if n != 1 else ''} found (checked {counts}). Fix them and run course validate again.")
        return 1
    if not report.counts:   # nothing was checked: never "All good"
        print(f"Nothing to check: no vignette, question, rubric or registry file in {', '.join(map(str, targets))}. "
              "Give the path of a .yml content file or of a folder that holds some.")
        return 1
    print(f"All good: checked {counts}.")
    return 0
