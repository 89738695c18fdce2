"""Parallel autograde: same gradebook as nbgrader's one-at-a-time API, resumable, never loses a grade."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3

import pytest

from course.errors import CourseError
from course.grading.cohort import Journal, autograde_cohort, gradebook_snapshot, make_api, plan

pytestmark = pytest.mark.nbgrader
A = "ps1"
STUDENTS = [f"s{i:02d}" for i in range(1, 7)]
# answers of cohort_answers(6), worked out by hand: points per item (q1 1pt, q2 2pt, q3 1pt)
EXPECTED = {"s01": (1, 0, 0), "s02": (0, 2, 0), "s03": (1, 0, 1), "s04": (0, 2, 1), "s05": (1, 2, 1),
            "s06": (1, 0, 0)}


def _scores(root):
    snap = gradebook_snapshot(root / "gradebook.db", A)
    return {s: tuple(snap[(s, A, f"q{i}-test")][0] for i in (1, 2, 3)) for s in STUDENTS
            if (s, A, "q1-test") in snap}


def _sequential(course, tmp_path):
    seq = tmp_path / "sequential"
    shutil.copytree(course, seq)
    api = make_api(seq)
    for s in STUDENTS:
        assert api.autograde(A, s, force=True, create=True)["success"]
    return seq


def test_parallel_and_sequential_give_identical_gradebooks(course, graded_course, tmp_path):
    """The session's parallel grading (graded_course, jobs=2) against nbgrader's own API, one by one."""
    seq = _sequential(course, tmp_path)
    par_snap = gradebook_snapshot(graded_course / "gradebook.db", A)
    assert par_snap == gradebook_snapshot(seq / "gradebook.db", A)
    assert len(par_snap) == 6 * 3 * 2  # a grade and a comment per item per student
    assert _scores(graded_course) == EXPECTED
    for s in STUDENTS:  # the graded notebooks are where nbgrader would put them
        assert (graded_course / "autograded" / s / A / "ps1.ipynb").is_file()
    # a rerun finds nothing to do (on a copy: graded_course is shared by other tests)
    again_root = tmp_path / "again"
    shutil.copytree(graded_course, again_root)
    again = autograde_cohort(A, root=again_root, jobs=2)
    assert again.results == [] and sorted(again.skipped) == STUDENTS


def test_worker_killed_mid_run_then_rerun(course):
    killed = []

    def kill_one(kind, info):
        if kind == "result" and not killed and info["worker_pids"]:
            pid = info["worker_pids"][0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    summary = autograde_cohort(A, root=course, jobs=2, on_event=kill_one)
    assert killed
    # the student the killed worker held was handed to another worker: nobody lost, nobody twice
    assert sorted(r.student for r in summary.results) == STUDENTS
    assert not summary.failed
    rerun = autograde_cohort(A, root=course, jobs=2)
    assert rerun.results == [] and sorted(rerun.skipped) == STUDENTS
    assert _scores(course) == EXPECTED  # no stale or missing score
    done = [json.loads(ln)["student"] for ln in Journal(course, A).path.read_text().splitlines()]
    assert sorted(done) == STUDENTS  # each student journaled exactly once
    con = sqlite3.connect(course / "gradebook.db")
    n = con.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0]
    assert n == 6


def test_interrupted_run_resumes_with_the_students_left(course):
    first = autograde_cohort(A, root=course, jobs=2, students=["s01", "s02"])
    assert sorted(r.student for r in first.graded) == ["s01", "s02"]
    todo, skip = plan(course, A)
    assert skip == ["s01", "s02"] and todo == STUDENTS[2:]
    second = autograde_cohort(A, root=course, jobs=2)
    assert sorted(r.student for r in second.graded) == STUDENTS[2:]
    assert _scores(course) == EXPECTED


def test_a_failed_regrade_keeps_the_previous_grade_and_folder(course):
    autograde_cohort(A, root=course, jobs=1, students=["s05"])
    before = {k: v for k, v in gradebook_snapshot(course / "gradebook.db", A).items() if k[0] == "s05"}
    nb_before = (course / "autograded" / "s05" / A / "ps1.ipynb").read_bytes()
    # the student "resubmits" a damaged file: the fingerprint changes, so it is regraded, and fails
    (course / "submitted" / "s05" / A / "ps1.ipynb").write_text("{ this is not a notebook")
    summary = autograde_cohort(A, root=course, jobs=1, students=["s05"])
    assert [r.student for r in summary.failed] == ["s05"]
    assert summary.failed[0].reasons[0] == "the submitted notebook is damaged (not valid JSON)"
    after = {k: v for k, v in gradebook_snapshot(course / "gradebook.db", A).items() if k[0] == "s05"}
    assert after == before and before[("s05", A, "q2-test")][0] == 2.0
    assert (course / "autograded" / "s05" / A / "ps1.ipynb").read_bytes() == nb_before


def test_a_locked_gradebook_is_reported_plainly_and_nothing_changes(course, monkeypatch):
    from course.grading import cohort

    monkeypatch.setattr(cohort, "LOCK_WAIT_SECONDS", 0.2)   # the lock is never released: do not wait 10 s
    con = sqlite3.connect(course / "gradebook.db", timeout=1)
    con.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(CourseError, match="locked by another program"):
            autograde_cohort(A, root=course, jobs=1)
    finally:
        con.rollback()
        con.close()
    assert not (course / "autograded").exists()


def test_cli_prints_progress_and_summary(course, capsys):
    from course.cli import main

    rc = main(["autograde", A, "--jobs", "2", "--root", str(course), "--student", "s05", "--student", "s01"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "[1/2]" in out and "[2/2]" in out and "s05: graded 4/4" in out
    assert "2 graded, 0 need review, 0 failed" in out
    rc = main(["autograde", A, "--root", str(course), "--student", "nobody"])
    assert rc == 2
    assert "No submission of ps1 for: nobody" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(course):
    seen = []

    def interrupt(kind, info):
        if kind == "result":
            seen.append(info["result"].student)
            raise KeyboardInterrupt  # what Ctrl-C does in the parent

    with pytest.raises(KeyboardInterrupt):
        autograde_cohort(A, root=course, jobs=2, on_event=interrupt)
    assert len(seen) == 1
    todo, skip = plan(course, A)
    assert skip == seen and len(todo) == 5  # the merged student is kept, nobody else is half-done
    leftovers = [p for p in (course / "autograded").rglob(".ps1.*")]
    assert leftovers == []
    rest = autograde_cohort(A, root=course, jobs=2)
    assert sorted(r.student for r in rest.graded) == sorted(todo)
    assert _scores(course) == EXPECTED


def test_a_submission_without_the_notebook_fails_with_a_plain_reason(course):
    folder = course / "submitted" / "s03" / A
    (folder / "ps1.ipynb").rename(folder / "my_answers.ipynb")
    summary = autograde_cohort(A, root=course, jobs=1, students=["s03"])
    assert [r.student for r in summary.failed] == ["s03"]
    assert "no notebook of this assignment" in summary.failed[0].reasons[0]
    assert not (course / "autograded" / "s03").exists()


def test_worker_reads_back_exactly_what_the_orm_reads(graded_course):
    """The worker reads a graded student back with plain SQL (_extract_sql, for speed); it must give
    the very values, in the same order, that nbgrader's ORM gives (_extract)."""
    from nbgrader.api import Gradebook, MissingEntry

    from course.grading.cohort import _extract, _extract_sql

    db = graded_course / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        for s in STUDENTS:
            orm, sql = _extract(gb, A, s), _extract_sql(db, A, s)
            assert json.dumps(orm) == json.dumps(sql)
            assert len(sql["notebooks"]["ps1"]["grades"]) == 3
    with pytest.raises(MissingEntry):
        _extract_sql(db, A, "nobody")
