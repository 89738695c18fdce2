"""`course autograde` around the submissions: locks, fingerprints, crashes, late work, confinement."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from course.errors import CourseError

pytestmark = [pytest.mark.nbgrader]
A = "m1_frame"
RIGHT = {"choice_2": "A", "multi_3": "A, B, C"}  # m1's keys for these two items


@pytest.fixture(scope="module")
def template(tmp_path_factory, grading_kit):
    course = grading_kit.make_course(tmp_path_factory.mktemp("safety"), assignments=[A])
    course.generate(A)
    return course.root


@pytest.fixture
def course(template, tmp_path, grading_kit):
    dest = tmp_path / "grading"
    shutil.copytree(template, dest)
    return grading_kit.Course(dest)


# ----------------------------------------------------------------------------- the lock
def test_collect_and_autograde_exclude_each_other(course, grading_kit):
    from course.grading.cohort import autograde_cohort
    from course.grading.lock import course_lock, holder

    grading_kit.make_submission(course, A, "s1", RIGHT)
    with course_lock(course.root, "course collect"):
        assert holder(course.root)["command"] == "course collect"
        with pytest.raises(CourseError, match="course collect is already running"):
            autograde_cohort(A, root=course.root, jobs=1)
        with pytest.raises(CourseError, match=r"process \d+"):
            with course_lock(course.root, "course autograde"):
                pass
    assert holder(course.root) is None
    assert not (course.root / "autograded").exists()  # the refused run changed nothing
    with course_lock(course.root, "course autograde"):  # free again once released
        pass


# ----------------------------------------------------------------------------- fingerprints
def test_journal_records_the_bytes_that_were_graded(course, grading_kit, monkeypatch):
    """The fingerprint comes from the worker's copy of what it graded, not from the folder at merge
    time (which `course collect` may have replaced meanwhile); a changed file is graded next run."""
    from course.grading import cohort

    nbfile = grading_kit.make_submission(course, A, "s1", RIGHT)
    graded = cohort.fingerprint(course.root, A, "s1")
    monkeypatch.setattr(cohort, "fingerprint", lambda *a: "what-the-folder-holds-at-merge-time")
    cohort.autograde_cohort(A, root=course.root, jobs=1)
    monkeypatch.undo()
    assert cohort.Journal(course.root, A).load()["s1"]["fingerprint"] == graded
    assert cohort.plan(course.root, A) == ([], ["s1"])
    nbfile.write_text(nbfile.read_text().replace("choice_2 = 'A'", "choice_2 = 'C'"))
    assert cohort.plan(course.root, A) == (["s1"], [])
    cohort.autograde_cohort(A, root=course.root, jobs=1)
    assert grading_kit.grades(course, A, "s1")["choice_2-check"]["score"] == 0.0


# ----------------------------------------------------------------------------- crashes
def test_submissions_that_crash_their_worker_are_charged_to_themselves(course, grading_kit, monkeypatch):
    from course.grading.cohort import autograde_cohort, format_summary

    honest = [f"h{i}" for i in range(4)]
    killers = ["k1", "k2", "k3"]
    for s in honest + killers:
        grading_kit.make_submission(course, A, s, RIGHT)
    monkeypatch.setenv("COURSE_AUTOGRADE_TEST_CRASH", ",".join(killers))
    summary = autograde_cohort(A, root=course.root, jobs=2)
    assert sorted(r.student for r in summary.graded) == honest
    assert sorted(r.student for r in summary.failed) == killers
    for r in summary.failed:
        assert r.flagged and "stopped the grading process twice" in r.reasons[0]
    text = format_summary(summary, course.root)
    assert all(k in text for k in killers)
    for s in honest:
        assert grading_kit.grades(course, A, s)["choice_2-check"]["score"] == 1.0


# ----------------------------------------------------------------------------- late work
def test_late_submission_gets_nbgraders_penalty(course, grading_kit):
    from course.grading.cohort import autograde_cohort

    with course.gradebook() as gb:
        gb.update_or_create_assignment(A, duedate="2026-11-20 12:00:00 UTC")
    grading_kit.make_submission(course, A, "early", RIGHT, timestamp="2026-11-20 11:00:00 UTC")
    grading_kit.make_submission(course, A, "late", RIGHT, timestamp="2026-11-21 09:00:00 UTC")
    autograde_cohort(A, root=course.root, jobs=1)
    with course.gradebook() as gb:
        early, late = gb.find_submission(A, "early"), gb.find_submission(A, "late")
        assert early.total_seconds_late == 0 and early.late_submission_penalty == 0
        assert late.total_seconds_late > 0 and late.late_submission_penalty == pytest.approx(late.code_score)
        # nbgrader keeps the score and the penalty apart; totals and exports subtract it
        assert late.score - late.late_submission_penalty == 0 and early.code_score > 0


# ----------------------------------------------------------------------------- execution
def test_answer_template_assignments_start_no_kernel(course, grading_kit, monkeypatch):
    from course.grading import sandbox
    from course.grading.cohort import autograde_cohort

    def no_sandbox(*a, **k):
        raise AssertionError("an answer-template assignment was executed")

    monkeypatch.setattr(sandbox, "execute", no_sandbox)
    monkeypatch.setattr("nbclient.NotebookClient.execute", no_sandbox)
    grading_kit.make_submission(course, A, "s1", RIGHT)
    summary = autograde_cohort(A, root=course.root, jobs=1)
    assert [r.student for r in summary.graded] == ["s1"]
    nb = nbformat.read(course.root / "autograded" / "s1" / A / f"{A}.ipynb", as_version=4)
    assert not any(c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def _declare_execution(course):
    key = course.root / "rubrics" / "items" / f"{A}.yml"
    key.write_text(key.read_text() + "execute: true\n")


def test_an_assignment_needing_execution_is_refused_without_confinement(course, grading_kit, monkeypatch):
    from course.grading import sandbox
    from course.grading.cohort import autograde_cohort

    _declare_execution(course)
    grading_kit.make_submission(course, A, "s1", RIGHT)
    monkeypatch.setattr(sandbox, "available", lambda: "bubblewrap is not installed (apt-get install bubblewrap)")
    with pytest.raises(CourseError, match="never runs student code") as err:
        autograde_cohort(A, root=course.root, jobs=1)
    assert "bubblewrap" in str(err.value)
    assert not (course.root / "autograded").exists()
    # nbgrader's own API with the course config refuses too, student by student
    res = course.api.autograde(A, "s1", force=True)
    assert not res["success"] and "ExecutionRefused" in (res.get("log") or "") + (res.get("error") or "")


@pytest.mark.skipif(__import__("course.grading.sandbox", fromlist=["available"]).available() is not None,
                    reason="bubblewrap is not usable here (apt-get install bubblewrap); the refusal is tested above")
def test_declared_execution_runs_confined(course, grading_kit):
    from course.grading.cohort import autograde_cohort

    _declare_execution(course)
    cfg = course.root / "nbgrader_config.py"
    cfg.write_text(cfg.read_text() + "\nc.Execute.timeout = 3\n")
    probe = course.root.parent / "outside.txt"
    probe.write_text("course secret")
    db = course.root / "gradebook.db"
    before = db.read_bytes()

    def attack(nb):
        nb.cells.insert(3, new_code_cell(
            "import os, socket, subprocess, sys\n"
            "subprocess.Popen([sys.executable, '-c', 'import time\\ntime.sleep(900)  # confined-sleeper'],"
            " start_new_session=True)\n"
            f"print('course visible:', os.path.exists({str(probe)!r}), os.path.exists({str(db)!r}))\n"
            "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('network: yes')\n"
            "except OSError:\n    print('network: no')\n"
            "print('y' * 3_000_000)\n"))
        nb.cells.insert(4, new_code_cell("while True:\n    pass\n"))

    grading_kit.make_submission(course, A, "s1", RIGHT, mutate=attack)
    grading_kit.make_submission(course, A, "s2", RIGHT)
    summary = autograde_cohort(A, root=course.root, jobs=1)
    assert sorted(r.student for r in summary.graded) == ["s1", "s2"], [(r.student, r.reasons) for r in summary.failed]
    attacker = next(r for r in summary.graded if r.student == "s1")
    assert attacker.flagged and any("time limit" in x or "interrupted" in x for x in attacker.reasons), attacker.reasons
    scores = {s: {k: v["score"] for k, v in grading_kit.grades(course, A, s).items()} for s in ("s1", "s2")}
    assert scores["s1"] == scores["s2"]  # same answers, same grade
    assert all(v["needs_manual_grade"] for v in grading_kit.grades(course, A, "s1").values())
    nb = nbformat.read(course.root / "autograded" / "s1" / A / f"{A}.ipynb", as_version=4)
    text = json.dumps([c.get("outputs") for c in nb.cells if c.cell_type == "code"])
    assert "course visible: False False" in text and "network: no" in text
    assert len(text) < 1_000_000  # the 3 MB line came back cut
    assert probe.read_text() == "course secret" and db.exists() and before
    leftovers = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if b"confined-sleeper" in (p / "cmdline").read_bytes():
                    leftovers.append(p.name)
            except OSError:
                pass
    assert not leftovers
