"""Errors a learner, author or grader can meet, written as plain guidance.

Raise `CourseError("what happened. What to do about it.")` for anything a person
(not a programmer) can fix. In a notebook the message is shown on its own, without
a Python traceback; on the command line `course` prints it and exits with status 2.
"""
from __future__ import annotations


class CourseError(Exception):
    """A problem the person in front of the screen can understand and fix."""

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} {hint}")

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message if not self.hint else f"{self.message} {self.hint}"


def install_ipython_handler(ip) -> None:
    """Register a handler that prints CourseError messages as plain text."""

    def _handler(shell, etype, evalue, tb, tb_offset=None):
        import html

        try:
            from IPython.display import HTML, display

            display(
                HTML(
                    '<div class="course-error" role="alert" style="border-left:4px solid #b45309;'
                    'background:#fff7ed;padding:8px 12px;color:#111">'
                    f"<strong>Something needs your attention:</strong> {html.escape(str(evalue))}</div>"
                )
            )
        except Exception:  # pragma: no cover - display unavailable
            print(f"Something needs your attention: {evalue}")
        return None

    ip.set_custom_exc((CourseError,), _handler)
