"""Self-check questions: loader, validator, pure grading, and the `self_check` widget.

A module's questions live in `course/content/questions/<module>.yml` (format in the
shared content guide). Three layers, as everywhere in the course:

    load_questions("frame")            -> [Question, ...]       (validated; CourseError if not)
    get_question("frame.asymmetry")    -> Question
    grade(question, ["a"])             -> Result(score, correct, feedback, explanation)
    self_check("frame")                -> a widget with every question of the module
    self_check("frame.asymmetry")      -> a widget with one question

Grading is pure: a single-answer question scores 1 or 0; a multiple-answer question scores
the fraction of options judged correctly (ticked when right, left blank when wrong).
The widget only renders, forwards clicks and records `selfcheck.answer` through
`course.recorder.record`; it never knows where the record goes.

Order carries no information: the widget shows each question's options shuffled, with a seed
drawn once per visit (each `self_check(...)` call), so the order differs between learners and
visits but stays put within a visit ("Try again" keeps it). Files keep the author's order, and
grading, feedback and records name options by id, never by the position they were shown in.
"""
from __future__ import annotations

import difflib
import html
import random
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from course import paths
from course.errors import CourseError
from course.validation import Report
from course.scenes import _shape, read_content_file
from course.yamlio import YamlError

KINDS = ("single", "multiple")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OPTION_ID_RE = re.compile(r"^[a-z]$")
MIN_OPTIONS, MAX_OPTIONS = 3, 5
TOP_KEYS = ("module", "questions")
QUESTION_KEYS = ("id", "kind", "prompt", "options", "explanation", "concepts", "codes")
OPTION_KEYS = ("id", "text", "correct", "feedback")


# --------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    module: str
    id: str
    kind: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str
    concepts: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """The full id, e.g. 'frame.asymmetry'."""
        return f"{self.module}.{self.id}"

    @property
    def correct_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)


@dataclass(frozen=True)
class OptionFeedback:
    """How one option was judged: `selected` by the learner, `correct` per the key,
    `judged_right` when the learner's choice about it matches the key."""

    id: str
    text: str
    selected: bool
    correct: bool
    feedback: str

    @property
    def judged_right(self) -> bool:
        return self.selected == self.correct


@dataclass(frozen=True)
class Result:
    question: str               # full ref, e.g. "frame.asymmetry"
    answer: tuple[str, ...]     # selected option ids, in option order
    score: float                # 0..1
    correct: bool               # score == 1
    feedback: tuple[OptionFeedback, ...] = field(default_factory=tuple)  # one per option, in order
    explanation: str = ""


# --------------------------------------------------------------------------- grading
def grade(question: Question, selected_ids: Iterable[str] | str | None) -> Result:
    """Score an answer. Pure: no widgets, no recording.

    `selected_ids` is the set of option ids the learner chose (a single id string is accepted
    for single-answer questions). A single-answer question needs exactly one choice."""
    if selected_ids is None:
        selected: list[str] = []
    elif isinstance(selected_ids, str):
        selected = [selected_ids]
    else:
        selected = list(selected_ids)
    known = [o.id for o in question.options]
    unknown = [s for s in selected if s not in known]
    if unknown:
        raise CourseError(
            f"Question {question.ref} has no option {', '.join(repr(u) for u in unknown)}.",
            hint=f"Its options are {', '.join(known)}.")
    chosen = set(selected)
    if question.kind == "single" and len(chosen) != 1:
        raise CourseError(f"Question {question.ref} takes exactly one answer; {len(chosen)} were given.",
                          hint="Choose one option, then check your answer.")
    feedback = tuple(OptionFeedback(o.id, o.text, o.id in chosen, o.correct, o.feedback) for o in question.options)
    if question.kind == "single":
        score = 1.0 if question.option(next(iter(chosen))).correct else 0.0
    else:
        score = sum(1 for f in feedback if f.judged_right) / len(feedback)
    answer = tuple(o.id for o in question.options if o.id in chosen)
    return Result(question.ref, answer, round(score, 4), score >= 1.0, feedback, question.explanation)


# --------------------------------------------------------------------------- validation
def _suggest(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1)
    return f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"


def _registries() -> tuple[set[str], set[str], list[str]]:
    from course.codes import load_codes, load_concepts, module_ids

    return set(load_concepts()), set(load_codes()), module_ids()


