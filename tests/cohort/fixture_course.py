"""A tiny nbgrader course for the cohort tests: one notebook, three auto-graded items.

Built from scratch in a temp folder so these tests never depend on the shipped assignments.
Each item is an answer cell plus a hidden test cell whose last expression is the points (float),
like the shipped assignments (ARCHITECTURE.md, principle 4).
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "ps1"
NOTEBOOK = "ps1"
# item -> (points, variable, correct value)
ITEMS = {"q1": (1.0, "x", 2), "q2": (2.0, "y", "boundary"), "q3": (1.0, "z", 9)}


def _meta(**kw):
    base = {"schema_version": 3, "grade": False, "solution": False, "locked": False}
    base.update(kw)
    return {"nbgrader": base}


def source_notebook():
    cells = [new_markdown_cell("# Fixture assignment", metadata=_meta(grade_id="intro", locked=True))]
    for item, (points, var, value) in ITEMS.items():
        cells.append(new_code_cell(
            f"### BEGIN SOLUTION\n{var} = {value!r}\n### END SOLUTION",
            metadata=_meta(grade_id=f"{item}-answer", solution=True)))
        cells.append(new_code_cell(
            textwrap.dedent(f"""\
            points = 0.0
            try:
                points = {points} if {var} == {value!r} else 0.0
            except NameError:
                points = 0.0
            float(points)"""),
            metadata=_meta(grade_id=f"{item}-test", grade=True, locked=True, points=points)))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def make_course(root: Path, *, config_extra: str = "") -> Path:
    """Write a course root with nbgrader_config.py and source/ps1/ps1.ipynb, then generate it."""
    root = Path(root)
    (root / "source" / ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'fixture'\n"
        "c.Execute.timeout = 30\n" + config_extra)
    from course.grading.cohort import make_api

    api = make_api(root)
    res = api.generate_assignment(ASSIGNMENT)
    assert res["success"], res.get("log", "") + res.get("error", "")
    return root


def make_submission(root: Path, student: str, answers: dict[str, object], *, timestamp="2026-03-01 10:00:00 UTC"):
    """A submission whose items listed in `answers` hold that value; the others are left unanswered."""
    root = Path(root)
    nb = nbformat.read(root / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("-answer"):
            item = gid[: -len("-answer")]
            if item in answers:
                cell.source = f"{ITEMS[item][1]} = {answers[item]!r}"
    dest = root / "submitted" / student / ASSIGNMENT
    dest.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest / f"{NOTEBOOK}.ipynb")
    (dest / "timestamp.txt").write_text(timestamp)
    return dest


def cohort_answers(n: int) -> dict[str, dict[str, object]]:
    """A deterministic mix of right, wrong and missing answers for students s01..sNN."""
    out = {}
    for i in range(1, n + 1):
        ans = {}
        for j, (item, (_, _, value)) in enumerate(ITEMS.items()):
            k = (i * (j + 2)) % 5
            if k < 3:
                ans[item] = value
            elif k == 3:
                ans[item] = "wrong"
        out[f"s{i:02d}"] = ans
    return out


def write_review_sidecar(root: Path, student: str, data: dict) -> None:
    d = Path(root) / "autograded" / student / ASSIGNMENT
    d.mkdir(parents=True, exist_ok=True)
    p = d / ".course-review.json"
    p.write_text(json.dumps(data))
