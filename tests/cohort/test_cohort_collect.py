"""`course collect`: nbgrader's zip collect (ZipCollectApp + our collector plugin) places Canvas, Moodle
and plain downloads in submitted/<student>/<assignment>/; unmatched files are reported with the reason."""
from __future__ import annotations

import csv
import zipfile

import pytest

from course.errors import CourseError
from course.grading.collect import collect_zip

A = "m9_demo"


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "course"
    (r / "release" / A).mkdir(parents=True)
    (r / "release" / A / f"{A}.ipynb").write_text("{}")
    (r / "nbgrader_config.py").write_text("c = get_config()\n")
    return r


def _zip(path, files: dict[str, str]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def _canvas_roster(path):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
        w.writerow(["    Points Possible", "", "", "", ""])
        w.writerow(["Okafor, Chinwe", "101", "S1", "cokafor", "01"])
        w.writerow(["Reyes, Mateo", "102", "S2", "mreyes", "01"])
        w.writerow(["Lindqvist, Sara", "103", "S3", "slindqvist", "01"])
    return path


def test_canvas_download_with_roster(root, tmp_path):
    z = _zip(tmp_path / "canvas.zip", {
        f"okaforchinwe_101_5551_{A}.ipynb": "chinwe",
        f"reyesmateo_LATE_102_5552_{A}-1.ipynb": "mateo",       # late resubmission: '-1' suffix
        f"ghoststudent_999_5553_{A}.ipynb": "who",              # not on the roster
        "okaforchinwe_101_5551_notes.pdf": "pdf",               # not a notebook
        "__MACOSX/._junk": "x",                                 # archive noise: ignored silently
    })
    rep = collect_zip(root, A, z, roster_path=_canvas_roster(tmp_path / "roster.csv"))
    assert rep.students == ["cokafor", "mreyes"]
    assert (root / "submitted" / "cokafor" / A / f"{A}.ipynb").read_text() == "chinwe"
    assert (root / "submitted" / "mreyes" / A / f"{A}.ipynb").read_text() == "mateo"
    why = dict(rep.unmatched)
    assert "not on the roster" in why[f"ghoststudent_999_5553_{A}.ipynb"]
    assert "not a notebook" in why["okaforchinwe_101_5551_notes.pdf"]
    assert len(rep.unmatched) == 2 and rep.no_file == ["slindqvist"]
    text = rep.text()
    assert "2 file(s) could NOT be matched" in text and "slindqvist" in text and "late by the LMS: mreyes" in text
    # nbgrader's own folders: the download was archived and its extractor unpacked it
    assert (root / "downloaded" / A / "archive" / "canvas.zip").is_file()
    assert (root / "downloaded" / A / "extracted" / "canvas" / f"okaforchinwe_101_5551_{A}.ipynb").is_file()
    # Canvas names carry no submission time: nbgrader writes no timestamp.txt (no false late penalty)
    assert not (root / "submitted" / "cokafor" / A / "timestamp.txt").exists()


def test_moodle_download_folders_by_full_name(root, tmp_path):
    roster = tmp_path / "moodle.csv"
    roster.write_text("First name,Last name,ID number,Email address\nAroha,Ngata,700123,an@example.edu\n"
                      "Dev,Patel,700456,dp@example.edu\n")
    z = _zip(tmp_path / "moodle.zip", {
        f"Aroha Ngata_3310_assignsubmission_file_/{A}.ipynb": "aroha",
        "Dev Patel_3311_assignsubmission_file_/my answers.ipynb": "dev",   # renamed by the student
        f"Sam Unknown_3312_assignsubmission_file_/{A}.ipynb": "sam",
    })
    rep = collect_zip(root, A, z, roster_path=roster, match_column="ID number")
    assert rep.students == ["700123", "700456"]
    assert (root / "submitted" / "700456" / A / f"{A}.ipynb").read_text() == "dev"
    assert rep.renamed == [("Dev Patel_3311_assignsubmission_file_/my answers.ipynb", f"{A}.ipynb")]
    assert [u[0] for u in rep.unmatched] == [f"Sam Unknown_3312_assignsubmission_file_/{A}.ipynb"]
    assert "no roster student is called 'Sam Unknown'" in rep.unmatched[0][1]


def test_plain_layout_without_roster_and_bad_input(root, tmp_path):
    z = _zip(tmp_path / "plain.zip", {f"s01/{A}/{A}.ipynb": "one", f"s02/{A}.ipynb": "two",
                                      f"s01/{A}/timestamp.txt": "2026-01-30 15:00:00.000000 UTC",
                                      f"s03+{A}+2026-02-01 09:30:00.000000 UTC/{A}.ipynb": "three",
                                      f"{A}.ipynb": "orphan"})
    rep = collect_zip(root, A, z)
    assert rep.students == ["s01", "s02", "s03"]
    assert [u[0] for u in rep.unmatched] == [f"{A}.ipynb"]
    # nbgrader's ZipCollectApp wrote timestamp.txt from the times our collector returned
    assert (root / "submitted" / "s01" / A / "timestamp.txt").read_text() == "2026-01-30 15:00:00"
    assert (root / "submitted" / "s03" / A / "timestamp.txt").read_text() == "2026-02-01 09:30:00"
    assert (root / "submitted" / "s03" / A / f"{A}.ipynb").read_text() == "three"
    assert not (root / "submitted" / "s02" / A / "timestamp.txt").exists()
    assert "timestamp.txt) for: s01, s03" in rep.text()
    (tmp_path / "r.csv").write_text("a,b\n")
    with pytest.raises(CourseError, match="not a zip"):
        collect_zip(root, A, tmp_path / "r.csv")
    with pytest.raises(CourseError, match="no assignment 'nope'"):
        collect_zip(root, "nope", z)


@pytest.mark.parametrize("evil", ["../evil.ipynb", "s01/../../evil.ipynb", "/tmp/evil.ipynb", "C:/evil.ipynb",
                                  "..\\evil.ipynb"])
def test_zip_slip_refuses_the_whole_download_whatever_setuptools_does(root, tmp_path, evil):
    """Issue 19: on 3.12+ setuptools' archive code raised UnsafeMember inside nbgrader's unzip; on 3.11
    it skipped the entry. The course checks entries itself: the same plain refusal, nothing extracted."""
    z = _zip(tmp_path / "plain.zip", {f"s01/{A}.ipynb": "one", evil: "x", f"s02/{A}.ipynb": "two"})
    with pytest.raises(CourseError) as info:
        collect_zip(root, A, z)
    msg = str(info.value)
    assert f"'{evil}'" in msg and "outside the folder" in msg and "Nothing was extracted" in msg
    assert not (root / "submitted").exists()
    assert not (root / "downloaded").exists()
    assert not (root.parent / "evil.ipynb").exists() and not (tmp_path / "evil.ipynb").exists()


def test_newest_copy_wins_and_rerun_replaces(root, tmp_path):
    z = _zip(tmp_path / "dup.zip", {
        f"okaforchinwe_101_5551_{A}.ipynb": "first",
        f"okaforchinwe_101_5551_{A}-2.ipynb": "third",          # Canvas resubmission numbers
        f"okaforchinwe_101_5551_{A}-1.ipynb": "second",
        f"s09/{A}/{A}.ipynb": "s09-old", f"s09/{A}/timestamp.txt": "2026-01-01 10:00:00",
        f"s09+{A}+2026-01-02 10:00:00 UTC/{A}.ipynb": "s09-new",   # later time beats the earlier folder
    })
    rep = collect_zip(root, A, z)   # nbgrader alone stops at a duplicate without timestamps
    sub = root / "submitted"
    assert (sub / "okaforchinwe" / A / f"{A}.ipynb").read_text() == "third"
    assert (sub / "s09" / A / f"{A}.ipynb").read_text() == "s09-new"
    assert (sub / "s09" / A / "timestamp.txt").read_text() == "2026-01-02 10:00:00"
    assert rep.superseded == [
        (f"okaforchinwe_101_5551_{A}-1.ipynb", f"okaforchinwe_101_5551_{A}-2.ipynb"),
        (f"okaforchinwe_101_5551_{A}.ipynb", f"okaforchinwe_101_5551_{A}-2.ipynb"),
        (f"s09/{A}/{A}.ipynb", f"s09+{A}+2026-01-02 10:00:00 UTC/{A}.ipynb"),
    ]
    assert "the newest was kept" in rep.text() and rep.unmatched == []
    # a second download replaces the earlier submission of the students in it, and only theirs
    z2 = _zip(tmp_path / "again.zip", {f"okaforchinwe_101_5551_{A}.ipynb": "late fix"})
    rep2 = collect_zip(root, A, z2)
    assert (sub / "okaforchinwe" / A / f"{A}.ipynb").read_text() == "late fix"
    assert (sub / "s09" / A / f"{A}.ipynb").read_text() == "s09-new"
    assert rep2.replaced == ["okaforchinwe"] and "earlier submission of: okaforchinwe" in rep2.text()
    assert not (root / "downloaded" / A / "archive" / "dup.zip").exists()


def test_collector_plugin_is_an_nbgrader_plugin():
    from nbgrader.plugins import FileNameCollectorPlugin

    from course.grading.collect import LmsFileNameCollector

    assert issubclass(LmsFileNameCollector, FileNameCollectorPlugin)


def test_cli_prints_report(root, tmp_path, capsys, monkeypatch):
    from course.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    z = _zip(tmp_path / "plain.zip", {f"s01/{A}.ipynb": "one", "stray.txt": "?"})
    rc = main(["collect", str(z), "--assignment", A, "--root", str(root)])
    cap = capsys.readouterr()
    out = cap.out
    assert rc == 0 and "1 notebook(s) from 1 student(s)" in out and "stray.txt:" in out
    # the root is named, and the next step carries it (it is not the one found from here)
    assert f"Course: {root.resolve()} (given with --root)" in cap.err
    assert f"Next: course autograde {A} --root {root.resolve()}" in out
    # run inside the course (here: a subfolder of it), the hint needs no --root
    (root / "release").mkdir(exist_ok=True)
    monkeypatch.chdir(root / "release")
    assert main(["collect", str(z), "--assignment", A]) == 0
    cap = capsys.readouterr()
    assert f"Next: course autograde {A}\n" in cap.out and f"Course: {root.resolve()} (found" in cap.err
    assert (root / "submitted" / "s01" / A / f"{A}.ipynb").read_text() == "one"
