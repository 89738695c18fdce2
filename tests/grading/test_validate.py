"""nbgrader's Validate tells the truth about a graded notebook (issue 14, item 1).

A freshly released, blank m1 must NOT pass Validate (it used to say "Success! Your notebook passes
all the tests."), and the failure must name the question and the fix in plain words; a notebook
with its answer quotes deleted fails too; a filled notebook passes. This drives nbgrader's own
Validator (what `nbgrader validate` and the JupyterLab Validate button run), in a real kernel.
"""
from __future__ import annotations

import io

import nbformat
import pytest

A = "m1_frame"


@pytest.fixture(scope="module")
def released(grading_kit, tmp_path_factory):
    course = grading_kit.make_course(tmp_path_factory.mktemp("validate"), assignments=[A])
    course.generate(A)
    return course.released(A)


def _student_copy(kit, released, tmp_path, answers: dict) -> str:
    nb = nbformat.read(str(released), as_version=4)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = kit.answer_source(gid, answers[gid])
    path = tmp_path / f"{A}.ipynb"
    nbformat.write(nb, str(path))
    return str(path)


def _validate(path: str) -> tuple[dict, str]:
    from nbgrader.validator import Validator

    v = Validator()
    results = v.validate(path)
    v.stream = io.StringIO()
    v.validate_and_print(path)
    return results, v.stream.getvalue()


def _filled() -> dict:
    """Every m1 answer filled in (from the answer key, so the test follows the assignment's items)."""
    from course.grading.items import load_items

    out = {"answer_1": "Jordan can answer warmly: the hour belongs to Priya, and a friendship would change that. " * 3}
    for it in load_items("m1_frame")["items"]:
        if it["kind"] in ("single", "multiple", "ordering"):
            a = it["answer"]
            out[it["id"]] = a if isinstance(a, str) else ", ".join(a)
        elif it["kind"] == "matching":
            out[it["id"]] = dict(it["answer"])
    return out


FILLED = _filled()
N_ITEMS = len(FILLED)


def test_blank_notebook_does_not_pass_and_says_what_is_missing(grading_kit, released, tmp_path):
    results, printed = _validate(_student_copy(grading_kit, released, tmp_path, {}))
    assert "Success" not in printed
    errors = [f["raw_error"] for f in results.get("failed", [])]
    assert len(errors) == N_ITEMS, results  # one plain message per unanswered question
    assert any("Question 1: still blank" in e for e in errors), errors
    assert any("Question 2: no answer yet" in e for e in errors), errors
    assert not any("Traceback" in e or "Error" in e for e in errors), errors


def test_deleted_quotes_fail_validate_with_the_fix(grading_kit, released, tmp_path):
    broken = dict(FILLED, answer_1=grading_kit.Raw('answer_1 = """\nJordan can answer warmly and keep the frame.\n'))
    results, printed = _validate(_student_copy(grading_kit, released, tmp_path, broken))
    assert "Success" not in printed
    errors = [f["raw_error"] for f in results.get("failed", [])]
    # the answer cell's SyntaxError is not a test cell; the locked check below it fails in plain words
    assert any("Question 1: the grader cannot read this answer" in e and "Put the template back" in e
               for e in errors), errors


def test_filled_notebook_passes(grading_kit, released, tmp_path):
    results, printed = _validate(_student_copy(grading_kit, released, tmp_path, FILLED))
    assert not results.get("failed"), results
    assert "Success! Your notebook passes all the tests." in printed
