"""`course score-reflection --question <id> [FILE | -]`: score one reflection, print JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from course.errors import CourseError

from course.commands._root import add_root_argument, use_root

NAME = "score-reflection"
HELP = "score a written reflection against its rubric and print the result as JSON"
DESCRIPTION = ("Score one reflection answer (from FILE, or from standard input with '-' or no FILE) "
               "against the rubric of a reflection question and print points, concepts found and "
               "missing, the review flag and the student-facing feedback as JSON. The rubric comes from the course "
               "in use (its rubrics/reflections/ folder).")


def add_arguments(parser) -> None:
    parser.add_argument("--question", "-q", metavar="ID",
                        help="the reflection question id, e.g. frame.why-not-friends")
    parser.add_argument("--list", action="store_true", help="list the reflection questions and exit")
    add_root_argument(parser)
    parser.add_argument("file", nargs="?", default="-", metavar="FILE",
                        help="a text file holding the answer, or '-' for standard input (the default)")


def run(args) -> int:
    from course.rubric import list_questions, load_rubric, score

    use_root(args, check_config=False)  # only its rubrics are read: a read-only course is fine
    if args.list:
        for q in list_questions():
            print(q)
        return 0
    if not args.question:
        raise CourseError("Say which question the answer belongs to.",
                          hint=f"Add --question ID; the questions are: {', '.join(list_questions())}.")
    load_rubric(args.question)  # unknown id -> CourseError before reading any input
    if args.file == "-":
        text = sys.stdin.read()
    else:
        p = Path(args.file)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CourseError(f"There is no file called {p}.", hint="Check the path, or pass '-' to read standard input.") from None
        except UnicodeDecodeError:
            raise CourseError(f"{p} is not UTF-8 text.", hint="Save the answer as plain UTF-8 text.") from None
        except OSError as exc:
            raise CourseError(f"Cannot read {p} ({exc.strerror}).", hint="Check the path and its permissions.") from None
    result = score(args.question, text)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return 0
