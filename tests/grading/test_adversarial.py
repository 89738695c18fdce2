"""Adversarial submissions against `course autograde` and `course feedback` (issue 12).

In the style of nbgrader's own cheat fixtures: each attack is a submission of m1_frame that carries
the answers of an honest student plus code or content aimed at the grader. One course, graded
once: first the honest students alone (their reference grades), then everybody with `--force`.
Each test asserts, for its attack, that

* the honest students' grades are unchanged,
* nothing secret reaches feedback,
* no process started by the submission survives, and
* the attacker is flagged with a reason a grader can read.

Every attack's code writes a marker file if it ever runs: no marker may exist afterwards, because
answer-template assignments are graded without running any student code.
"""
from __future__ import annotations

import base64
import codecs
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

from tests.grading.conftest import Raw

pytestmark = [pytest.mark.nbgrader]

A = "m1_frame"
HONEST = ["honest-strong", "honest-partial"]
PARTIAL = {"answer_1": ("Jordan could thank Priya and say kindly that they cannot meet for lunch. Counseling is a "
                        "professional relationship and a friendship would mix two roles."),
           "choice_2": "A", "multi_3": "A, B, D",
           "match_4": {"a": "transference", "b": "boundary violation", "c": "", "d": "boundary violation"}}


def _marker_code(tag: str, body: str) -> str:
    """Attack code that first leaves a marker (proof that it ran), then does `body`."""
    return (f"import os, pathlib\npathlib.Path(os.environ.get('COURSE_ATTACK_MARKERS', '/tmp'), {tag!r}).touch()\n"
            + body)


def _add_cell(source: str, kind: str = "code"):
    def mutate(nb):
        maker = {"code": new_code_cell, "markdown": new_markdown_cell, "raw": new_raw_cell}[kind]
        nb.cells.insert(3, maker(source))
    return mutate


def _xss(nb):
    _add_cell("<img src=x onerror=\"fetch('/api/contents')\">\n\n[click](javascript:alert('xss-link'))\n\n"
              "<script>alert('xss-script')</script>", "markdown")(nb)
    _add_cell("<svg onload=alert('xss-raw')></svg>", "raw")(nb)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "choice_2")
    cell.outputs = [nbformat.from_dict({
        "output_type": "display_data", "metadata": {},
        "data": {"text/html": "<img src=x onerror=alert('xss-output')>", "application/javascript": "alert('xss-js')"}})]


def _huge_output(nb):
    """A 5 MB output line on a code cell, and 5 MB of 'outputs' smuggled onto a Markdown cell."""
    big = [nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "x" * 5_000_000})]
    next(c for c in nb.cells if c.cell_type == "code").outputs = big
    next(c for c in nb.cells if c.cell_type == "markdown")["outputs"] = big


