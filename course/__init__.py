"""The Therapeutic Relationship: a Jupyter course for counseling students.

Learners use a handful of one-line calls in the notebooks:

    play("transference/are-you-tired-of-me")        # a branching vignette
    play("termination/the-coffee-invitation", mode="discussion")   # seminar view
    vignette_map("transference/are-you-tired-of-me")              # the branches, drawn
    self_check("frame")                              # a module's self-check questions
    show_progress()                                  # the progress dashboard
    mark_complete(1)                                 # the "Mark module 1 complete" button

Everything else (grading, exports, validation) is the `course` command.
Names are imported lazily so that `import course` stays fast and a notebook only
pays for what it uses.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> (module, attribute)
_LAZY = {
    "play": ("course.player", "play"),
    "vignette_map": ("course.figures.vignette_map", "vignette_map"),
    "self_check": ("course.questions", "self_check"),
    "show_progress": ("course.dashboard", "show_progress"),
    "mark_complete": ("course.dashboard", "mark_complete"),
    "cite": ("course.codes", "cite"),
    "CourseError": ("course.errors", "CourseError"),
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'course' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def _install_friendly_errors() -> None:
    """In a notebook, show CourseError as one plain paragraph instead of a traceback."""
    import sys

    if "IPython" not in sys.modules:  # no IPython shell here (e.g. the `course` command): do not
        return                        # import it only to ask (measured: 1.8 s of a loaded CLI start)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always present with jupyterlab
        return
    ip = get_ipython()
    if ip is None:
        return
    from course.errors import install_ipython_handler

    install_ipython_handler(ip)


_install_friendly_errors()
