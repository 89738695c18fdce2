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
    """Run the setup cell in a Python that cannot import `course`: one plain message, no traceback."""
    import subprocess
    import sys

    src = nbformat.read("grading/source/m1_frame/m1_frame.ipynb", as_version=4)
    setup = next(c for c in src.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup").source
    script = ("import sys\n"
              "sys.modules['course'] = None\n"           # as if the package were not installed
              "try:\n" + "\n".join("    " + ln for ln in setup.splitlines()) + "\n"
              "except Exception as exc:\n"
              "    print(type(exc).__name__); print(exc._render_traceback_()[0])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path).stdout
    assert out.startswith("CourseNotInstalled")
    assert "therapeutic-relationship-course" in out and "make lab" in out and "ModuleNotFoundError" not in out


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
