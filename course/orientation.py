"""Small practice widgets for the start notebook: a first click, and a first answer template."""
from __future__ import annotations

import html

PLACEHOLDER_MARKERS = ("type your answer here", "write your answer here", "...")


def practice_button() -> None:
    """A button that proves the widgets work and shows what clicking in the course looks like."""
    import ipywidgets as w
    from IPython.display import display

    button = w.Button(description="Click me", button_style="primary",
                      tooltip="A practice button: clicking it changes nothing but this message")
    button.add_class("orientation-button")
    out = w.HTML(value="")
    out.add_class("orientation-message")

    def _clicked(_):
        out.value = ("<p role='status'><strong>It works.</strong> You ran a cell and clicked a button: "
                     "that is all the course will ask of your hands. The vignettes and self-checks "
                     "work the same way.</p>")

    button.on_click(_clicked)
    display(w.VBox([button, out]))


def template_message(name: str = "practice_answer", *, history: list[str] | None = None) -> tuple[bool, str]:
    """(readable, plain message) for the practice answer, judged the way a graded self-check judges
    an answer (course/selfcheck.py): from the answer cell's text as last run, never from a value
    the kernel still holds from an earlier run, so a deleted quote shows up at once."""
    from course import selfcheck

    try:
        reading = selfcheck.read_answer(name, selfcheck.last_run_source(name, history))
        verdict = selfcheck.judge(name, reading)
    except Exception:  # never a traceback in the start notebook
        return False, ("This check could not run. Restart the kernel (Kernel menu), run the answer cell, "
                       "then this cell.")
    if reading.status == "missing":
        return False, ("Run the answer cell above first (click it, then Shift+Enter), then run this check "
                       "again. After a restart, the check only sees the cells you have run since.")
    if reading.status == "ok" and isinstance(reading.value, str) and \
            reading.value.strip().lower() in ("",) + PLACEHOLDER_MARKERS:
        return False, ("The template is still empty. Type a sentence or two between the triple quotes, run "
                       "that cell, then run this check again.")
    if not verdict.ready:
        return False, verdict.message.replace("Your answer: the grader", "The grader", 1)
    words = len(reading.value.split())
    if words < 8:
        return True, (f"Readable: {words} word(s) between the quotes. In graded work, aim for full sentences; "
                      "a few key words alone are flagged for the grader to read.")
    return True, (f"Readable: {words} words between the quotes. This is exactly how a graded answer is read: "
                  "the text between the quotes, when you submit. (This practice answer itself goes nowhere.)")


def check_template(name: str = "practice_answer") -> None:
    """Show `template_message` in the start notebook. Takes the NAME of the answer, not its value."""
    from IPython.display import HTML, display

    if not isinstance(name, str) or not name.isidentifier():  # an old notebook passing the value
        name = "practice_answer"
    ready, msg = template_message(name)
    colour = "#2563eb" if ready else "#b45309"
    # an unreadable answer is an alert; an empty template or a cell not yet run is just the next step
    lead = "<strong>Something needs your attention:</strong> " if "cannot read" in msg else ""
    display(HTML(f"<div class='orientation-template' role='status' data-ready='{str(ready).lower()}' "
                 f"style='border-left:4px solid {colour};padding:6px 10px'>{lead}{html.escape(msg)}</div>"))
