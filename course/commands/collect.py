"""`course collect <lms-download.zip> --assignment A`: LMS bulk download -> submitted/, by nbgrader's
zip collect (ZipCollectApp with the course config and course.grading.collect.LmsFileNameCollector)."""
from __future__ import annotations

from course.commands._root import add_root_argument, root_flag, use_root

NAME = "collect"
HELP = "import an LMS bulk download (Canvas or Moodle zip) of submissions, reporting files it cannot match"
DESCRIPTION = (
    "Run nbgrader's zip collect on a Canvas or Moodle 'download all submissions' zip (or a plain "
    "<student>/<notebook> zip): the notebooks land in submitted/<student>/<assignment>/ (a student's earlier "
    "submission is replaced; of several copies the newest wins), then every file that could not be matched "
    "to a student is listed with the reason. "
    "Pass the LMS gradebook export as --roster so that LMS ids and names map to your students' ids."
)


def add_arguments(parser) -> None:
    parser.add_argument("zip", help="the zip file downloaded from the LMS")
    parser.add_argument("--assignment", "-a", required=True, help="assignment name, e.g. m1_frame")
    parser.add_argument("--roster", default=None, help="roster CSV (the LMS gradebook export works)")
    parser.add_argument("--match-column", default=None,
                        help="roster column holding the nbgrader student ids (default: detected)")
    parser.add_argument("--new-students", action="store_true",
                        help="without --roster: accept student ids from file names that the course does not know yet")
    add_root_argument(parser)


def run(args) -> int:
    from pathlib import Path

    from course.grading.collect import collect_zip

    root = use_root(args)
    report = collect_zip(root, args.assignment, Path(args.zip),
                         roster_path=Path(args.roster) if args.roster else None, match_column=args.match_column,
                         new_students=args.new_students)
    print(report.text())
    if report.placed:
        print(f"Next: course autograde {args.assignment}{root_flag(args)}")
    return 1 if report.unmatched and not report.placed else 0
