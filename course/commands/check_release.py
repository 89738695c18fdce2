"""`course check-release [ASSIGNMENT...]`: prove that released notebooks and feedback leak nothing."""
from __future__ import annotations


from course.commands._root import add_root_argument, use_root

NAME = "check-release"
HELP = "generate each assignment and a probe's feedback in a temp copy; fail on leaked solutions, tests or rubrics"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", nargs="*", help="assignment id(s) (default: all)")
    add_root_argument(parser)
    parser.add_argument("--no-feedback", action="store_true", help="check the released notebooks only (faster)")


def run(args) -> int:
    from course.grading.release_check import check_release

    leaks = check_release(args.assignment or None, use_root(args), feedback=not args.no_feedback)
    for leak in leaks:
        print(leak)
    if leaks:
        print(f"\n{len(leaks)} leak(s) found. Do not release until they are fixed.")
        return 1
    print("Release check passed: no solution, hidden-test or rubric text reaches students.")
    return 0
