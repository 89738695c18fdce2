"""`course review <assignment>`: list the answers and submissions that need a person."""
from __future__ import annotations

import json
from pathlib import Path

NAME = "review"
HELP = "list answers flagged for human review, and submissions that could not be autograded"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. m1_frame")
    parser.add_argument("--root", type=Path, default=None, help="the nbgrader course folder (default: grading/)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a list")


def run(args) -> int:
    from course.grading.review import format_entries, review

    entries = review(args.assignment, args.root)
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=1))
    else:
        print(format_entries(entries))
    return 0
