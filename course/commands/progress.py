"""`course progress`: see, export or erase your progress (all of it stays on this computer)."""
from __future__ import annotations

import sys
from pathlib import Path

NAME = "progress"
HELP = "show where your progress is saved and a short summary; --export FILE or --forget"
DESCRIPTION = ("Your progress (vignette steps and endings, self-check answers, modules completed) is kept "
               "only on this computer. Without options this prints a short summary and where it lives.")


def add_arguments(parser) -> None:
    parser.add_argument("--export", metavar="FILE", type=Path,
                        help="write all your records and a summary to FILE as readable JSON")
    parser.add_argument("--forget", action="store_true",
                        help="erase all your progress (asks for confirmation)")
    parser.add_argument("--yes", action="store_true", help="with --forget: do not ask (for scripts)")


def run(args) -> int:
    from course import progress
    from course.errors import CourseError

    if args.yes and not args.forget:
        raise CourseError("--yes only goes with --forget.", hint="Run 'course progress --forget --yes'.")
    if args.export and args.forget:
        raise CourseError("Choose one: --export or --forget.",
                          hint="Export first if you want a copy, then forget.")
    loc = progress.progress_location()
    where = str(loc) if loc else "memory only (this computer's data folder cannot be written)"
    if args.export:
        target = progress.export_json(args.export)
        n = len(progress.current_events())
        print(f"Exported {n} record{'s' if n != 1 else ''} to {target}.")
        return 0
    if args.forget:
        rec = progress.current_recorder()
        n = rec.count() if hasattr(rec, "count") else 0
        if not args.yes:
            prompt = (f"Erase all {n} record{'s' if n != 1 else ''} of your progress in {where}? "
                      "This cannot be undone. Type 'yes' to erase: ")
            try:
                answer = input(prompt)
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was erased.")
                return 1
        erased = progress.forget()
        print(f"Erased {erased} record{'s' if erased != 1 else ''}. Your progress starts afresh.")
        return 0
    s = progress.summary()
    t = s["totals"]
    print(f"Your progress is saved in: {where}")
    if not t["events"]:
        print("Nothing recorded yet.")
    else:
        print(f"Modules complete: {t['modules_complete']} of {t['modules']}")
        for m in s["modules"]:
            mark = "complete" if m["complete"] else f"{m['items_done']} of {m['items_total']} done"
            print(f"  {m['number']}. {m['title'].split(':')[0]}: {mark}")
        print(f"Vignette endings reached: {t['vignettes_finished']}; self-check questions answered: "
              f"{t['questions_answered']} ({t['questions_correct']} correct); concepts met: {len(s['concepts'])}")
        print(f"Last activity: {t['last_at'][:16].replace('T', ' ')} UTC")
    print(s["next"])
    print("Export: course progress --export FILE    Erase: course progress --forget")
    sys.stdout.flush()
    return 0
