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


def check_template(answer) -> str:
    """Look at a practice answer the way a graded notebook will, and say so in plain words."""
    from IPython.display import HTML, display

    if not isinstance(answer, str):
        msg = ("Your answer is not text. Keep the three quotation marks at the start and the end, "
               "and type only between them.")
    else:
        text = answer.strip()
        words = len(text.split())
        if not text or text.lower() in PLACEHOLDER_MARKERS:
            msg = "The template is still empty. Type a sentence or two between the triple quotes, then run the cell again."
        elif words < 8:
            msg = (f"Saved: {words} word(s). In graded work, aim for full sentences; a few key words "
                   "alone are flagged for the grader to read.")
        else:
            msg = (f"Saved: {words} words. This is exactly how graded answers are kept: as the text "
                   "between the quotes, read when you submit.")
    display(HTML(f"<div class='orientation-template' role='status' style='border-left:4px solid #2563eb;"
                 f"padding:6px 10px'>{html.escape(msg)}</div>"))
    return msg

