"""Progress display, failure reasons and the journal: plain functions, no nbgrader run."""
from __future__ import annotations

import io

from course.grading.cohort import (RETRYABLE, Journal, Progress, StudentResult, Summary, _plain_reason,
                                   format_summary)


def _feed(progress):
    progress("plan", {"todo": ["a", "b", "c"], "skipped": ["z"], "jobs": 2})
    progress("result", {"result": StudentResult("a", "graded", 3, 4), "done": 1, "total": 3})
    progress("result", {"result": StudentResult("b", "graded", 1, 4, flagged=True, reasons=["q1: unsure"]),
                        "done": 2, "total": 3})
    progress("result", {"result": StudentResult("c", "failed", reasons=["a cell ran past the time limit"]),
                        "done": 3, "total": 3})


def test_one_line_per_student_when_not_a_terminal():
    out = io.StringIO()
    _feed(Progress(out, tty=False))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Grading 3 submission(s) with 2 worker(s); 1 already graded")
    assert lines[1:] == ["[1/3] a: graded 3/4", "[2/3] b: graded 1/4 (needs review)",
                         "[3/3] c: FAILED: a cell ran past the time limit"]


def test_a_redrawn_bar_on_a_terminal():
    out = io.StringIO()
    _feed(Progress(out, tty=True, width=12))
    text = out.getvalue()
    assert text.count("\r[") == 3 and text.endswith("\n")
    assert "[############] 3/3  graded 2  review 1  failed 1" in text


def test_summary_names_review_and_failures():
    s = Summary("ps1", [StudentResult("a", "graded", 3, 4), StudentResult("b", "graded", 1, 4, True, ["q1: unsure"]),
                        StudentResult("c", "failed", reasons=["damaged"])], skipped=["z"], seconds=75)
    text = format_summary(s)
    assert text.splitlines()[0] == "ps1: 2 graded, 1 need review, 1 failed, 1 unchanged since the last run (1m15s)."
    assert "  b: q1: unsure" in text and "  c: damaged" in text and "run the same command again" in text


def test_failure_reasons_are_plain_and_kernel_races_are_retryable():
    race = "zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:50321')"
    assert RETRYABLE.search(race) and RETRYABLE.search("RuntimeError: Kernel didn't respond in 20 seconds")
    assert not RETRYABLE.search("NameError: name 'x' is not defined")
    assert "did not start" in _plain_reason(race)
    assert "damaged" in _plain_reason("nbformat.reader.NotJSONError: Notebook does not appear to be JSON")
    assert "time limit" in _plain_reason("CellTimeoutError: No reply from kernel before timeout")


def test_journal_survives_a_torn_last_line_and_forgets(tmp_path):
    j = Journal(tmp_path, "ps1")
    j.append({"student": "a", "fingerprint": "1"})
    j.append({"student": "b", "fingerprint": "2"})
    with open(j.path, "a") as fh:
        fh.write('{"student": "c", "finger')  # the process died mid-write
    assert sorted(j.load()) == ["a", "b"]
    j.forget(["a"])
    assert sorted(j.load()) == ["b"]
