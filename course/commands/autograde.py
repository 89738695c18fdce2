"""`course autograde <assignment>`: grade every submitted student in parallel, safely."""
from __future__ import annotations

NAME = "autograde"
HELP = "autograde all submitted students of an assignment in parallel (resumable, never loses a grade)"
DESCRIPTION = (
    "Autograde every student who submitted ASSIGNMENT, in parallel worker processes, with a progress bar. "
    "A student whose grading fails keeps their previous grade and folder; a rerun grades only the students "
    "not yet graded (or whose submission changed). Run it inside the course's grading folder or pass --root."
)


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment name, e.g. m1_frame")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="parallel workers (default: the number of CPU cores)")
    parser.add_argument("--force", action="store_true",
                        help="regrade students already graded with an unchanged submission")
    parser.add_argument("--student", action="append", default=None, metavar="ID",
                        help="grade only this student (repeatable)")
    parser.add_argument("--root", default=None,
                        help="the nbgrader course folder (default: the repository's grading/)")


def run(args) -> int:
    from course.errors import CourseError
    from course.grading.cohort import Progress, autograde_cohort, course_root, format_summary

    if args.jobs is not None and args.jobs < 1:
        raise CourseError("--jobs must be 1 or more.")
    root = course_root(args.root)
    summary = autograde_cohort(args.assignment, root=root, jobs=args.jobs, force=args.force,
                               students=args.student, on_event=Progress())
    if not summary.results and not summary.skipped:
        raise CourseError(f"Nobody has submitted {args.assignment} yet (nothing in {root / 'submitted'}).",
                          hint="Collect the submissions first: course collect <lms-download.zip> --assignment "
                               f"{args.assignment}.")
    print(format_summary(summary, root))
    return 1 if summary.failed else 0
