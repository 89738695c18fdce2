"""`course review <assignment>`: list the answers and submissions that need a person."""
from __future__ import annotations

import json

from course.commands._root import add_root_argument, use_root

NAME = "review"
HELP = "list answers flagged for human review, and submissions that could not be autograded"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. m1_frame")
    add_root_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a list")


def run(args) -> int:
    from course.grading.review import format_entries, review

    from course.grading.cohort import db_path
    from course.grading.gradebook import check_gradebook

    root = use_root(args)
    check_gradebook(db_path(root))
    entries = review(args.assignment, root)
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=1))
    else:
        print(format_entries(entries))
    return 0
