"""`course report <assignment>`: what the cohort found hard, as Markdown with PNG figures."""
from __future__ import annotations

from course.commands._root import add_root_argument, use_root

NAME = "report"
HELP = "cohort report for an assignment: score distribution, item statistics, missed concepts, review queue"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment name, e.g. m1_frame")
    parser.add_argument("--output", "-o", default=None, help="folder for report.md and its figures "
                                                             "(default: <root>/reports/<assignment>)")
    add_root_argument(parser)


def run(args) -> int:
    from pathlib import Path

    from course.grading.cohort import db_path
    from course.grading.gradebook import check_gradebook
    from course.grading.report import build_report

    root = use_root(args)
    check_gradebook(db_path(root), must_exist=True)
    path = build_report(root, args.assignment, db_path(root), Path(args.output) if args.output else None)
    print(f"Report written to {path} (figures beside it). Open it in JupyterLab or any Markdown viewer.")
    return 0