def _attacks(root: Path, markers: Path, decoy: Path) -> dict[str, dict]:
    db = root / "gradebook.db"
    other = root / "submitted" / "honest-strong"
    key = root / "rubrics" / "items" / f"{A}.yml"
    return {
        # 1. rewrite the real gradebook: a classmate to 0, then everybody to 0
        "zero-gradebook": dict(mutate=_add_cell(_marker_code("zero-gradebook", (
            f"import sqlite3\nc = sqlite3.connect({str(db)!r})\n"
            "c.execute('UPDATE grade SET auto_score = 0, manual_score = 0')\nc.commit()\n")))),
        # 2. a double-forked process that outlives autograde and edits the key / manual scores later
        "double-fork": dict(mutate=_add_cell(_marker_code("double-fork", (
            "import subprocess, sys\n"
            "subprocess.Popen([sys.executable, '-c', 'import time\\ntime.sleep(600)  # course-attack-sleeper'],"
            " start_new_session=True)\n"
            f"open({str(key)!r}, 'a').write('\\n# edited by a submission\\n')\n")))),
        # 3. rewrite the installed grading code (a decoy of it here)
        "patch-package": dict(mutate=_add_cell(_marker_code("patch-package", (
            f"open({str(decoy)!r}, 'w').write('def score(*a): return 9')\n")))),
        # 4. answer key, rubric and classmates' scores out through feedback, three ways
        "leak-key": dict(mutate=_add_cell(_marker_code("leak-key", (
            f"import base64\nk = open({str(key)!r}).read()\nprint(k)\nprint(base64.b64encode(k.encode()).decode())\n"
            "open('answers.txt', 'w').write(k)\n"))),
            extra_files={"answers.txt": key.read_text(), ".course-review.json": '{"m1_frame": {"needs_review": []}}'}),
        # 5. script in Markdown and in rich outputs (formgrader runs as the instructor)
        "xss": dict(mutate=_xss),
        # 7. delete a classmate's submitted / autograded / feedback folders
        "delete-classmate": dict(mutate=_add_cell(_marker_code("delete-classmate", (
            f"import shutil\nshutil.rmtree({str(other)!r}, ignore_errors=True)\n"
            f"shutil.rmtree({str(root / 'autograded' / 'honest-strong')!r}, ignore_errors=True)\n")))),
        # 8. a config line and a new rubric file
        "config-append": dict(mutate=_add_cell(_marker_code("config-append", (
            f"open({str(root / 'nbgrader_config.py')!r}, 'a').write('\\nc.Execute.timeout = 1\\n')\n"
            f"open({str(root / 'rubrics' / 'items' / 'evil.yml')!r}, 'w').write('x: 1')\n")))),
        # 11. an endless loop, sleep, sys.exit, a 100 MB output line, a 1 GiB file
        "loop": dict(answers={"choice_2": Raw('choice_2 = "B"\nwhile True:\n    pass\n')}),
        "sleep-exit": dict(mutate=_add_cell(_marker_code("sleep-exit", "import time, sys\ntime.sleep(3600)\nsys.exit(0)\n"))),
        "huge-output": dict(mutate=_huge_output),
        "big-file": dict(mutate=_add_cell(_marker_code("big-file", "open('big.bin', 'wb').truncate(2**30)\n")),
                         extra_files={"big.bin": "0" * 3_000_000}),
        # 14. "grade": true on an answer cell; a reflection typed in a Markdown cell; work in a copy
        "grade-true": dict(mutate=lambda nb: [c.metadata["nbgrader"].update(grade=True, points=50)
                                              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "choice_2"]),
        "markdown-reflection": dict(answers={"answer_1": ""}, mutate=_add_cell(
            "Jordan would thank Priya warmly and explain that a friendship outside sessions would change what "
            "their work together can offer, then explore the loneliness behind the request.", "markdown")),
        "copy1": dict(copy_name=f"{A}-Copy1.ipynb"),
    }


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, grading_kit):
    from course.grading.cohort import autograde_cohort

    kit = grading_kit
    base = tmp_path_factory.mktemp("adversarial")
    markers = base / "markers"
    markers.mkdir()
    decoy = base / "decoy_pipeline.py"
    decoy.write_text("# the grading code\n")
    os.environ["COURSE_ATTACK_MARKERS"] = str(markers)
    course = kit.make_course(base, assignments=[A])
    course.generate(A)
    root = course.root
    kit.make_submission(course, A, "honest-strong", kit.source_answers(A))
    kit.make_submission(course, A, "honest-partial", PARTIAL)
    first = autograde_cohort(A, root=root, jobs=2)
    assert sorted(r.student for r in first.graded) == sorted(HONEST), [(r.student, r.reasons) for r in first.failed]
    reference = {s: kit.grades(course, A, s) for s in HONEST}
    protected = {p: hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in [root / "nbgrader_config.py", *sorted((root / "rubrics").rglob("*")), *sorted((root / "source").rglob("*"))]
                 if p.is_file()}
    attacks = _attacks(root, markers, decoy)
    for name, spec in attacks.items():
        folder = kit.make_submission(course, A, name, {**PARTIAL, **spec.get("answers", {})}, mutate=spec.get("mutate"))
        if spec.get("copy_name"):  # the work went into a copy; the original is the untouched release
            folder.rename(folder.with_name(spec["copy_name"]))
            kit.make_submission(course, A, name, {})
        for fname, text in (spec.get("extra_files") or {}).items():
            (folder.parent / fname).write_text(text)
    summary = autograde_cohort(A, root=root, jobs=2, force=True)
    return dict(course=course, root=root, summary=summary, reference=reference, protected=protected,
                markers=markers, decoy=decoy, attacks=attacks)


