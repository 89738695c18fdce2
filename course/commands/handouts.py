"""`course handouts <module>`: printable seminar handouts (student copy and facilitator copy)."""
from __future__ import annotations

NAME = "handouts"
HELP = "write a printable HTML handout for a module (and a facilitator copy with the feedback)"


def add_arguments(parser) -> None:
    parser.add_argument("module", help='a module id, e.g. "transference", or "all"')
    parser.add_argument("--out", default="handouts", help="folder to write into (default: ./handouts)")
    parser.add_argument("--session", default=None,
                        help="the session code used on the projector (default: today's date), so the "
                             "letters on paper match the letters on the screen")


def run(args) -> int:
    from course.handouts import write_handouts

    for f in write_handouts(args.module, args.out, session=args.session):
        print(f"wrote {f}")
    print("Open a page in a browser and print it (File > Print); it needs no network.")
    return 0
