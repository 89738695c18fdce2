"""Issue 15: the learner's ethics code travels in the submission (`my_code = "..."`, read from the
cell source) and the reflection feedback cites it first; anything else falls back to "show all"."""
from __future__ import annotations

import re

import nbformat
import pytest

from course.grading import mycode

A = "m5_termination"
HARMFUL = ("Casey should say yes and grab a beer with Daniel next month, since the work is over and no rule "
           "forbids it. They can be friends now that counseling has ended, and Casey can tell him so warmly.")


def _with_code(source: str):
    def mutate(nb):
        cells = [c for c in nb.cells if c.cell_type == "code" and "my_code =" in c.source
                 and "nbgrader" not in c.metadata]
        assert len(cells) == 1, "the released notebook has one my_code cell"
        cells[0].source = source
    return mutate


def test_normalize_and_read_lens_fall_back_to_show_all():
    assert mycode.normalize("APA") == "apa" and mycode.normalize("  nasw ") == "nasw"
    assert mycode.normalize("Show all") == "all" and mycode.normalize("") == "all"
    for bad in ("Klingon", None, 3, ["APA"], "APA" * 30):
        assert mycode.normalize(bad) == "all"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('my_code = "BACP"  # mine')])
    assert mycode.read_lens(nb) == "bacp"
    nb.cells[0].source = 'my_code = "A" + "PA"'          # set by code: not read, no error
    assert mycode.read_lens(nb) == "all"
    nb.cells[0].source = 'my_code = "APA'                # broken cell
    assert mycode.read_lens(nb) == "all"
    assert mycode.read_lens(nbformat.v4.new_notebook()) == "all"  # deleted cell


def test_every_graded_notebook_has_the_setup_and_my_code_cells():
    from pathlib import Path

    for src in sorted(Path("grading/source").glob("*/*.ipynb")):
        nb = nbformat.read(str(src), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        setup, mine = code[0], code[1]
        assert setup.metadata["nbgrader"]["grade_id"] == "setup" and setup.metadata["nbgrader"]["locked"]
        assert "course.grading.mycode import setup" in setup.source and "_render_traceback_" in setup.source
        assert "nbgrader" not in mine.metadata and mycode.read_lens(nbformat.v4.new_notebook(cells=[mine])) == "all"


def test_setup_cell_without_the_course_package_fails_with_a_plain_message(tmp_path):
    """Run the setup cell in a Jupyter kernel that cannot import `course`: the cell fails (Run All stops
    there) and shows one plain message, not a ModuleNotFoundError traceback."""
    from nbclient import NotebookClient

    src = nbformat.read("grading/source/m1_frame/m1_frame.ipynb", as_version=4)
    setup = next(c for c in src.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import sys\nsys.modules['course'] = None  # as if it were not installed"),
        nbformat.v4.new_code_cell(setup.source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    err = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert len(err) == 1 and err[0].ename == "CourseNotInstalled"
    shown = "\n".join(err[0].traceback)
    assert "therapeutic-relationship-course" in shown and "make lab" in shown and "pip install -e ." in shown
    assert "Traceback" not in shown and "ModuleNotFoundError" not in shown and "File " not in shown
    # with the package, the same cell runs and says what to write in the my_code line
    nb.cells[0].source = "pass"
    NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert not [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert "my_code" in nb.cells[1].outputs[0].data["text/html"]


def _first_cited(text: str) -> str:
    """The code named first in the codes line of the reflection feedback."""
    m = re.search(r"(?:Your code, the [^,]+, on this question|Ethics codes on this question): ([A-Z]+)", text)
    assert m, text[-2000:]
    return m.group(1)


def _first_in_see(text: str) -> str:
    m = re.search(r"\(See ([A-Z]+)", text)
    assert m, text[-2000:]
    return m.group(1)


@pytest.mark.nbgrader
def test_two_students_with_different_codes_get_their_own_code_cited_first(grading_kit, tmp_path):
    course = grading_kit.make_course(tmp_path, assignments=[A])
    course.generate(A)
    who = {"apa-student": 'my_code = "APA"\n', "nasw-student": '# mine\nmy_code = "nasw"\n',
           "tamper-student": 'my_code = "".join(["A", "CA"])\n', "unknown-student": 'my_code = "Klingon"\n'}
    for student, src in who.items():
        grading_kit.make_submission(course, A, student, {"answer_1": HARMFUL}, mutate=_with_code(src))
        assert course.api.autograde(A, student, force=True)["success"]
    first, see, side = {}, {}, {}
    for student in who:
        res = course.api.generate_feedback(A, student, force=True)
        assert res["success"], res.get("error")
        html = (course.root / "feedback" / student / A / f"{A}.html").read_text()
        import html as _h
        text = _h.unescape(re.sub(r"<[^>]+>", "", html))
        first[student], see[student] = _first_cited(text), _first_in_see(text)
        side[student] = grading_kit.review_sidecar(course, A, student)[A]
    assert first["apa-student"] == see["apa-student"] == "APA"
    assert first["nasw-student"] == see["nasw-student"] == "NASW"
    # a value set by code, or one the course does not know: show all (the rubric's order), no error
    assert first["tamper-student"] == first["unknown-student"] == "ACA"
    assert [side[s]["lens"] for s in who] == ["apa", "nasw", "all", "all"]
    # the my_code cell is the student's template, not "code added outside the answer cells"
    reasons = " ".join(r for it in side["apa-student"]["items"].values() for r in it["review_reasons"])
    assert "outside the answer cells" not in reasons
