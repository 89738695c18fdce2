"""Self-checks that report what the grader will read, in plain words.

A graded answer is scored from the SOURCE of its answer cell (course/grading/pipeline.py reads
the last top-level `answer_1 = <literal>` with `ast`; no student code runs). A check that looked
at the variable left in the kernel could say "recorded" while the cell shows a SyntaxError (the
kernel still holds the value from an earlier run). So these checks never read the variable.
They read the answer cell's source as it was last run in this kernel, from IPython's own input
history (`history_manager.input_hist_raw`: every cell the kernel was asked to run, kept even
when it did not parse), and judge that text the way the grader does.

Why the input history, and not the notebook file: the file on disk lags the editor (autosave
every two minutes), and `__session__` / JPY_SESSION_NAME, the kernel's only hint of which file
it serves, is set by jupyter_server only (not under nbgrader validate or nbconvert) and goes
stale when a notebook is renamed. The input history exists in every IPython kernel, including
the one nbgrader's Validate starts, and holds exactly the text the kernel saw. Its limit: an edit
that has not been run is not seen, so every message says to run the answer cell, then the check.

In a graded notebook:  `check_answer("answer_1")` (the locked self-check cell).
In the start notebook: `course.orientation.check_template("practice_answer")`.

Under nbgrader's Validate (env NBGRADER_EXECUTION=validate) an answer that is blank or cannot be
read is written to stderr: nbgrader counts a test cell with stderr output as failed and prints
that text as "the error", so Validate names the question and the fix instead of "Success!".
In JupyterLab the same message is a plain box; nothing is raised, so Run All never stops.
"""
from __future__ import annotations

import ast
import html
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

REFLECTION_WORDS = (100, 250)
KIND_BY_PREFIX = {"answer": "reflection", "choice": "single", "multi": "multiple",
                  "match": "matching", "order": "ordering", "practice": "practice"}


# --------------------------------------------------------------------------- reading the source
@dataclass
class Reading:
    """What one cell source says about an answer variable, read as the grader reads it."""

    name: str
    status: str              # "ok" | "broken" | "code" | "missing"
    value: Any = None
    line: int | None = None  # for "broken": the line Python stopped at


def _assign_pattern(name: str) -> re.Pattern:
    # a line that starts by assigning the name: `answer_1 = ...`, `answer_1: str = ...`
    return re.compile(rf"(?m)^[ \t]*{re.escape(name)}[ \t]*(?::[^=\n]*)?=(?!=)")


def last_run_source(name: str, history: list[str] | None = None) -> str | None:
    """The most recently run cell text that assigns `name` (None if no such cell has run).

    `history` defaults to this kernel's raw input history; tests pass a list.
    """
    if history is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - the course always has IPython
            return None
        ip = get_ipython()
        if ip is None or getattr(ip, "history_manager", None) is None:
            return None
        history = ip.history_manager.input_hist_raw
    pattern = _assign_pattern(name)
    for src in reversed(history):
        if src and pattern.search(src):
            return src
    return None


def assigned_value(stmt: ast.stmt, name: str) -> ast.expr | None:
    """The value of `name = ...` (or `name: T = ...`) if `stmt` is that plain assignment, else None.
    The grader (course.grading.pipeline) reads answers with the same rule."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
            and stmt.targets[0].id == name:
        return stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
            and stmt.target.id == name and stmt.value is not None:
        return stmt.value
    return None


def _binds(node: ast.AST, name: str) -> bool:
    """Mirror of the grader's rule: does `node` set or delete `name` other than by a literal?"""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and sub.name == name:
            return True
        if isinstance(sub, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".")[0]) == name for a in sub.names):
            return True
        if isinstance(sub, (ast.Global, ast.Nonlocal)) and name in sub.names:
            return True
        if isinstance(sub, ast.Constant) and sub.value == name:
            return True
    return False


def read_answer(name: str, source: str | None) -> Reading:
    """Read `name` from one cell's source the way course.grading.pipeline.extract_answer does:
    the last top-level `name = <literal>` wins; text that is not valid Python, or a value made by
    code, cannot be read. (tests/test_selfcheck.py keeps the two in agreement.)"""
    if source is None:
        return Reading(name, "missing")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        return Reading(name, "broken", line=getattr(exc, "lineno", None))
    status, value = "missing", None
    for stmt in tree.body:
        target = assigned_value(stmt, name)
        if target is not None:
            try:
                value, status = ast.literal_eval(target), "ok"
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                value, status = None, "code"
            if _binds(target, name):
                value, status = None, "code"
        elif _binds(stmt, name):
            value, status = None, "code"
    return Reading(name, status, value)