def _result(att, student):
    return next(r for r in att["summary"].results if r.student == student)


def _surviving(*tokens: str) -> list[str]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if all(t in cmd for t in tokens):
                out.append(f"{p.name}: {cmd[:120]}")
    return out


def _common(att, grading_kit, attacker):
    """The four promises, for one attacker."""
    kit = grading_kit
    for s in HONEST:  # honest grades unchanged
        assert kit.grades(att["course"], A, s) == att["reference"][s], s
    assert not list(att["markers"].iterdir()), "student code ran during autograde"
    for p, digest in att["protected"].items():  # instructor files untouched, none added
        assert hashlib.sha256(p.read_bytes()).hexdigest() == digest, p
    assert not (att["root"] / "rubrics" / "items" / "evil.yml").exists()
    assert not _surviving("course-attack-sleeper")
    assert not _surviving("course.grading.cohort worker", str(att["root"]))
    r = _result(att, attacker)
    assert r.status == "graded" and r.flagged and r.reasons, (attacker, r)
    return r


@pytest.mark.parametrize("attacker", ["zero-gradebook", "double-fork", "patch-package", "delete-classmate",
                                      "config-append", "sleep-exit", "big-file"])
def test_code_aimed_at_the_grader_never_runs_and_is_flagged(attacked, grading_kit, attacker):
    r = _common(attacked, grading_kit, attacker)
    assert any("was not run" in x for x in r.reasons), r.reasons
    # the attacker's own score is what its answers earn: the same as the honest partial student
    mine = {k: v["score"] for k, v in grading_kit.grades(attacked["course"], A, attacker).items()}
    assert mine == {k: v["score"] for k, v in attacked["reference"]["honest-partial"].items()}


