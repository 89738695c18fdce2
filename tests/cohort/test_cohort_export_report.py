"""Exports parse back and match the gradebook; LMS layouts follow their documented headers; the
report builds and its numbers match values worked out by hand."""
from __future__ import annotations

import csv

import pytest

from course.errors import CourseError
from course.grading.export import export, load_scores

pytestmark = pytest.mark.nbgrader
A = "ps1"
# per student (q1, q2, q3) as worked out from cohort_answers(6) (see test_cohort_autograde.py)
EXPECTED = {"s01": (1, 0, 0), "s02": (0, 2, 0), "s03": (1, 0, 1), "s04": (0, 2, 1), "s05": (1, 2, 1),
            "s06": (1, 0, 0)}


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _gradebook_values(root):
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for sub in gb.find_assignment(A).submissions:
            out[sub.student.id] = ({g.name: g.score for nb in sub.notebooks for g in nb.grades}, sub.score)
    return out


def test_csv_export_parses_back_and_matches_the_gradebook(graded_course, tmp_path):
    rep = export(graded_course / "gradebook.db", "csv", tmp_path / "g.csv")
    rows = _read(tmp_path / "g.csv")
    head = rows[0]
    assert head[:5] == ["student_id", "first_name", "last_name", "email", "status"]
    assert head[5:] == ["ps1/q1-test", "ps1/q2-test", "ps1/q3-test", "ps1/total"]  # notebook order
    assert rows[1][0] == "(points possible)" and rows[1][5:] == ["1", "2", "1", "4"]
    gb = _gradebook_values(graded_course)
    body = {r[0]: r for r in rows[2:]}
    assert sorted(body) == sorted(EXPECTED) and rep.rows == 6
    for s, r in body.items():
        items, total = gb[s]
        assert [float(x) for x in r[5:8]] == [items["q1-test"], items["q2-test"], items["q3-test"]]
        assert float(r[8]) == total == sum(EXPECTED[s])
        assert r[4] == "graded"


def _canvas_roster(path, ids):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Old quiz (55)"])
        w.writerow(["    Points Possible", "", "", "", "", "10"])
        for n, s in enumerate(ids):
            w.writerow([f"Lastname{n}, First{n}", str(9000 + n), f"SIS{n}", s, "COUN 610 01", "7"])