# --------------------------------------------------------------------------- judging the form
@dataclass
class Verdict:
    ready: bool     # the grader can read a non-blank answer of the right form
    message: str    # plain words for the student
    alert: bool = False  # the answer cannot be read at all (not merely blank): said as an alert


def _letters(value) -> list[str] | None:
    if isinstance(value, str):
        return [p.strip(".)(:").upper() for p in re.split(r"[\s,;]+", value.strip()) if p.strip(".)(:")]
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip().upper() for v in value if str(v).strip()]
    return None


def _norm_cat(v: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(v).strip().lower())


def _label(name: str) -> str:
    m = re.search(r"_(\d+)", name)
    return f"Question {m.group(1)}" if m and not name.startswith("practice") else "Your answer"


def _rerun(name: str) -> str:
    return f"run the answer cell (click it, then Shift+Enter), then run this check again."


def judge(name: str, reading: Reading, *, options: str = "", statements: str = "",
          choices: list[str] | tuple[str, ...] = (), steps: str = "") -> Verdict:
    """Plain-words verdict on the FORM of an answer (never its correctness)."""
    q = _label(name)
    kind = KIND_BY_PREFIX.get(name.split("_")[0], "reflection")
    if reading.status == "missing":
        return Verdict(False, (
            f"{q}: this check has not seen the answer cell run yet (after opening the notebook or "
            f"restarting, it has to be run again). Click the answer cell above and press Shift+Enter, then "
            f"run this check again. If the answer cell no longer starts with `{name} =`, put that back first."))
    if reading.status == "broken":
        where = f" (Python stopped at line {reading.line} of the cell)" if reading.line else ""
        if kind in ("reflection", "practice"):
            fix = (f"Put the template back as it was: `{name} = \"\"\"` at the start, your text, and `\"\"\"` at "
                   "the end. Your text is still in the cell; nothing is lost. Then ")
        elif kind == "matching":
            fix = ("Put the template back as it was: each letter and each choice inside double quotes, "
                   "pairs separated by commas, inside the curly brackets. Then ")
        else:
            fix = f"Put the template back as it was: `{name} = \"\"` with your answer between the two quotes. Then "
        return Verdict(False, (
            f"{q}: the grader cannot read this answer. The answer cell is not written as the template "
            f"shows{where}; usually a quotation mark was deleted, or one was added inside the text. "
            + fix + _rerun(name)), alert=True)
    if reading.status == "code":
        return Verdict(False, (
            f"{q}: the grader cannot read this answer: it is not written between quotes as the template "
            f"shows (or it is worked out by code). Put the template back (`{name} = ` followed by your answer "
            "inside the quotes) and remove anything else you added, then " + _rerun(name)), alert=True)
    v = reading.value
    if kind in ("reflection", "practice"):
        if not isinstance(v, str):
            return Verdict(False, (f"{q}: the grader cannot read this answer: it is not text. Keep the three "
                                   "quotation marks at the start and at the end and type only between them, then "
                                   + _rerun(name)))
        text = v.strip()
        if not text or text.lower() in ("type your answer here", "write your answer here", "..."):
            return Verdict(False, (f"{q}: still blank. Type your answer between the triple quotes in the answer "
                                   "cell, then " + _rerun(name)))
        words = len(text.split())
        if kind == "practice":
            return Verdict(True, words)  # orientation words it for the start notebook
        lo, hi = REFLECTION_WORDS
        return Verdict(True, (f"{q}: the grader can read your reflection ({words} words; aim for about {lo} to "
                              f"{hi}). It is scored after you submit. If you change it, run the answer cell again."))
    if kind == "single":
        opts = options.upper()
        if not isinstance(v, str) or not v.strip():
            return Verdict(False, f"{q}: no answer yet. Type one letter between the quotes, then " + _rerun(name))
        letter = v.strip().strip(".)(:").strip().upper()
        if len(letter) == 1 and letter in opts:
            return Verdict(True, f"{q}: the grader can read your answer ({letter}).")
        return Verdict(False, (f"{q}: {v.strip()!r} is not one of the letters {opts[0]} to {opts[-1]}. Type one "
                               "letter between the quotes, then " + _rerun(name)))
    if kind in ("multiple", "ordering"):
        allowed = (options or steps).upper()
        got = _letters(v)
        if got is None or not got:
            how = "the letters of every option that applies" if kind == "multiple" else "all the step letters in your order"
            return Verdict(False, f"{q}: no answer yet. Type {how}, separated by commas, between the quotes, then "
                           + _rerun(name))
        unknown = [x for x in got if len(x) != 1 or x not in allowed]
        if unknown:
            return Verdict(False, (f"{q}: {', '.join(unknown)} is not one of the letters {', '.join(allowed)}. "
                                   "Use only those letters, separated by commas, then " + _rerun(name)))
        if kind == "ordering" and sorted(got) != sorted(allowed):
            return Verdict(False, (f"{q}: use each of the letters {', '.join(allowed)} exactly once, separated by "
                                   "commas, then " + _rerun(name)))
        return Verdict(True, f"{q}: the grader can read your answer ({', '.join(got)}).")
    if kind == "matching":
        ok = {_norm_cat(c) for c in choices}
        if not isinstance(v, dict):
            return Verdict(False, (f"{q}: the grader cannot read this answer: keep the curly brackets and the "
                                   "letters of the template, then " + _rerun(name)))
        given = {str(k).strip().lower(): v[k] for k in v}
        blank = [k for k in statements if not str(given.get(k, "")).strip()]
        if len(blank) == len(statements):
            return Verdict(False, f"{q}: no answer yet. After each letter, type one of the choices between the quotes, "
                           "then " + _rerun(name))
        bad = [k for k in statements if k not in blank and _norm_cat(given.get(k, "")) not in ok]
        if blank or bad:
            parts = []
            if blank:
                parts.append("still to match: " + ", ".join(blank))
            if bad:
                parts.append("not one of the choices: " + ", ".join(bad))
            return Verdict(False, f"{q}: {'; '.join(parts)}. Choose from: {', '.join(choices)}. Then " + _rerun(name))
        return Verdict(True, f"{q}: the grader can read your answer: every statement has one of the choices.")
    return Verdict(False, f"{q}: this check does not know the answer `{name}`.")  # pragma: no cover