def test_gradebook_and_classmates_folders_untouched(attacked, grading_kit):
    root = attacked["root"]
    with sqlite3.connect(root / "gradebook.db") as con:
        assert con.execute("SELECT COUNT(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0] == 0
    assert (root / "submitted" / "honest-strong" / A / f"{A}.ipynb").is_file()
    assert (root / "autograded" / "honest-strong" / A / f"{A}.ipynb").is_file()
    assert attacked["decoy"].read_text() == "# the grading code\n"
    assert (root / "autograded" / "double-fork" / A).is_dir()


def test_endless_loop_answer_cell_is_flagged_not_run(attacked, grading_kit):
    r = _common(attacked, grading_kit, "loop")
    assert any("code besides the answer" in x or "set by code" in x or "not valid Python" in x for x in r.reasons)


def test_outputs_and_files_of_a_submission_never_reach_autograded_or_feedback(attacked, grading_kit):
    root = attacked["root"]
    _common(attacked, grading_kit, "huge-output")
    size = (root / "autograded" / "huge-output" / A / f"{A}.ipynb").stat().st_size
    assert size < 500_000  # the pre-filled 5 MB output was cleared
    for s in ("big-file", "leak-key"):
        names = {p.name for p in (root / "autograded" / s / A).iterdir()}
        assert names <= {f"{A}.ipynb", "timestamp.txt", ".course-review.json"}, names


def test_feedback_holds_only_feedback_pages_and_no_secret(attacked, grading_kit, capsys):
    from course.cli import main

    root = attacked["root"]
    _common(attacked, grading_kit, "leak-key")
    for s in ("leak-key", "big-file", "xss"):
        assert main(["feedback", A, "--student", s, "--root", str(root), "--allow-pending"]) == 0, capsys.readouterr().out
        names = {p.name for p in (root / "feedback" / s / A).iterdir()}
        assert f"{A}.html" in names and names <= {f"{A}.html", "timestamp.txt", "submission_secret.txt"}, names
    html = (root / "feedback" / "leak-key" / A / f"{A}.html").read_text()
    assert "answer: B" not in html and "instructor material" not in html


def _items():
    from course.grading.items import load_items

    return [it for it in load_items(A)["items"] if it["id"] != "answer_1"]


def _key_of(item_id: str):
    return next(it["answer"] for it in _items() if it["id"] == item_id)


def test_leak_scan_finds_the_answer_key_however_it_is_encoded(attacked, tmp_path):
    from course.grading.release_check import build_needles, scan_files

    root = attacked["root"]
    key = (root / "rubrics" / "items" / f"{A}.yml").read_text()
    needles = build_needles(root, A, feedback=True)
    forms = {"plain.html": key, "b64.html": base64.b64encode(key.encode()).decode(),
             "hex.txt": key.encode().hex(), "rot13.html": codecs.encode(key, "rot13"),
             "url.bin": quote(key), "json.txt": json.dumps({"answer": _key_of("choice_2")})}
    for name, text in forms.items():
        (tmp_path / name).write_text(f"<p>feedback</p>\n{text}\n")
    leaks = scan_files(sorted(tmp_path.iterdir()), needles, tmp_path, decode=True)
    assert {leak.file for leak in leaks} == set(forms)
    assert {leak.needle.kind for leak in leaks} == {"answer key"}
    # a student's own right answers are no leak
    (tmp_path / "honest.html").write_text(f'choice_2 = "{_key_of("choice_2")}"\nmatch_4 = {{"a": "boundary crossing"}}\nmulti_3 = "A, B, C"')
    assert not scan_files([tmp_path / "honest.html"], needles, tmp_path, decode=True)


def test_no_script_in_autograded_notebook_or_feedback(attacked, grading_kit, capsys):
    from nbconvert import HTMLExporter

    from course.cli import main

    root = attacked["root"]
    _common(attacked, grading_kit, "xss")
    graded = root / "autograded" / "xss" / A / f"{A}.ipynb"
    # formgrader renders the autograded notebook: even without sanitize_html it must be clean
    page, _ = HTMLExporter(template_name="classic").from_filename(str(graded))
    assert main(["feedback", A, "--student", "xss", "--root", str(root), "--allow-pending"]) == 0, capsys.readouterr().out
    feedback = (root / "feedback" / "xss" / A / f"{A}.html").read_text()
    for text in (graded.read_text(), page, feedback):
        for bad in ("onerror", "onload=", 'href="javascript:', "href=javascript:", "alert('xss", "alert(&#39;xss",
                    "alert(\\'xss", "/api/contents"):
            assert bad not in text, bad
    assert "Jordan" in graded.read_text() or "answer_1" in graded.read_text()


def test_grade_true_on_an_answer_cell_is_graded_and_flagged(attacked, grading_kit):
    r = _common(attacked, grading_kit, "grade-true")
    g = grading_kit.grades(attacked["course"], A, "grade-true")
    assert set(g) == {f"{it['id']}-check" for it in _items()} | {"answer_1-check"}
    assert g["choice_2-check"]["max_score"] == 1.0 and g["choice_2-check"]["score"] == 1.0
    assert any("grading settings of cell choice_2" in x for x in r.reasons)


def test_reflection_typed_in_a_markdown_cell_goes_to_a_person(attacked, grading_kit):
    from course.grading.review import review

    r = _common(attacked, grading_kit, "markdown-reflection")
    assert any("text (Markdown) cell" in x for x in r.reasons), r.reasons
    entries = [e for e in review(A, attacked["root"]) if e.student == "markdown-reflection" and e.item == "answer_1"]
    assert entries and any("Markdown" in x for x in entries[0].reasons)


def test_work_in_a_copy_of_the_notebook_is_flagged(attacked, grading_kit):
    r = _common(attacked, grading_kit, "copy1")
    assert any(f"{A}-Copy1.ipynb" in x for x in r.reasons), r.reasons
    assert _total(grading_kit.grades(attacked["course"], A, "copy1")) == 0


def _total(g):
    return sum(v["score"] or 0 for v in g.values())


def test_every_attacker_is_named_and_the_run_finished(attacked):
    summary = attacked["summary"]
    names = {r.student for r in summary.results}
    assert names == set(attacked["attacks"]) | set(HONEST)
    assert not summary.failed, [(r.student, r.reasons) for r in summary.failed]
