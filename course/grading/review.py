"""Which submissions need a person: `course review <assignment>`.

A submission needs review when
* an answer was flagged by the scoring pipeline (course/grading/pipeline.py) and no grader has
  given it a manual score yet (a manual score in formgrader replaces the automatic one),
* the gradebook marks an answer "needs manual grade" and it has no manual score (formgrader's own
  flag), or
* it was submitted but could not be autograded (for example a damaged notebook file).

This is the one definition of "pending": `course review`, `course report`'s review queue, the
autograde summary, `course feedback` (which refuses while any is pending) and `course export`
(which warns) all call `review()`, so they always give the same count and the same names.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from course.errors import CourseError
from course.grading import gradebook as gbmod
from course.grading.pipeline import REVIEW_FILE


@dataclass
class ReviewEntry:
    student: str
    notebook: str
    item: str
    auto_score: float | None
    max_score: float | None
    reasons: list[str]
    name: str = ""          # the student's name, when the gradebook knows it (e.g. from a Moodle roster)

    def to_dict(self) -> dict:
        return asdict(self)


def _gradebook_state(root: Path, assignment: str) -> tuple[dict, dict, list]:
    """(manual scores by (student, notebook, grade), names by student, [(student, notebook, grade,
    auto, max)] marked needs_manual_grade without a manual score)."""
    manual, names, marked = {}, {}, []
    with gbmod.open_gradebook(root) as gb:
        for st in gb.students:
            full = " ".join(x for x in (st.first_name, st.last_name) if x)
            if full:
                names[st.id] = full
        try:
            a = gb.find_assignment(assignment)
        except Exception:
            return manual, names, marked
        for sub in a.submissions:
            for nb in sub.notebooks:
                for g in nb.grades:
                    manual[(sub.student.id, nb.name, g.name)] = g.manual_score
                    if g.needs_manual_grade and g.manual_score is None:
                        marked.append((sub.student.id, nb.name, g.name, g.auto_score, g.max_score))
    return manual, names, marked


def _manual_scores(root: Path, assignment: str) -> dict[tuple[str, str, str], float | None]:
    return _gradebook_state(root, assignment)[0]


def _unreadable_reason(folder: Path) -> str:
    import nbformat

    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        return "no notebook was submitted"
    for nbfile in notebooks:
        try:
            nbformat.read(str(nbfile), as_version=4)
        except Exception as exc:
            first = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            return f"{nbfile.name} is damaged and cannot be opened ({first}); ask the student to resubmit or grade the file by hand"
    return "not autograded yet (or autograding failed); run the autograde again and check its log"


def review(assignment: str, root: str | Path | None = None) -> list[ReviewEntry]:
    root = gbmod.course_root(root)
    submitted = root / "submitted"
    if not (root / "source" / assignment).is_dir():
        raise CourseError(f"There is no assignment called '{assignment}'.",
                          hint=f"Assignments: {', '.join(gbmod.assignments(root)) or 'none'}.")
    entries: list[ReviewEntry] = []
    manual, names, marked = _gradebook_state(root, assignment) if (root / "gradebook.db").exists() else ({}, {}, [])
    listed: set[tuple[str, str, str]] = set()
    students = sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir()) if submitted.is_dir() else []
    for student in students:
        sidecar = root / "autograded" / student / assignment / REVIEW_FILE
        if not sidecar.exists():
            if any((root / "autograded" / student / assignment).glob("*.ipynb")):
                continue  # graded by a pipeline that keeps no review notes: the gradebook's flags count (below)
            entries.append(ReviewEntry(student, "-", "-", None, None,
                                       [_unreadable_reason(submitted / student / assignment)]))
            continue
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries.append(ReviewEntry(student, "-", "-", None, None,
                                       ["the review record is damaged; autograde this student again"]))
            continue
        for notebook, info in sorted(data.items() if isinstance(data, dict) else []):
            if not isinstance(info, dict):
                continue
            items = info.get("items") or {}
            flagged = list(info.get("needs_review") or [])
            flagged += [g for g, it in items.items() if isinstance(it, dict) and it.get("needs_review") and g not in flagged]
            for gid in flagged:
                item = items.get(gid, {})
                if manual.get((student, notebook, gid)) is not None:
                    continue  # a grader has decided
                listed.add((student, notebook, gid))
                entries.append(ReviewEntry(student, notebook, item.get("item", gid), item.get("points"),
                                           item.get("max_points"), list(item.get("review_reasons") or [])))
    for student, notebook, gid, auto, mx in marked:
        if (student, notebook, gid) in listed or student not in students:
            continue
        item = gid[: -len("-check")] if gid.endswith("-check") else gid
        entries.append(ReviewEntry(student, notebook, item, auto, mx,
                                   ["marked 'needs manual grade' in the gradebook (formgrader)"]))
    for e in entries:
        e.name = names.get(e.student, "")
    entries.sort(key=lambda e: (e.student, e.notebook, e.item))
    return entries


def who(entries: list[ReviewEntry]) -> str:
    """'s01 (Ana Diaz), s02': each student once, with their name where known."""
    seen: dict[str, str] = {}
    for e in entries:
        seen.setdefault(e.student, e.name)
    return ", ".join(f"{s} ({n})" if n else s for s, n in seen.items())


def pending_summary(entries: list[ReviewEntry]) -> str:
    """One line: how many answers from how many students still need a person, and who."""
    if not entries:
        return ""
    n = len({e.student for e in entries})
    return f"{len(entries)} answer(s) from {n} student(s) still need a person: {who(entries)}."


def format_entries(entries: list[ReviewEntry]) -> str:
    if not entries:
        return "Nothing needs review: every submission is graded."
    lines = []
    for e in entries:
        score = "-" if e.auto_score is None else f"{e.auto_score:g}/{e.max_score:g}"
        lines.append(f"{e.student}{f' ({e.name})' if e.name else ''}  {e.notebook}  {e.item}  auto {score}")
        for r in e.reasons:
            lines.append(f"    - {r}")
    n = len({e.student for e in entries})
    lines.append(f"\n{len(entries)} answer(s) from {n} student(s) need a person. Set a manual score in formgrader "
                 "(it replaces the automatic score), then run course review again.")
    return "\n".join(lines)
