"""Nothing a student receives leaks solutions, hidden tests, rubric internals or answer keys.

The shipped check runs on every assignment (release + a probe's feedback). The negative cases
prove the check can fail: a course whose feedback keeps hidden tests, and a released notebook
that carries rubric or solution text.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course.grading.release_check import build_needles, check_release, scan_text

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(p.name for p in (REPO / "grading" / "source").iterdir() if p.is_dir())


def test_every_shipped_assignment_releases_and_feeds_back_without_leaks():
    assert SHIPPED == ["m1_frame", "m2_transference", "m3_countertransference", "m4_power", "m5_termination", "m6_capstone"]
    log = []
    leaks = check_release(SHIPPED, REPO / "grading", log=log.append)
    assert leaks == [], "\n".join(map(str, leaks))
    assert sum("generated feedback checked" in line for line in log) == len(SHIPPED)


def test_needles_cover_solutions_hidden_tests_and_rubric_patterns():
    needles = build_needles(REPO / "grading", "m1_frame")
    kinds = {n.kind for n in needles}
    assert kinds == {"solution", "hidden test", "rubric", "answer key"}
    # the prompt is public: no needle may come from it
    cells = nbformat.read(str(REPO / "grading/source/m1_frame/m1_frame.ipynb"), as_version=4).cells
    prompt = next(c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == "question_1")
    assert not [n for n in needles if n.kind == "rubric" and n.text.lower() in prompt.lower()]
    from course.grading.items import item_by_id, load_items

    key = item_by_id(load_items("m1_frame"))["choice_2"]["answer"]  # the solution line leaks, whatever the key
    assert scan_text(f"x choice_2 = \"{key}\" y", needles)
    assert not scan_text('choice_2 = ""', needles)


def test_the_check_fails_when_feedback_keeps_hidden_tests_or_a_notebook_leaks(grading_kit, tmp_path):
    course = grading_kit.make_course(tmp_path, assignments=["m1_frame"])
    cfg = course.root / "nbgrader_config.py"
    text = cfg.read_text()
    text, n = re.subn(r'\s*"nbgrader\.preprocessors\.ClearHiddenTests",', "", text)
    assert n == 1
    cfg.write_text(text)
    src = course.root / "source" / "m1_frame" / "m1_frame.ipynb"
    nb = nbformat.read(str(src), as_version=4)
    pattern = next(n.text for n in build_needles(course.root, "m1_frame") if n.kind == "rubric")
    nb.cells[0].source += f"\n\nHint for students: {pattern}"
    nbformat.write(nb, str(src))
    leaks = check_release(["m1_frame"], course.root, log=lambda *_: None)
    where = {(leak.file.split("/")[0], leak.needle.kind) for leak in leaks}
    assert ("feedback", "hidden test") in where
    assert ("release", "rubric") in where