# --------------------------------------------------------------------------- showing it
def validating() -> bool:
    """True when nbgrader's Validate is running the notebook (it sets this for the kernel)."""
    return os.environ.get("NBGRADER_EXECUTION") == "validate"


def show(verdict: Verdict, css_class: str = "course-selfcheck") -> None:
    """A plain box in JupyterLab; under Validate a not-ready answer also goes to stderr."""
    msg = str(verdict.message)
    if validating():
        print(msg, file=sys.stderr if not verdict.ready else sys.stdout)
        return
    colour, bg = ("#15803d", "#f0fdf4") if verdict.ready else ("#b45309", "#fff7ed")
    lead = "<strong>Something needs your attention:</strong> " if verdict.alert else ""
    try:
        from IPython.display import display

        display({"text/html": (f"<div class='{css_class}' role='status' data-ready='{str(verdict.ready).lower()}' "
                               f"style='border-left:4px solid {colour};background:{bg};padding:6px 10px;color:#111'>"
                               f"{lead}{html.escape(msg)}</div>"),
                 "text/plain": msg}, raw=True)
    except Exception:  # pragma: no cover - no display available
        print(msg)


def verdict_for(name: str, *, options: str = "", statements: str = "",
                choices: list[str] | tuple[str, ...] = (), steps: str = "",
                history: list[str] | None = None) -> Verdict:
    """Read the answer cell as last run and judge its form. Never raises: a fault in the check
    itself becomes a plain message."""
    try:
        reading = read_answer(name, last_run_source(name, history))
        return judge(name, reading, options=options, statements=statements, choices=choices, steps=steps)
    except Exception:  # the check must never put a traceback in front of a student
        return Verdict(False, (f"{_label(name)}: this self-check could not run. Your answer is not affected. "
                               "Save the notebook (Ctrl+S or Cmd+S) and tell your instructor."))


def check_answer(name: str, **form) -> None:
    """The self-check of one graded answer, as called from its locked check cell.

    Returns None on purpose: a returned value would become the cell's result, which nbgrader's
    Validate would try to read as a partial score."""
    show(verdict_for(name, **form))
