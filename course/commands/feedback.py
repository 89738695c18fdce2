"""`course feedback <assignment>`: generate feedback, then check it leaks nothing."""
from __future__ import annotations


from course.commands._root import add_root_argument, use_root

NAME = "feedback"
HELP = "generate feedback for an autograded assignment and check it for leaked solutions/tests/rubrics"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. m1_frame")
    parser.add_argument("--student", default=None, help="only this student")
    parser.add_argument("--allow-pending", action="store_true",
                        help="generate feedback even while answers still wait for a person (course review): "
                             "their feedback then shows provisional scores")
    add_root_argument(parser)


def run(args) -> int:
    from course.errors import CourseError
    from course.grading import gradebook as gbmod

    root = use_root(args)
    if args.assignment not in gbmod.assignments(root):
        raise CourseError(f"There is no assignment called '{args.assignment}'.")
    from course.grading.review import pending_summary, review

    pending = [e for e in review(args.assignment, root) if not args.student or e.student == args.student]
    if pending and not args.allow_pending:
        raise CourseError(
            f"Feedback not generated: {pending_summary(pending)} Their feedback would show provisional "
            "scores and comments that a person may still change.",
            hint=f"Score them first (course review {args.assignment}; the review workbench or formgrader), then "
                 "run this again. To send feedback anyway, add --allow-pending.")
    if pending:
        print(f"WARNING: {pending_summary(pending)} Their feedback shows provisional scores (--allow-pending).")
    api = gbmod.open_api(root)
    if args.student:
        res = api.generate_feedback(args.assignment, args.student, force=True)
    else:
        res = api.generate_feedback(args.assignment, force=True)
    if not res.get("success"):
        raise CourseError(f"nbgrader could not generate feedback: {res.get('error') or 'see the log above'}",
                          hint="Autograde the submissions first (course autograde).")
    from course.grading.feedback import prune, scan

    removed = prune(root, args.assignment, args.student)
    if removed:
        print(f"Removed {len(removed)} file(s) from feedback/ that are not feedback pages "
              "(review notes, timestamps, files from the submission folder).")
    files = sorted((root / "feedback").glob(f"{args.student or '*'}/{args.assignment}/*.html"))
    leaks = scan(root, args.assignment, args.student)
    for leak in leaks:
        print(leak)
    if leaks:
        bad = sorted({leak.file for leak in leaks})
        for f in bad:
            (root / f).unlink(missing_ok=True)
        print(f"Removed {len(bad)} feedback file(s) that leaked protected text; fix the cause "
              "(nbgrader_config.py GenerateFeedback.preprocessors must include ClearHiddenTests) and run again.")
        return 1
    print(f"Feedback for {len(files)} submission(s) is in {root / 'feedback'}; it contains no solution, "
          "hidden-test or rubric text.")
    return 0
