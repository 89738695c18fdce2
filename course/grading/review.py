"""Which submissions need a person: `course review <assignment>`.

A submission needs review when
* an answer was flagged by the scoring pipeline (course/grading/pipeline.py) and no grader has
  given it a manual score yet (a manual score in formgrader replaces the automatic one), or
* it was submitted but could not be autograded (for example a damaged notebook file).
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

    def to_dict(self) -> dict:
        return asdict(self)


def _manual_scores(root: Path, assignment: str) -> dict[tuple[str, str, str], float | None]:
    out = {}
    with gbmod.open_gradebook(root) as gb:
        try:
            a = gb.find_assignment(assignment)
        except Exception:
            return out
        for sub in a.submissions:
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(sub.student.id, nb.name, g.name)] = g.manual_score
    return out


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
    manual = _manual_scores(root, assignment) if (root / "gradebook.db").exists() else {}
    students = sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir()) if submitted.is_dir() else []
    for student in students:
        sidecar = root / "autograded" / student / assignment / REVIEW_FILE
        if not sidecar.exists():
            entries.append(ReviewEntry(student, "-", "-", None, None,
                                       [_unreadable_reason(submitted / student / assignment)]))
            continue
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries.append(ReviewEntry(student, "-", "-", None, None,
                                       ["the review record is damaged; autograde this student again"]))
            continue
        for notebook, info in sorted(data.items()):
            for gid in info.get("needs_review", []):
                item = info["items"].get(gid, {})
                if manual.get((student, notebook, gid)) is not None:
                    continue  # a grader has decided
                entries.append(ReviewEntry(student, notebook, item.get("item", gid), item.get("points"),
                                           item.get("max_points"), list(item.get("review_reasons") or [])))
    return entries


def format_entries(entries: list[ReviewEntry]) -> str:
    if not entries:
        return "Nothing needs review: every submission is graded."
    lines = []
    for e in entries:
        score = "-" if e.auto_score is None else f"{e.auto_score:g}/{e.max_score:g}"
        lines.append(f"{e.student}  {e.notebook}  {e.item}  auto {score}")
        for r in e.reasons:
            lines.append(f"    - {r}")
    n = len({e.student for e in entries})
    lines.append(f"\n{len(entries)} answer(s) from {n} student(s) need a person. Set a manual score in formgrader "
                 "(it replaces the automatic score), then run course review again.")
    return "\n".join(lines)
