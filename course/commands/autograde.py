"""`course autograde <assignment>`: grade every submitted student in parallel, safely."""
from __future__ import annotations

from course.commands._root import add_root_argument, root_flag, use_root

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
    add_root_argument(parser)


def run(args) -> int:
    from course.errors import CourseError
    from course.grading.cohort import Progress, autograde_cohort, db_path, format_summary
    from course.grading.gradebook import check_gradebook

    if args.jobs is not None and args.jobs < 1:
        raise CourseError("--jobs must be 1 or more.")
    root = use_root(args)
    check_gradebook(db_path(root))
    summary = autograde_cohort(args.assignment, root=root, jobs=args.jobs, force=args.force,
                               students=args.student, on_event=Progress())
    if not summary.results and not summary.skipped:
        raise CourseError(f"Nobody has submitted {args.assignment} yet (nothing in {root / 'submitted'}).",
                          hint="Collect the submissions first: course collect <lms-download.zip> --assignment "
                               f"{args.assignment}{root_flag(args)}.")
    print(format_summary(summary, root))
    return 1 if summary.failed else 0