def _check_tags(f, values, lines, kp, report: Report, known: set[str], what: str, registry: str,
                required: bool, label: str | None = None) -> tuple[str, ...]:
    label = label or _label(kp)
    if values is None:
        if required:
            report.add(f, lines.near(kp), f"{label}: no {what} listed",
                       f"add '{kp[-1]}: [...]' with at least one tag from {registry}")
        return ()
    if isinstance(values, str):
        report.add(f, lines.near(kp), f"{label}: '{kp[-1]}' must be a list, but it is the text '{values}'",
                   f"put it in square brackets: {kp[-1]}: [{values}]")
        return ()
    if not isinstance(values, list):
        report.add(f, lines.near(kp), f"{label}: '{kp[-1]}' must be a list, but it {_shape(values)}",
                   f"write it as {kp[-1]}: [a, b]")
        return ()
    if required and not values:
        report.add(f, lines.near(kp), f"{label}: the {what} list is empty",
                   f"add at least one tag from {registry}")
    for i, v in enumerate(values):
        if str(v) not in known:
            close = difflib.get_close_matches(str(v), sorted(known), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            report.add(f, lines.near(kp + (i,)), f"{label}: unknown {what} '{v}'",
                       f"{hint}use an id from {registry} (append a new entry there if it is truly missing)")
    return tuple(str(v) for v in values)


def kp_label(kp: tuple) -> str:
    """'question 2, option 1'-style label built from a key path, for messages."""
    return _label(kp)


def _label(kp: tuple) -> str:
    parts = []
    if len(kp) >= 2 and kp[0] == "questions":
        parts.append(f"question {kp[1] + 1}")
    if len(kp) >= 4 and kp[2] == "options":
        parts.append(f"option {kp[3] + 1}")
    return ", ".join(parts) or "file"


def _validate_one(f: Path, report: Report, seen_refs: dict[str, str],
                  known_concepts: set[str], known_codes: set[str], modules: list[str]) -> list[Question]:
    """Check one file; add every problem to `report`; return the questions that are sound."""
    try:
        data, lines = read_content_file(f)
    except YamlError as exc:
        report.add(exc.path, exc.line, exc.message, "fix the YAML syntax, then run course validate again")
        return []
    report.count("question files")
    if not isinstance(data, dict):
        report.add(f, 1, f"a question file must be a block with 'module:' and 'questions:', but this one {_shape(data)}",
                   "start the file with 'module: <module id>' and a 'questions:' list")
        return []
    for key in data:
        if key not in TOP_KEYS:
            report.add(f, lines.near((key,)), f"unknown top-level key '{key}'", _suggest(key, TOP_KEYS))
    module = data.get("module")
    stem = Path(f).stem
    if not module:
        report.add(f, 1, "no 'module:' given", f"add 'module: {stem}' at the top")
        module = stem
    else:
        module = str(module)
        if module not in modules:
            report.add(f, lines.near(("module",)), f"unknown module '{module}'",
                       f"use one of: {', '.join(modules)}")
        if module != stem:
            report.add(f, lines.near(("module",)), f"module '{module}' does not match the file name '{Path(f).name}'",
                       f"rename the file to {module}.yml or set 'module: {stem}'")
    qs = data.get("questions")
    if not isinstance(qs, list) or not qs:
        report.add(f, lines.near(("questions",)), "no questions found",
                   "add a 'questions:' list with at least one question")
        return []
    out: list[Question] = []
    for qi, q in enumerate(qs):
        kp = ("questions", qi)
        line = lines.near(kp)
        label = _label(kp)
        if not isinstance(q, dict):
            report.add(f, line, f"{label} is not a mapping", "give it id, kind, prompt, options, explanation, concepts")
            continue
        report.count("questions")
        before = len(report.problems)
        qid = str(q.get("id") or "")
        if not qid:
            report.add(f, line, f"{label} has no id", "add 'id: short-name' (lowercase-with-hyphens)")
        else:
            label = f"{label} ({qid})"
            if not ID_RE.match(qid):
                report.add(f, lines.near(kp + ("id",)), f"{label}: id '{qid}' is not lowercase-with-hyphens",
                           "rename it, e.g. 'asymmetry' or 'dual-roles'")
            ref = f"{module}.{qid}"
            if ref in seen_refs:
                report.add(f, lines.near(kp + ("id",)), f"{label}: duplicate question id '{ref}' (first at {seen_refs[ref]})",
                           "give each question its own id")
            else:
                seen_refs[ref] = f"{f}:{lines.near(kp + ('id',))}"
        for key in q:
            if key not in QUESTION_KEYS:
                report.add(f, lines.near(kp + (key,)), f"{label}: unknown key '{key}'", _suggest(key, QUESTION_KEYS))
        kind = q.get("kind")
        if kind not in KINDS:
            report.add(f, lines.near(kp + ("kind",)), f"{label}: kind is {kind!r}",
                       "use 'kind: single' (exactly one correct option) or 'kind: multiple' (tick all that apply)")
        for key in ("prompt", "explanation"):
            if q.get(key) is not None and not isinstance(q.get(key), str):
                report.add(f, lines.near(kp + (key,)), f"{label}: '{key}' must be text, but it {_shape(q.get(key))}",
                           f"put it in quotes: {key}: \"...\"")
            elif not isinstance(q.get(key), str) or not q.get(key).strip():
                report.add(f, lines.near(kp + (key,)), f"{label}: no {key}",
                           f"add '{key}: \"...\"'" + (" (the teaching point shown after any answer)" if key == "explanation" else ""))
        opts = q.get("options")
        options: list[Option] = []
        if not isinstance(opts, list):
            report.add(f, lines.near(kp + ("options",)), f"{label}: no options list",
                       f"add 'options:' with {MIN_OPTIONS}-{MAX_OPTIONS} options (ids a, b, c, ...)")
            opts = []
        elif not MIN_OPTIONS <= len(opts) <= MAX_OPTIONS:
            report.add(f, lines.near(kp + ("options",)), f"{label}: has {len(opts)} options",
                       f"give it between {MIN_OPTIONS} and {MAX_OPTIONS} options")
        seen_opts: set[str] = set()
        for oi, o in enumerate(opts):
            okp = kp + ("options", oi)
            olabel = f"{label}, option {oi + 1}"
            if not isinstance(o, dict):
                report.add(f, lines.near(okp), f"{olabel} is not a mapping", "give it id, text, correct, feedback")
                continue
            for key in o:
                if key not in OPTION_KEYS:
                    report.add(f, lines.near(okp + (key,)), f"{olabel}: unknown key '{key}'", _suggest(key, OPTION_KEYS))
            oid = str(o.get("id") or "")
            if not oid:
                report.add(f, lines.near(okp), f"{olabel} has no id", f"add 'id: {chr(97 + oi)}'")
            elif not OPTION_ID_RE.match(oid):
                report.add(f, lines.near(okp + ("id",)), f"{olabel}: option id '{oid}' is not a single lowercase letter",
                           f"use a, b, c, ... (this one would be '{chr(97 + oi)}')")
            elif oid in seen_opts:
                report.add(f, lines.near(okp + ("id",)), f"{olabel}: option id '{oid}' is used twice in this question",
                           "give each option its own letter")
            seen_opts.add(oid)
            olabel = f"{label}, option {oid or oi + 1}"
            for key, fix in (("text", "add 'text: \"...\"'"),
                             ("feedback", "add 'feedback:' explaining why this option is right, "
                                          "or why it is tempting but wrong")):
                if o.get(key) is not None and not isinstance(o.get(key), str):
                    report.add(f, lines.near(okp + (key,)), f"{olabel}: '{key}' must be text, but it {_shape(o.get(key))}",
                               f"put it in quotes: {key}: \"...\"")
                elif not isinstance(o.get(key), str) or not o.get(key).strip():
                    report.add(f, lines.near(okp + (key,)), f"{olabel}: no {key}", fix)
            if not isinstance(o.get("correct"), bool):
                report.add(f, lines.near(okp + ("correct",)), f"{olabel}: 'correct' is {o.get('correct')!r}",
                           "write 'correct: true' or 'correct: false'")
            options.append(Option(oid, str(o.get("text") or ""), o.get("correct") is True, str(o.get("feedback") or "")))
        n_correct = sum(1 for o in options if o.correct)
        if kind == "single" and opts and n_correct != 1:
            report.add(f, lines.near(kp + ("options",)), f"{label}: a single-answer question has {n_correct} correct options",
                       "mark exactly one option 'correct: true', or make it 'kind: multiple'")
        if kind == "multiple" and opts and n_correct < 1:
            report.add(f, lines.near(kp + ("options",)), f"{label}: no option is marked correct",
                       "mark at least one option 'correct: true'")
        concepts = _check_tags(f, q.get("concepts"), lines, kp + ("concepts",), report, known_concepts,
                               "concept tag", "course/content/concepts.yml", required=True, label=label)
        codes = _check_tags(f, q.get("codes"), lines, kp + ("codes",), report, known_codes,
                            "code id", "course/content/codes.yml", required=False, label=label)
        if len(report.problems) == before:
            out.append(Question(module, qid, str(kind), q["prompt"].strip(), tuple(options),
                                q["explanation"].strip(), concepts, codes))
    return out


def validate_files(paths_: list[Path]) -> Report:
    """Check question files; report every problem with its line. Never raises on bad input."""
    report = Report()
    try:
        known_concepts, known_codes, modules = _registries()
    except Exception as exc:  # a broken registry is reported by its own validator
        report.add(paths.CONCEPTS_FILE, 1, f"cannot read the course registries ({exc})",
                   "run course validate on course/content/ to see what is wrong there")
        return report
    seen: dict[str, str] = {}
    for f in paths_:
        try:
            _validate_one(Path(f), report, seen, known_concepts, known_codes, modules)
        except Exception as exc:  # pragma: no cover - the validator must never crash
            report.add(f, 1, f"the checker could not read this file ({type(exc).__name__}: {exc})",
                       "check the file against the format in the course docs")
    return report


# --------------------------------------------------------------------------- loading
_cache: dict[tuple[str, float], list[Question]] = {}


def _questions_dir(questions_dir: Path | str | None) -> Path:
    return Path(questions_dir) if questions_dir is not None else paths.QUESTIONS_DIR


def available_modules(questions_dir: Path | str | None = None) -> list[str]:
    """Modules that have a question file."""
    d = _questions_dir(questions_dir)
    return sorted(p.stem for p in d.glob("*.yml")) if d.is_dir() else []


def load_questions(module: str, questions_dir: Path | str | None = None) -> list[Question]:
    """All questions of `module`, in file order. CourseError if the file is missing or invalid."""
    if not isinstance(module, str) or not ID_RE.match(module):
        raise _no_module(str(module), questions_dir)
    f = _questions_dir(questions_dir) / f"{module}.yml"
    if not f.is_file():
        raise _no_module(module, questions_dir)
    key = (str(f.resolve()), f.stat().st_mtime)
    if key in _cache:
        return list(_cache[key])
    report = Report()
    try:
        known_concepts, known_codes, modules = _registries()
    except Exception:
        raise CourseError("The course registries could not be read.",
                          hint="Run 'course validate' in a terminal to see what is wrong.") from None
    qs = _validate_one(f, report, {}, known_concepts, known_codes, modules)
    if report.problems:
        first = report.problems[0]
        more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        raise CourseError(f"The self-check questions for '{module}' have a problem: {first}{more}.",
                          hint=f"Run 'course validate {f}' to see them all.")
    _cache[key] = qs
    return list(qs)


def normalize_ref(ref) -> str:
    """Forgive the usual ways of mistyping a module or question id: case, spaces, quotes,
    '/' for '.', '_' for '-', and a trailing '.yml'. A non-text ref is a CourseError."""
    if not isinstance(ref, str):
        raise CourseError(f"self_check() needs a module or question id in quotes, not {ref!r}.",
                          hint='For example: self_check("frame") or self_check("frame.asymmetry").')
    t = ref.strip().strip("'\"").strip().lower().replace("\\", "/").strip("/")
    for suffix in (".yml", ".yaml"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    t = t.replace("/", ".").replace("_", "-").replace(" ", "-").strip(".")
    if not t:
        raise CourseError("No module or question was named.",
                          hint='For example: self_check("frame") or self_check("frame.asymmetry").')
    return t


def _no_module(module: str, questions_dir) -> CourseError:
    have = available_modules(questions_dir)
    close = difflib.get_close_matches(module, have, n=1)
    guess = f"Did you mean '{close[0]}'? " if close else ""
    return CourseError(f"There are no self-check questions for '{module}'.",
                       hint=f"{guess}Modules with questions: {', '.join(have) if have else 'none yet'}.")


def get_question(ref: str, questions_dir: Path | str | None = None) -> Question:
    """One question by full id, e.g. 'frame.asymmetry'."""
    module, _, qid = normalize_ref(ref).partition(".")
    if not qid or not module:
        raise CourseError(f"'{ref}' is not a question id.",
                          hint="Question ids look like 'frame.asymmetry' (module, a dot, question).")
    qs = load_questions(module, questions_dir)
    for q in qs:
        if q.id == qid:
            return q
    close = difflib.get_close_matches(qid, [q.id for q in qs], n=1)
    guess = f"Did you mean '{module}.{close[0]}'? " if close else ""
    raise CourseError(f"Module '{module}' has no question '{qid}'.",
                      hint=f"{guess}Its questions are: {', '.join(q.ref for q in qs)}.")


# --------------------------------------------------------------------------- widget
# Options sit beside their button and wrap as text (at 1280 px, 800 px and 200% zoom): each option's
# label is a flex row, button first, text filling the rest. Nothing is smaller than 13 px.
_STYLE = """<style>
.selfcheck { border-left: 4px solid #1d4ed8; padding: 4px 0 8px 12px; margin: 8px 0 14px 0; font-size: 14px;
  max-width: 100%; }
.selfcheck .widget-html-content { line-height: 1.5 !important; }
.selfcheck .selfcheck-hint { font-size: 14px; color: #374151; margin-top: 2px; }
.selfcheck .widget-radio, .selfcheck .widget-radio-box, .selfcheck .widget-checkbox,
.selfcheck .selfcheck-options { width: auto !important; max-width: 100%; height: auto !important; }
.selfcheck .widget-radio-box label, .selfcheck .widget-checkbox label {
  display: flex !important; align-items: flex-start !important; gap: 8px; width: auto !important; max-width: 100%;
  white-space: normal !important; overflow: visible !important; height: auto !important;
  line-height: 1.45 !important; font-size: 14px !important; margin: 0 0 6px 0; padding: 0; cursor: pointer;
}
.selfcheck .widget-radio-box label > input, .selfcheck .widget-checkbox label > input {
  float: none !important; order: -1; flex: 0 0 auto !important; align-self: flex-start !important; margin: 3px 0 0 0 !important; height: 16px; width: 16px;
}
.selfcheck .widget-checkbox label > span { flex: 1 1 auto; min-width: 0; white-space: normal !important; }
.selfcheck .widget-checkbox { margin-bottom: 0; }
.selfcheck .widget-button { font-size: 14px; }
.selfcheck-feedback { font-size: 14px; }
.selfcheck-feedback ul { margin: 4px 0; padding-left: 1.2em; }
.selfcheck-feedback li { margin-bottom: 8px; }
.selfcheck-feedback .selfcheck-option-text { font-style: italic; }
.selfcheck-feedback .selfcheck-codes { font-size: 13px; color: #374151; }
.selfcheck :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
</style>"""

_MARK = {True: ("&#10003;", "Right"), False: ("&#10007;", "Not quite")}


def _esc(s: str) -> str:
    return html.escape(str(s))


def option_order(question: Question, seed: int | str | None) -> list[str]:
    """The question's option ids in the order to show them for `seed` (None: the file's order)."""
    ids = [o.id for o in question.options]
    if seed is not None:
        random.Random(f"{seed}|{question.ref}").shuffle(ids)
    return ids


_QUOTES = "\"'\u201c\u201d\u2018\u2019"
# verdict words some option feedback opens with; the panel states the verdict itself, so they go
_VERDICT = re.compile(r"^(?:correct|incorrect|right|wrong|yes|no)\s*[.:;,!]\s+", re.IGNORECASE)


def _quoted(text: str) -> str:
    """The option's text in quotation marks once: options that are already a quotation keep theirs."""
    t = str(text).strip()
    if t[:1] in _QUOTES and t[-1:] in _QUOTES:
        return _esc(t)
    return f"\u201c{_esc(t)}\u201d"


def _without_verdict(feedback: str) -> str:
    t = str(feedback).strip()
    rest = _VERDICT.sub("", t, count=1)
    return rest[:1].upper() + rest[1:] if rest != t and rest else t


def _option_status(question: Question, fb: OptionFeedback) -> tuple[str, str]:
    """(mark, plain-words status) of one option in the feedback panel."""
    if question.kind == "single":
        if fb.selected:
            return (_MARK[fb.correct][0], "Your answer: the best one." if fb.correct
                    else "Your answer: not the best one.")
        return ("", "The best answer." if fb.correct else "Another option, not the best one.")
    applies = "It applies" if fb.correct else "It does not apply"
    if fb.selected:
        return (_MARK[fb.judged_right][0], f"You ticked this. {applies}.")
    return (_MARK[fb.judged_right][0], f"You left this unticked. {applies}.")


def render_feedback(question: Question, result: Result, order: Iterable[str] | None = None) -> str:
    """The feedback panel's HTML for a graded answer (also used by tests): a verdict, then every
    option (the ones not chosen too, as the notebooks promise) with what the learner did, whether it
    is right, and why. Options are listed in `order` (the ids as the learner saw them), by default
    the file's order; the chosen option comes first for a single-answer question."""
    if result.correct:
        head = "<strong>&#10003; Correct.</strong>"
    elif question.kind == "multiple":
        right = sum(1 for f in result.feedback if f.judged_right)
        head = (f"<strong>Partly right:</strong> you judged {right} of {len(result.feedback)} options correctly "
                f"(score {result.score:.0%}).")
    else:
        head = "<strong>&#10007; Not this one.</strong>"
    by_id = {fb.id: fb for fb in result.feedback}
    ids = [i for i in (order or ()) if i in by_id] or list(by_id)
    if question.kind == "single":
        ids = [i for i in ids if by_id[i].selected] + [i for i in ids if not by_id[i].selected]
    items = []
    for fb in (by_id[i] for i in ids):
        mark, status = _option_status(question, fb)
        mark_html = f"<span aria-hidden='true'>{mark}</span> " if mark else ""
        items.append(f"<li>{mark_html}<strong>{status}</strong> "
                     f"<span class='selfcheck-option-text'>{_quoted(fb.text)}</span><br>"
                     f"{_esc(_without_verdict(fb.feedback))}</li>")
    parts = [f"<div role='status' aria-live='polite'><p>{head}</p>"]
    if items:
        parts.append("<p>Feedback on every option:</p><ul>" + "".join(items) + "</ul>")
    parts.append(f"<p><strong>Why it matters:</strong> {_esc(result.explanation)}</p>")
    if question.codes:
        try:
            from course.codes import cite
            from course.lens import order_codes

            parts.append("<p class='selfcheck-codes'>See: "
                         + "; ".join(_esc(cite(c)) for c in order_codes(question.codes)) + "</p>")
        except CourseError:
            pass
    parts.append("</div>")
    return "".join(parts)


class QuestionWidget:
    """One question's widgets. `.box` is the VBox to display; `select`, `check` and
    `try_again` drive it the way clicks do (used by tests and by the buttons). `order` is the
    option ids in the order shown (shuffled by `seed`; the file's order when seed is None)."""

    def __init__(self, question: Question, number: int | None = None, total: int | None = None,
                 seed: int | str | None = None):
        import ipywidgets as w

        self.question = question
        self.order = option_order(question, seed)
        shown = [question.option(i) for i in self.order]
        self.result: Result | None = None
        counter = f"Question {number} of {total}. " if number and total and total > 1 else ""
        hint = "Choose one answer." if question.kind == "single" else "Tick every answer that applies."
        self.prompt = w.HTML(f"<p><strong>{_esc(counter)}</strong>{_esc(question.prompt)}</p>"
                             f"<p class='selfcheck-hint'>{hint}</p>")
        if question.kind == "single":
            self.radio = w.RadioButtons(options=[(o.text, o.id) for o in shown], value=None,
                                        layout=w.Layout(width="auto"), description="")
            self.radio.add_class("selfcheck-option")
            self.checkboxes: list = []
            options_box = self.radio
        else:
            self.radio = None
            self.checkboxes = []
            for o in shown:
                cb = w.Checkbox(value=False, description=o.text, indent=False, layout=w.Layout(width="auto"))
                cb.add_class("selfcheck-option")
                self.checkboxes.append(cb)
            options_box = w.VBox(self.checkboxes, layout=w.Layout(width="auto"))
            options_box.add_class("selfcheck-options")
        self.check_button = w.Button(description="Check my answer", button_style="primary",
                                     tooltip="Check my answer", layout=w.Layout(width="auto"))
        self.check_button.add_class("selfcheck-check")
        self.retry_button = w.Button(description="Try again", tooltip="Clear your answer and try again",
                                     layout=w.Layout(width="auto", display="none"))
        self.retry_button.add_class("selfcheck-retry")
        self.feedback = w.HTML("")
        self.feedback.add_class("selfcheck-feedback")
        self.check_button.on_click(lambda _b: self.check())
        self.retry_button.on_click(lambda _b: self.try_again())
        self.box = w.VBox([self.prompt, options_box, w.HBox([self.check_button, self.retry_button]), self.feedback])
        self.box.add_class("selfcheck")

    # -- state
    def selected(self) -> list[str]:
        if self.radio is not None:
            return [self.radio.value] if self.radio.value else []
        return [oid for oid, cb in zip(self.order, self.checkboxes) if cb.value]

    def select(self, ids: Iterable[str] | str) -> None:
        ids = [ids] if isinstance(ids, str) else list(ids)
        if self.radio is not None:
            self.radio.value = ids[0] if ids else None
        else:
            for oid, cb in zip(self.order, self.checkboxes):
                cb.value = oid in ids

    def _set_enabled(self, enabled: bool) -> None:
        if self.radio is not None:
            self.radio.disabled = not enabled
        for cb in self.checkboxes:
            cb.disabled = not enabled
        self.check_button.disabled = not enabled

    # -- actions
    def check(self) -> Result | None:
        if self.result is not None:  # a double click: the first one already checked and recorded
            return self.result
        chosen = self.selected()
        if not chosen:
            msg = "Choose an answer first." if self.question.kind == "single" else "Tick at least one answer first."
            self.feedback.value = f"<div role='status' aria-live='polite'><p>{msg}</p></div>"
            return None
        result = grade(self.question, chosen)
        self.result = result
        self.feedback.value = render_feedback(self.question, result, self.order)
        self._set_enabled(False)
        self.retry_button.layout.display = ""
        try:
            from course.recorder import record

            record("selfcheck.answer", self.question.module, self.question.id,
                   question=self.question.ref, answer=list(result.answer), correct=result.correct,
                   score=result.score, concepts=list(self.question.concepts))
        except Exception:  # recording must never break the exercise; the store reports its own faults
            pass
        self._show_notices()
        return result

    def _show_notices(self) -> None:
        """Storage notices raised during a click would land in a hidden log; show them here."""
        try:
            from course.progress import take_notices
        except ImportError:
            return
        notes = take_notices()
        if notes:
            self.feedback.value += "".join(f"<p class='course-notice'>{_esc(n)}</p>" for n in notes)

    def try_again(self) -> None:
        self.result = None
        self.select([])
        self._set_enabled(True)
        self.feedback.value = ""
        self.retry_button.layout.display = "none"


class SelfCheck:
    """What `self_check` returns: displays as the questions' widgets in a notebook."""

    def __init__(self, questions: list[Question], title: str | None = None, seed: int | str | None = "visit"):
        import ipywidgets as w

        # "visit": a fresh seed for this display; None: the file's order; anything else: that seed
        self.seed = f"visit:{secrets.randbits(64)}" if seed == "visit" else seed
        self.questions = [QuestionWidget(q, i + 1, len(questions), self.seed) for i, q in enumerate(questions)]
        head = [w.HTML(_STYLE + (f"<h3>{_esc(title)}</h3>" if title else ""))]
        self.widget = w.VBox(head + [qw.box for qw in self.questions])
        self.widget.add_class("selfcheck-set")

    def __getitem__(self, i: int) -> QuestionWidget:
        return self.questions[i]

    def __len__(self) -> int:
        return len(self.questions)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):  # older IPython
        from IPython.display import display

        display(self.widget)


def self_check(ref: str, questions_dir: Path | str | None = None, *, seed: int | str | None = "visit") -> SelfCheck:
    """Self-check questions as a widget: `self_check("frame")` for a module's questions,
    `self_check("frame.asymmetry")` for one. Options are shuffled once per call (per visit);
    `seed=...` fixes the order, `seed=None` keeps the file's order."""
    ref = normalize_ref(ref)
    if "." in ref:
        q = get_question(ref, questions_dir)
        return SelfCheck([q], seed=seed)
    qs = load_questions(ref, questions_dir)
    title = "Check your understanding"
    try:
        from course.codes import load_modules

        for m in load_modules():
            if m["id"] == ref:
                title = f"Check your understanding: module {m['number']}"
    except Exception:
        pass
    return SelfCheck(qs, title, seed=seed)
