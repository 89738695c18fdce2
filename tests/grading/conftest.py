"""Fixtures for grading tests: a private copy of the nbgrader course and submissions made from it.

    kit = grading_kit                                    # the fixture: a namespace of the helpers below
    course = kit.make_course(tmp_path)                   # copies grading/ config, source, rubrics
    course.generate("m1_frame")                          # release version + gradebook entries
    kit.make_submission(course, "m1_frame", "s01", {"answer_1": "text", "choice_2": "B"})
    course.api.autograde("m1_frame", "s01")

Answers are written into the answer cells as the student would type them; `Raw(source)` puts a
whole cell source verbatim; `mutate(nb)` may edit the notebook (delete cells, tamper) and
`raw_text` replaces the file's bytes (a corrupt file).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
GRADING = REPO / "grading"


@dataclass
class Raw:
    source: str


@dataclass
class Course:
    root: Path
    overrides: dict = field(default_factory=dict)
    _api: object = None

    @property
    def api(self):
        if self._api is None:
            from course.grading.gradebook import open_api
            self._api = open_api(self.root, **self.overrides)
        return self._api

    def generate(self, assignment: str) -> None:
        res = self.api.generate_assignment(assignment, force=True)
        assert res["success"], res.get("error") or res.get("log")

    def released(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def gradebook(self):
        from course.grading.gradebook import open_gradebook
        return open_gradebook(self.root)


def make_course(tmp: Path, *, assignments: list[str] | None = None, cell_timeout: int | None = None) -> Course:
    """Copy the shipped course (config, source assignments, rubrics) into tmp/grading."""
    root = Path(tmp) / "grading"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(GRADING / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(GRADING / "rubrics", root / "rubrics", dirs_exist_ok=True)
    for src in sorted((GRADING / "source").iterdir()):
        if src.is_dir() and (assignments is None or src.name in assignments):
            shutil.copytree(src, root / "source" / src.name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    overrides = {"Execute": {"timeout": cell_timeout}} if cell_timeout else {}
    return Course(root, overrides)


def answer_source(name: str, value) -> str:
    if isinstance(value, Raw):
        return value.source
    if name.startswith("answer_"):
        return f'# Type your reflection between the triple quotes. Do not delete the quotes.\n{name} = """\n{value}\n"""\n'
    return f"{name} = {value!r}\n"


def make_submission(course: Course, assignment: str, student: str, answers: dict | None = None, *,
                    mutate=None, raw_text: str | None = None, timestamp: str = "2026-11-20 10:00:00 UTC") -> Path:
    """Write submitted/<student>/<assignment>/<assignment>.ipynb from the released notebook."""
    folder = course.root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{assignment}.ipynb"
    (folder / "timestamp.txt").write_text(timestamp)
    if raw_text is not None:
        target.write_text(raw_text)
        return target
    nb = nbformat.read(str(course.released(assignment)), as_version=4)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if answers and gid in answers:
            cell.source = answer_source(gid, answers[gid])
    if mutate is not None:
        mutate(nb)
    nbformat.write(nb, str(target))
    return target


def grades(course: Course, assignment: str, student: str) -> dict[str, dict]:
    """{grade_id: {score, auto_score, manual_score, max_score, needs_manual_grade}} from the gradebook."""
    out = {}
    with course.gradebook() as gb:
        sub = gb.find_submission(assignment, student)
        for nb in sub.notebooks:
            for g in nb.grades:
                out[g.name] = {"score": g.score, "auto_score": g.auto_score, "manual_score": g.manual_score,
                               "max_score": g.max_score, "needs_manual_grade": g.needs_manual_grade}
    return out


def review_sidecar(course: Course, assignment: str, student: str) -> dict:
    p = course.root / "autograded" / student / assignment / ".course-review.json"
    return json.loads(p.read_text()) if p.exists() else {}


def source_answers(assignment: str) -> dict:
    """The solution cells of a source notebook as {grade_id: Raw(source)}: the model answers."""
    nb = nbformat.read(str(GRADING / "source" / assignment / f"{assignment}.ipynb"), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: Raw(c.source) for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


class _Kit:
    Raw = Raw
    Course = Course
    REPO = REPO
    GRADING = GRADING
    make_course = staticmethod(make_course)
    make_submission = staticmethod(make_submission)
    answer_source = staticmethod(answer_source)
    grades = staticmethod(grades)
    review_sidecar = staticmethod(review_sidecar)
    source_answers = staticmethod(source_answers)


@pytest.fixture(scope="session")
def grading_kit():
    """The helpers of this file (import-free, so tests in tests/grading/ can share them)."""
    return _Kit
