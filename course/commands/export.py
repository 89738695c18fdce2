"""`course export`: grades to CSV, or to Canvas / Moodle gradebook-import files."""
from __future__ import annotations

from course.commands._root import add_root_argument, use_root

NAME = "export"
HELP = "export grades (per question and totals) as CSV, or as a Canvas or Moodle gradebook import file"
DESCRIPTION = (
    "Write the gradebook as a spreadsheet (--format csv: per-question columns and totals) or as a file that "
    "Canvas or Moodle imports unchanged. Pass your LMS gradebook export as --roster so the file carries the "
    "LMS's student ids; students missing from the roster, and roster students without a submission, are "
    "listed, never dropped silently."
)


def add_arguments(parser) -> None:
    parser.add_argument("--assignment", "-a", action="append", default=None,
                        help="only this assignment (repeatable; default: all)")
    parser.add_argument("--format", "-f", choices=["csv", "canvas", "moodle"], default="csv")
    parser.add_argument("--roster", default=None, help="roster CSV (e.g. the LMS gradebook export)")
    parser.add_argument("--match-column", default=None,
                        help="roster column holding the nbgrader student ids (default: detected)")
    parser.add_argument("--items", action="store_true",
                        help="also write per-question columns in canvas/moodle files (each becomes an LMS column)")
    parser.add_argument("--missing-as-zero", action="store_true",
                        help="write 0 (instead of a blank) for roster students without a submission")
    parser.add_argument("--output", "-o", default=None, help="output file (default: <root>/reports/grades-<format>.csv)")
    add_root_argument(parser)


def run(args) -> int:
    import sys
    from pathlib import Path

    from course.grading.cohort import db_path
    from course.grading.export import export

    root = use_root(args)
    suffix = "-".join(args.assignment) if args.assignment else "all"
    out = Path(args.output) if args.output else root / "reports" / f"grades-{args.format}-{suffix}.csv"
    report = export(db_path(root), args.format, out, assignments=args.assignment,
                    roster_path=Path(args.roster) if args.roster else None, match_column=args.match_column,
                    items=True if args.items else None, missing_as_zero=args.missing_as_zero)
    print(report.text())
    if report.pending:
        print(f"WARNING: {report.pending}", file=sys.stderr)
    return 0