def test_canvas_file_follows_the_import_layout_and_reports_mismatches(graded_course, tmp_path):
    roster = tmp_path / "canvas_export.csv"
    _canvas_roster(roster, ["s01", "s02", "s03", "s04", "s05", "zz99"])  # s06 missing, zz99 never submitted
    rep = export(graded_course / "gradebook.db", "canvas", tmp_path / "c.csv", roster_path=roster)
    rows = _read(tmp_path / "c.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ps1"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "4"
    body = {r[3]: r for r in rows[2:]}
    assert sorted(body) == ["s01", "s02", "s03", "s04", "s05", "zz99"]
    assert body["s04"] == ["Lastname3, First3", "9003", "SIS3", "s04", "COUN 610 01", "3"]
    assert body["zz99"][5] == ""  # no submission: blank, never a silent zero
    assert rep.not_on_roster == ["s06"] and rep.no_submission == {"ps1": ["zz99"]}
    text = rep.text()
    assert "s06" in text and "NOT on the roster" in text and "zz99" in text
    export(graded_course / "gradebook.db", "canvas", tmp_path / "z.csv", roster_path=roster, missing_as_zero=True)
    assert {r[3]: r[5] for r in _read(tmp_path / "z.csv")[2:]}["zz99"] == "0"


def test_moodle_file_follows_the_csv_import_layout(graded_course, tmp_path):
    roster = tmp_path / "moodle.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["First name", "Last name", "ID number", "Institution", "Department", "Email address"])
        for s in ["s01", "s02", "s03", "s04", "s05", "s06"]:
            w.writerow([f"F{s}", f"L{s}", s, "", "", f"{s}@example.edu"])
    rep = export(graded_course / "gradebook.db", "moodle", tmp_path / "m.csv", roster_path=roster, items=True)
    rows = _read(tmp_path / "m.csv")
    # Moodle names a grade item's column "<name> (Real)" and pre-maps such a column to the item of
    # that name; "ID number" and "Email address" are its "Map to" user fields
    assert rows[0] == ["First name", "Last name", "ID number", "Email address",
                       "ps1 q1-test (Real)", "ps1 q2-test (Real)", "ps1 q3-test (Real)", "ps1 (Real)"]
    body = {r[2]: r for r in rows[1:]}  # no points-possible row in Moodle's layout
    assert len(rows) == 7 and rep.not_on_roster == [] and rep.no_submission == {"ps1": []}
    for s, r in body.items():
        assert r[3] == f"{s}@example.edu"
        assert [float(x) for x in r[4:7]] == list(EXPECTED[s]) and float(r[7]) == sum(EXPECTED[s])


def test_export_errors_are_plain(graded_course, tmp_path):
    with pytest.raises(CourseError, match="no assignment called nope"):
        export(graded_course / "gradebook.db", "csv", tmp_path / "x.csv", assignments=["nope"])
    bad = tmp_path / "r.csv"
    bad.write_text("name,colour\nAna,blue\n")
    with pytest.raises(CourseError, match="--match-column"):
        export(graded_course / "gradebook.db", "canvas", tmp_path / "x.csv", roster_path=bad)


def test_report_builds_with_hand_checked_statistics(graded_course, tmp_path):
    from course.grading.report import build_report, gather, item_statistics

    d = gather(graded_course, A, graded_course / "gradebook.db")
    assert d.item_names == ["q1-test", "q2-test", "q3-test"]
    assert dict(zip(d.students, (tuple(r) for r in d.matrix))) == EXPECTED
    st = item_statistics(d.matrix, d.max_scores)
    # q1: 4 of 6 right -> 4/6; q2: 3 x 2 of 6 x 2 points -> 0.5; q3: 3 of 6 -> 0.5
    assert [s["difficulty"] for s in st] == pytest.approx([4 / 6, 0.5, 0.5])
    # q3 = [0,0,1,1,1,0] vs rest (q1+q2) = [1,2,1,2,3,1]: sxy 1, sxx 1.5, syy 10/3 -> 1/sqrt(5)
    assert st[2]["discrimination"] == pytest.approx(1 / 5 ** 0.5)
    path = build_report(graded_course, A, graded_course / "gradebook.db", tmp_path / "rep")
    text = path.read_text()
    assert "6 graded submission(s). Total possible: 4 points." in text
    assert "Mean 2.17, median 2.00" in text  # totals 1,2,2,3,4,1
    assert "| q3-test | 1 | 0.50 | 0.50 | 0.45 |" in text
    for png in ("scores.png", "items.png"):
        assert (tmp_path / "rep" / png).stat().st_size > 2000
    assert "Nothing is waiting for review." in text


def test_report_reads_concepts_and_review_flags_from_sidecars(graded_course, tmp_path):
    import json
    import shutil

    from course.grading.report import build_report

    root = tmp_path / "c"
    shutil.copytree(graded_course, root)
    side = {"ps1": {"items": {
        "q2-test": {"item": "q2", "kind": "reflection", "found": ["Frame"], "missing": ["Consent"],
                    "needs_review": True, "review_reasons": ["Reflection: very short"]}}}}
    for s in ("s01", "s02"):
        (root / "autograded" / s / A / ".course-review.json").write_text(json.dumps(side))
    text = build_report(root, A, root / "gradebook.db").read_text()
    assert "| q2 | Consent | 0 | 2 | 100% |" in text and "| q2 | Frame | 2 | 0 | 0% |" in text
    assert "| s01 | q2 | Reflection: very short |" in text
    assert (root / "reports" / A / "concepts.png").is_file()


def test_moodle_file_reuses_the_column_of_a_moodle_grade_export(graded_course, tmp_path):
    roster = tmp_path / "moodle-export.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                    "Assignment: ps1 (Real)", "Assignment: ps1 (Feedback)", "Course total (Real)"])
        for s in ["s01", "s02", "s03", "s04", "s05", "s06"]:
            w.writerow([f"F{s}", f"L{s}", s, "", "", f"{s}@example.edu", "-", "", "-"])
    export(graded_course / "gradebook.db", "moodle", tmp_path / "m.csv", roster_path=roster)
    rows = _read(tmp_path / "m.csv")
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "Assignment: ps1 (Real)"]
    assert {r[2]: float(r[4]) for r in rows[1:]} == {s: sum(v) for s, v in EXPECTED.items()}
