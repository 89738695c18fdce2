"""Errors a learner, author or grader can meet, written as plain guidance.

Raise `CourseError("what happened. What to do about it.")` for anything a person
(not a programmer) can fix. In a notebook the message is shown on its own, without
a Python traceback; on the command line `course` prints it and exits with status 2.

Two Python errors a learner can still reach by running cells out of order are shown the
same way once `course` is imported (`install_ipython_handler`): a NameError (a cell that
uses something an earlier cell defines, run first or after a restart) and a
ModuleNotFoundError (a package missing from the kernel). Those two still leave an error
record in the cell (one plain line, no Python frames), so a cell that stopped is never
mistaken for one that ran: nbgrader's autograder scores a test cell by that record.
"""
from __future__ import annotations

import html
import re


class CourseError(Exception):
    """A problem the person in front of the screen can understand and fix."""

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} {hint}")

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message if not self.hint else f"{self.message} {self.hint}"


ALERT_STYLE = "border-left:4px solid #b45309;background:#fff7ed;padding:8px 12px;color:#111;font-size:14px"
STOPPED_LINE = "This cell stopped before the end: see the note above."


def alert_html(message: str) -> str:
    """The course's plain alert box (the yellow "Something needs your attention")."""
    return (f'<div class="course-error" role="alert" style="{ALERT_STYLE}">'
            f"<strong>Something needs your attention:</strong> {html.escape(str(message))}</div>")


def plain_message(exc: BaseException) -> str:
    """What to tell a learner about `exc`, in plain words with the fix."""
    if isinstance(exc, CourseError):
        return str(exc)
    if isinstance(exc, ModuleNotFoundError):
        top = (getattr(exc, "name", None) or "").split(".")[0] or "a package"
        if top == "course":
            return ("The course's own software is not installed in the Python this notebook uses. "
                    "Close this tab, open the course with 'make lab' from the course folder (or ask your "
                    "instructor which kernel to choose under Kernel \u2192 Change Kernel), then run this cell again.")
        return (f"A piece of software the course needs ('{top}') is not installed in the Python this notebook "
                "uses. From the course folder, run 'make lab' again (it installs what is missing), or ask "
                "your instructor; then run this cell again.")
    if isinstance(exc, NameError):
        m = re.search(r"name '([^']+)' is not defined", str(exc))
        what = f"'{m.group(1)}'" if m else "something this cell uses"
        return (f"This cell uses {what}, which an earlier cell sets up, and that cell has not run since the "
                "notebook (or its kernel) started. Run the cells above this one first: menu Run \u2192 "
                "Run All Above Selected Cell, then run this cell again. If it is an answer cell's name, "
                "run that answer cell first.")
    return str(exc)


def install_ipython_handler(ip) -> None:
    """Register a handler that shows CourseError, NameError and ModuleNotFoundError as plain text."""

    def _handler(shell, etype, evalue, tb, tb_offset=None):
        message = plain_message(evalue)
        try:
            from IPython.display import HTML, display

            display(HTML(alert_html(message)))
        except Exception:  # pragma: no cover - display unavailable
            print(f"Something needs your attention: {message}")
        if not isinstance(evalue, CourseError):
            # keep an error record in the cell (one plain line, no frames) so the cell counts as failed
            show = getattr(shell, "_showtraceback", None)
            if show is not None:
                try:
                    show(etype, evalue, [STOPPED_LINE])
                except Exception:  # pragma: no cover - never fail while reporting a failure
                    pass
        return None

    ip.set_custom_exc((CourseError, NameError, ModuleNotFoundError), _handler)
