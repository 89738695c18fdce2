"""`course generate <assignment>`: make the student version (nbgrader generate_assignment)."""
from __future__ import annotations


from course.commands._root import add_root_argument, use_root

NAME = "generate"
HELP = "generate the student version of a graded assignment into the course's release/"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", nargs="+", help="assignment id(s), e.g. m1_frame")
    add_root_argument(parser)
    parser.add_argument("--no-check", action="store_true", help="skip the leak check of the released notebook")


def run(args) -> int:
    from course.errors import CourseError
    from course.grading import gradebook as gbmod
    from course.grading.release_check import build_needles, scan_files

    root = use_root(args)
    known = gbmod.assignments(root)
    for a in args.assignment:
        if a not in known:
            raise CourseError(f"There is no assignment called '{a}'.", hint=f"Assignments: {', '.join(known)}.")
    api = gbmod.open_api(root)
    status = 0
    for a in args.assignment:
        res = api.generate_assignment(a, force=True)
        if not res.get("success"):
            raise CourseError(f"nbgrader could not generate '{a}': {res.get('error') or 'see the log above'}")
        released = sorted((root / "release" / a).glob("*.ipynb"))
        leaks = [] if args.no_check else scan_files(released, build_needles(root, a), root)
        for leak in leaks:
            print(leak)
        if leaks:
            status = 1
            print(f"{a}: the released notebook leaks {len(leaks)} protected string(s); do not release it.")
        else:
            print(f"{a}: generated {', '.join(str(p.relative_to(root)) for p in released)}")
    return status
