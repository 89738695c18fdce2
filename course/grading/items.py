"""Structured graded items: answer keys, validation and partial-credit scoring.

An assignment's answer key lives in `grading/rubrics/items/<assignment>.yml` (instructor
material, never released). It lists every graded question of the assignment's notebook, in
order, by the name of the variable the student fills in:

    assignment: m1_frame
    notebook: m1_frame                 # optional; defaults to the assignment id
    items:
      - id: answer_1                   # the variable in the answer cell
        kind: reflection               # scored by course.rubric.score(question, text)
        question: frame.why-not-friends
        points: 4
      - id: choice_2
        kind: single                   # one letter
        points: 1
        options: [A, B, C, D]
        answer: B
        concepts: [frame]
      - id: multi_3
        kind: multiple                 # a list of letters: tick all that apply
        options: [A, B, C, D, E]
        answer: [A, C]
      - id: match_4
        kind: matching                 # statement letter -> category
        categories: [transference, countertransference, boundary-crossing, boundary-violation]
        answer: {a: transference, b: boundary-violation}
      - id: order_5
        kind: ordering                 # the step letters in order
        answer: [C, A, D, B]

In the notebook the answer cell has nbgrader grade_id `<id>` and the autograded test cell
`<id>-check`. Scores are fractions in [0, 1]; the pipeline multiplies them by the test cell's
points. Partial credit:
  single    1 if the letter matches, else 0
  multiple  the share of options judged correctly (ticked when right, left when wrong);
            an empty answer scores 0
  matching  the share of statements matched to the right category
  ordering  the share of step pairs in the right relative order (Kendall-style);
            a step left out counts as out of order with every other step
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from course import paths
from course.errors import CourseError
from course.validation import Report
from course.yamlio import YamlError, load_yaml

ITEMS_DIR = paths.RUBRICS_DIR / "items"
KINDS = ("reflection", "single", "multiple", "matching", "ordering")
ID_RE = re.compile(r"^(answer|choice|multi|match|order)_[0-9]+[a-z]?$")
PREFIX = {"reflection": "answer", "single": "choice", "multiple": "multi",
          "matching": "match", "ordering": "order"}
CHECK_SUFFIX = "-check"


@dataclass
class ItemResult:
    """The outcome of scoring one answer: a fraction plus what the student and grader see."""

    fraction: float
    feedback: str = ""
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"fraction": self.fraction, "feedback": self.feedback, "found": list(self.found),
                "missing": list(self.missing), "review": list(self.review)}


# --------------------------------------------------------------------------- loading
def items_file(assignment: str, root: Path | None = None) -> Path:
    # the given course root, else the course in use (COURSE_ROOT or found upwards), never the package's
    base = (Path(root) / "rubrics" / "items") if root else paths.rubrics_dir() / "items"
    return base / f"{assignment}.yml"


def load_items(assignment: str, root: Path | None = None) -> dict:
    """The answer key of an assignment, as a dict with `assignment`, `notebook` and `items`."""
    path = items_file(assignment, root)
    if not path.exists():
        raise CourseError(f"There is no answer key for the assignment '{assignment}' ({path}).",
                          hint="Create it under grading/rubrics/items/ (see docs/grading-pipeline.md).")
    return _load_items_cached(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _load_items_cached(path: str, _mtime: int) -> dict:
    try:
        data, _ = load_yaml(Path(path))
    except YamlError as exc:
        raise CourseError(f"The answer key {exc.path} has a YAML error at line {exc.line}: {exc.message}.",
                          hint="Run: course validate grading/rubrics/items") from None
    report = Report()
    _check(Path(path), data, None, report)
    if report.problems:
        raise CourseError(f"The answer key {path} has problems, first: {report.problems[0]}.",
                          hint="Run: course validate grading/rubrics/items")
    data.setdefault("notebook", data["assignment"])
    return data


def item_by_id(key: dict) -> dict[str, dict]:
    return {it["id"]: it for it in key["items"]}


# --------------------------------------------------------------------------- validation
def validate_files(files: list[Path]) -> Report:
    """Check answer-key files; report every problem as file:line, never raise."""
    report = Report()
    for f in files:
        try:
            data, lines = load_yaml(f)
        except YamlError as exc:
            report.add(exc.path, exc.line, exc.message, "fix the YAML syntax")
            continue
        except Exception as exc:  # unreadable file
            report.add(f, 1, f"cannot read the file ({exc})", "check that it is a UTF-8 text file")
            continue
        _check(Path(f), data, lines, report)
    return report


def _check(f: Path, data: Any, lines, report: Report) -> None:
    near = (lambda kp: lines.near(kp)) if lines is not None else (lambda kp: 1)
    if not isinstance(data, dict):
        report.add(f, 1, "an answer key must be a mapping with 'assignment' and 'items'",
                   "see the example at the top of course/grading/items.py")
        return
    if data.get("assignment") != f.stem:
        report.add(f, near(("assignment",)), f"'assignment' is {data.get('assignment')!r} but the file is {f.name}",
                   f"set 'assignment: {f.stem}' (the file name without .yml)")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        report.add(f, near(("items",)), "the answer key has no 'items' list", "list the graded questions under 'items:'")
        return
    seen: set[str] = set()
    try:
        from course.codes import load_codes, load_concepts
        concepts, codes = set(load_concepts()), set(load_codes())
    except Exception:  # registry broken: reported by its own validator
        concepts, codes = set(), set()
    for i, it in enumerate(items):
        where = near(("items", i))
        if not isinstance(it, dict):
            report.add(f, where, f"item {i + 1} is not a mapping", "give it id, kind, points and an answer")
            continue
        iid, kind = str(it.get("id", "")), it.get("kind")
        label = f"item '{iid or i + 1}'"
        if kind not in KINDS:
            report.add(f, near(("items", i, "kind")), f"{label} has kind {kind!r}", f"use one of: {', '.join(KINDS)}")
            continue
        if not ID_RE.match(iid) or not iid.startswith(PREFIX[kind] + "_"):
            report.add(f, near(("items", i, "id")), f"{label} is not a valid id for a {kind} item",
                       f"name it {PREFIX[kind]}_<number>, e.g. {PREFIX[kind]}_{i + 1}")
        if iid in seen:
            report.add(f, where, f"{label} appears twice", "give every item its own id")
        seen.add(iid)
        pts = it.get("points", 1)
        if not isinstance(pts, (int, float)) or isinstance(pts, bool) or pts <= 0:
            report.add(f, near(("items", i, "points")), f"{label} has points {pts!r}", "use a positive number")
        for c in it.get("concepts") or []:
            if concepts and c not in concepts:
                report.add(f, near(("items", i, "concepts")), f"{label} uses the unknown concept '{c}'",
                           "use a tag from course/content/concepts.yml")
        for cid in it.get("codes") or []:
            if codes and cid not in codes:
                report.add(f, near(("items", i, "codes")), f"{label} cites the unknown code '{cid}'",
                           "use an id from course/content/codes.yml")
        if kind == "reflection":
            q = str(it.get("question") or "")
            if not q.count("."):
                report.add(f, where, f"{label} has no 'question' (e.g. frame.why-not-friends)",
                           "name the reflection rubric in grading/rubrics/reflections/")
            elif not (f.resolve().parent.parent / "reflections" / f"{q}.yml").exists():
                report.add(f, near(("items", i, "question")), f"{label} names the question '{q}', which has no rubric",
                           f"add grading/rubrics/reflections/{q}.yml or fix the name")
            continue
        ans = it.get("answer")
        if kind in ("single", "multiple"):
            opts = [str(o).upper() for o in it.get("options") or []]
            if len(opts) < 2 or len(set(opts)) != len(opts):
                report.add(f, near(("items", i, "options")), f"{label} needs 2 or more distinct option letters",
                           "e.g. options: [A, B, C, D]")
            keys = [ans] if kind == "single" else ans
            if kind == "single" and not isinstance(ans, str):
                report.add(f, near(("items", i, "answer")), f"{label} needs one letter as its answer", "e.g. answer: B")
            elif kind == "multiple" and (not isinstance(ans, list) or not ans):
                report.add(f, near(("items", i, "answer")), f"{label} needs a list of letters as its answer",
                           "e.g. answer: [A, C]")
            elif any(str(k).upper() not in opts for k in keys):
                report.add(f, near(("items", i, "answer")), f"{label} has an answer that is not one of its options",
                           "use letters listed under options")
        elif kind == "matching":
            cats = [_norm_cat(c) for c in it.get("categories") or []]
            if len(cats) < 2:
                report.add(f, near(("items", i, "categories")), f"{label} needs 2 or more categories",
                           "e.g. categories: [transference, countertransference]")
            if not isinstance(ans, dict) or not ans:
                report.add(f, near(("items", i, "answer")), f"{label} needs a mapping statement -> category",
                           "e.g. answer: {a: transference, b: countertransference}")
            elif any(_norm_cat(v) not in cats for v in ans.values()):
                report.add(f, near(("items", i, "answer")), f"{label} matches a statement to an unlisted category",
                           "use only categories listed under categories")
        elif kind == "ordering":
            if not isinstance(ans, list) or len(ans) < 3 or len({str(a).upper() for a in ans}) != len(ans):
                report.add(f, near(("items", i, "answer")), f"{label} needs a list of 3 or more distinct step letters",
                           "e.g. answer: [C, A, D, B]")
    report.count("answer keys")


# --------------------------------------------------------------------------- scoring
def _norm_letter(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    s = v.strip().strip(".)(:").strip().upper()
    return s or None


def _norm_cat(v: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(v).strip().lower())


def _fmt(letters) -> str:
    return ", ".join(letters) if letters else "nothing"


def score_item(item: dict, value: Any) -> ItemResult:
    """Score a structured answer (already a Python literal) as a fraction in [0, 1].

    Never raises on a student's value: a value of the wrong shape scores 0 with a plain reason.
    """
    kind = item["kind"]
    if kind == "single":
        return _score_single(item, value)
    if kind == "multiple":
        return _score_multiple(item, value)
    if kind == "matching":
        return _score_matching(item, value)
    if kind == "ordering":
        return _score_ordering(item, value)
    raise ValueError(f"not a structured item kind: {kind}")


def _empty(value) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict, set)) and not (
        value.strip() if isinstance(value, str) else value))


def _score_single(item, value) -> ItemResult:
    opts = [str(o).upper() for o in item["options"]]
    if _empty(value):
        return ItemResult(0.0, "No answer was given.")
    letter = _norm_letter(value)
    if letter not in opts:
        return ItemResult(0.0, f"The answer {value!r} is not one of the options ({_fmt(opts)}); "
                               "type one letter between the quotes.")
    ok = letter == str(item["answer"]).upper()
    return ItemResult(1.0 if ok else 0.0, "Correct." if ok else "Not the best answer; revisit this topic.")


def _letters(value) -> list | None:
    if isinstance(value, str):
        parts = re.split(r"[\s,;]+", value.strip())
        return [p for p in parts if p]
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return None


def _score_multiple(item, value) -> ItemResult:
    opts = [str(o).upper() for o in item["options"]]
    key = {str(a).upper() for a in item["answer"]}
    if _empty(value):
        return ItemResult(0.0, "No answer was given.")
    raw = _letters(value)
    if raw is None:
        return ItemResult(0.0, "The answer should be a list of letters, e.g. [\"A\", \"C\"].")
    picked = {_norm_letter(v) for v in raw}
    unknown = sorted(str(p) for p in picked if p not in opts)
    picked = {p for p in picked if p in opts}
    if not picked:
        return ItemResult(0.0, f"None of {_fmt(unknown)} is an option ({_fmt(opts)}).")
    right = sum(1 for o in opts if (o in picked) == (o in key))
    frac = right / len(opts)
    note = "All options judged correctly." if frac == 1 else \
        f"{right} of {len(opts)} options judged correctly."
    if unknown:
        note += f" Ignored: {_fmt(unknown)} (not options)."
    return ItemResult(frac, note)


def _score_matching(item, value) -> ItemResult:
    key = {str(k).strip().lower(): _norm_cat(v) for k, v in item["answer"].items()}
    if _empty(value):
        return ItemResult(0.0, "No answer was given.")
    if not isinstance(value, dict):
        return ItemResult(0.0, "The answer should pair each statement letter with a category, "
                               "e.g. {\"a\": \"transference\"}.")
    given = {str(k).strip().lower(): _norm_cat(v) for k, v in value.items() if isinstance(v, str)}
    right = sum(1 for k, v in key.items() if given.get(k) == v)
    blank = [k for k in key if not given.get(k)]
    note = f"{right} of {len(key)} statements matched correctly."
    if blank:
        note += f" Not matched: {_fmt(sorted(blank))}."
    return ItemResult(right / len(key), note)


def _score_ordering(item, value) -> ItemResult:
    key = [str(a).upper() for a in item["answer"]]
    if _empty(value):
        return ItemResult(0.0, "No answer was given.")
    raw = _letters(value)
    if raw is None:
        return ItemResult(0.0, "The answer should be a list of step letters in order, e.g. [\"B\", \"A\", \"C\"].")
    pos: dict[str, int] = {}
    for i, v in enumerate(raw):
        letter = _norm_letter(v)
        if letter in key and letter not in pos:
            pos[letter] = i
    n = len(key)
    pairs = n * (n - 1) // 2
    good = sum(1 for i in range(n) for j in range(i + 1, n)
               if key[i] in pos and key[j] in pos and pos[key[i]] < pos[key[j]])
    frac = good / pairs
    left_out = [k for k in key if k not in pos]
    note = "Every step in the right order." if frac == 1 else \
        f"{good} of {pairs} pairs of steps in the right order."
    if left_out:
        note += f" Left out: {_fmt(left_out)}."
    return ItemResult(frac, note)
