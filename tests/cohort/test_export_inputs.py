"""Export and the gradebook against awkward input (issue 12, item 13): formula injection, rosters whose
column matches nobody, Canvas's existing assignment column and Test Student, and gradebooks that are
empty, damaged or missing a table (plain errors, nonzero exit, no traceback, no silent replacement)."""
from __future__ import annotations

import csv
import shutil
import sqlite3

import pytest

from course.cli import main
from course.errors import CourseError
from course.grading.export import Item, Scores, build_table, export, read_roster, write_table

A = "ps1"


def _scores(ids):
    items = {A: [Item(A, A, "q1", 1.0), Item(A, A, "q2", 2.0)]}
    sc = Scores([A], items, {A: 3.0}, {s: {"first_name": "", "last_name": "", "email": ""} for s in ids})
    for n, s in enumerate(ids):
        sc.submissions[(s, A)] = {"items": {(A, "q1"): 1.0, (A, "q2"): float(n % 3)}, "total": 1.0 + n % 3,
                                  "penalty": 0.0}
    return sc


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


HOSTILE = ["=2+5", "@SUM(A1:A9)", "+", "-", "-1+cmd|' /C calc'!A0", "\tx", "s01"]


@pytest.mark.parametrize("fmt", ["csv", "canvas", "moodle"])
def test_ids_that_look_like_formulas_are_escaped(tmp_path, fmt):
    header, rows, _rep = build_table(_scores(HOSTILE), fmt)
    write_table(tmp_path / "g.csv", header, rows)
    cells = [c for row in _read(tmp_path / "g.csv") for c in row]
    for sid in HOSTILE[:-1]:
        assert sid not in cells and "'" + sid in cells
    assert "s01" in cells
    # scores stay numbers, and no cell a spreadsheet would evaluate is left
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "3" in cells and "1" in cells


def _roster(path, rows, header=("Student", "ID", "SIS User ID", "SIS Login ID", "Section")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_a_roster_column_that_matches_nobody_fails_plainly(tmp_path):
    roster = _roster(tmp_path / "r.csv", [["Okafor, Chinwe", "101", "S1", "cokafor", "01"]])
    with pytest.raises(CourseError, match="No value in the roster column 'SIS User ID' is a student id"):
        read_roster(roster, {"s01", "s02"}, key="SIS User ID")


def test_duplicate_ids_in_an_export_roster_are_rejected_with_the_lines(tmp_path):
    roster = _roster(tmp_path / "r.csv", [["A, B", "1", "", "s01", ""], ["C, D", "2", "", "s02", ""],
                                          ["E, F", "3", "", "s01", ""]])
    with pytest.raises(CourseError, match=r"'s01' twice \(column 'SIS Login ID', lines 2 and 4\)"):
        read_roster(roster, {"s01", "s02"})


def test_canvas_uses_the_rosters_existing_column_and_names_the_test_student(tmp_path):
    header = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Current Score", "PS1: the frame (4421)")
    roster = _roster(tmp_path / "r.csv", [["    Points Possible", "", "", "", "", "", "4"],
                                          ["Okafor, Chinwe", "101", "S1", "s01", "01", "", ""],
                                          ["Student, Test", "999", "", "", "01", "", ""]], header)
    sc = _scores(["s01"])
    h, rows, rep = build_table(sc, "canvas", roster=read_roster(roster, {"s01"}))
    assert h[-1] == "PS1: the frame (4421)"  # Canvas fills the existing assignment, not a new one
    assert "Left out Canvas's 'Student, Test' (roster line 4)" in rep.text()
    assert [r[3] for r in rows[1:]] == ["s01"]
    other = _roster(tmp_path / "o.csv", [["Okafor, Chinwe", "101", "S1", "s01", "01"]])
    h, _rows, rep = build_table(sc, "canvas", roster=read_roster(other, {"s01"}))
    assert h[-1] == A and "Canvas will create a NEW assignment called 'ps1'" in rep.text()


def test_latin1_roster_names_reach_the_moodle_file(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_bytes("First name,Last name,ID number,Email address\nJosé,Núñez,s01,jn@example.edu\n"
                       .encode("cp1252"))
    h, rows, rep = build_table(_scores(["s01"]), "moodle", roster=read_roster(roster, {"s01"}))
    assert rows[0][:2] == ["José", "Núñez"] and "read as Windows-1252" in rep.text()
    roster.write_bytes("First name,Last name,ID number\r\nJosé,Núñez,s01\r\n".encode("utf-16"))
    assert read_roster(roster, {"s01"}).rows[0]["First name"] == "José"


# ----------------------------------------------------------------------------- damaged gradebooks
@pytest.fixture
def graded_copy(graded_course, tmp_path):
    dest = tmp_path / "course"
    shutil.copytree(graded_course, dest)
    return dest


def _run(capsys, *argv):
    rc = main(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


DAMAGE = {
    "empty": lambda db: db.write_bytes(b""),
    "not sqlite": lambda db: db.write_bytes(b"this is not a database at all, just text" * 10),
    "grade table dropped": lambda db: _sql(db, "DROP TABLE grade"),
    "student table dropped": lambda db: _sql(db, "DROP TABLE student"),
}


def _sql(db, statement):
    con = sqlite3.connect(db)
    con.execute(statement)
    con.commit()
    con.close()


@pytest.mark.nbgrader
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_gradebook_stops_every_command_plainly(graded_copy, tmp_path, capsys, damage):
    db = graded_copy / "gradebook.db"
    DAMAGE[damage](db)
    before = db.read_bytes()
    root = ["--root", str(graded_copy)]
    for argv in (["export", "--assignment", A, "-o", str(tmp_path / "g.csv")], ["review", A], ["report", A],
                 ["autograde", A, "-j", "1"], ["feedback", A], ["generate", A]):
        rc, out, err = _run(capsys, *argv, *root)
        assert rc == 2, (argv, out, err)
        assert "Traceback" not in out + err
        assert ("empty file" in err if damage == "empty" else "damaged" in err), (argv, err)
    assert db.read_bytes() == before  # never silently replaced or "repaired"
    assert not (tmp_path / "g.csv").exists()
