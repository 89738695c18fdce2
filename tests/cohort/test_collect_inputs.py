"""`course collect` against hostile or awkward input (issue 12, items 9, 10, 13; issue 19): zip bombs and
zip slip refused whole with the entry named, memory kept small, the run lock, no silent duplicate
students, unusable ids, and rosters in other encodings or with duplicate ids."""
from __future__ import annotations

import codecs
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course.errors import CourseError
from course.grading.collect import collect_zip

A = "m9_demo"
MiB = 1 << 20


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "course"
    (r / "release" / A).mkdir(parents=True)
    (r / "release" / A / f"{A}.ipynb").write_text("{}")
    (r / "nbgrader_config.py").write_text("c = get_config()\n")
    return r


def _zip(path, files: dict[str, str | bytes]):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _zeros_zip(path: Path, name: str, size: int, level: int = 1) -> Path:
    """A zip whose one entry unpacks to `size` zero bytes, written in chunks (never held in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        with zf.open(name, "w", force_zip64=True) as fh:
            chunk = bytes(16 * MiB)
            left = size
            while left:
                fh.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
    return path


def _collect_in_child(root: Path, z: Path) -> dict:
    """Run collect_zip in a fresh interpreter; return its message, its peak memory once everything is
    imported (base) and its peak memory after collecting (peak), in bytes."""
    code = (
        "import json, resource\n"
        "from course.errors import CourseError\n"
        "from course.grading.collect import collect_zip\n"
        "import nbgrader.apps, nbgrader.coursedir\n"
        "peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "out = {'error': None, 'placed': [], 'base': peak()}\n"
        "try:\n"
        f"    rep = collect_zip({str(root)!r}, {A!r}, {str(z)!r})\n"
        "    out['placed'] = rep.students\n"
        "except CourseError as exc:\n"
        "    out['error'] = str(exc)\n"
        "out['peak'] = peak()\n"
        "print(json.dumps(out))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def gib_bomb(tmp_path_factory) -> Path:
    """About 4.5 MB that unpacks to 1 GiB (the issue's 1 MB -> 1 GiB, at a faster compression level)."""
    return _zeros_zip(tmp_path_factory.mktemp("bomb") / "bomb.zip", f"s01/{A}.ipynb", 1024 * MiB)


def test_a_1_gib_zip_bomb_is_refused_by_name_with_little_memory(root, gib_bomb):
    out = _collect_in_child(root, gib_bomb)
    assert out["error"] and f"'s01/{A}.ipynb'" in out["error"] and "1.00 GB" in out["error"]
    assert "Nothing was extracted" in out["error"] and out["placed"] == []
    assert not (root / "downloaded").exists() and not (root / "submitted").exists()
    assert out["peak"] - out["base"] < 64 * MiB, out  # collect peaked at 2.2 GB before


def test_a_high_ratio_entry_is_refused_as_a_zip_bomb(root, tmp_path):
    z = _zeros_zip(tmp_path / "ratio.zip", f"s02/{A}.ipynb", 40 * MiB, level=6)  # ~1000 to 1
    with pytest.raises(CourseError, match=rf"'s02/{A}.ipynb' unpacks to 40.0 MB .*zip bomb"):
        collect_zip(root, A, z)
    assert not (root / "submitted").exists()


def test_entries_are_streamed_never_read_whole(root, tmp_path):
    """With the limits raised in nbgrader_config.py, a 200 MB entry is unpacked and collected while the
    process grows by far less than the entry (nbgrader's extractor read each entry whole)."""
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.BoundedExtractor.max_ratio = 10**6\n"
                                             "c.BoundedExtractor.max_file_bytes = 512 * 1024**2\n")
    z = _zeros_zip(tmp_path / "big.zip", f"s03/{A}.ipynb", 200 * MiB)
    out = _collect_in_child(root, z)
    assert out["error"] is None and out["placed"] == ["s03"]
    assert (root / "submitted" / "s03" / A / f"{A}.ipynb").stat().st_size == 200 * MiB
    assert out["peak"] - out["base"] < 100 * MiB, out


def test_a_bomb_inside_a_nested_zip_is_refused_and_nothing_is_left_extracted(root, tmp_path):
    inner = _zeros_zip(tmp_path / "inner.zip", f"{A}.ipynb", 40 * MiB, level=6)
    z = _zip(tmp_path / "outer.zip", {f"s01/{A}.ipynb": "fine", "s02/work.zip": inner.read_bytes()})
    with pytest.raises(CourseError) as info:
        collect_zip(root, A, z)
    assert "outer.zip > s02/work.zip" in str(info.value) and f"'{A}.ipynb'" in str(info.value)
    extracted = root / "downloaded" / A / "extracted"
    assert not extracted.exists() or not any(extracted.rglob("*"))
    assert not (root / "submitted").exists()


def test_a_nested_zip_within_limits_is_unpacked(root, tmp_path):
    inner = tmp_path / "inner.zip"
    _zip(inner, {f"{A}.ipynb": "from inside"})
    z = _zip(tmp_path / "outer.zip", {"s04.zip": inner.read_bytes()})
    rep = collect_zip(root, A, z)
    assert rep.students == ["s04"]
    assert (root / "submitted" / "s04" / A / f"{A}.ipynb").read_text() == "from inside"


def test_symlink_and_too_many_entries_are_refused(root, tmp_path):
    z = tmp_path / "link.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo(f"s01/{A}.ipynb")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(CourseError, match="symbolic link"):
        collect_zip(root, A, z)
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.BoundedExtractor.max_files = 3\n")
    many = _zip(tmp_path / "many.zip", {f"s{i:02d}/{A}.ipynb": "x" for i in range(5)})
    with pytest.raises(CourseError, match=r"'s03/m9_demo.ipynb' is one more than the 3 files"):
        collect_zip(root, A, many)


def test_collect_refuses_while_autograde_holds_the_run_lock(root, tmp_path):
    from course.grading.lock import course_lock

    z = _zip(tmp_path / "plain.zip", {f"s01/{A}.ipynb": "one"})
    with course_lock(root, "course autograde"):
        with pytest.raises(CourseError, match="course autograde is already running"):
            collect_zip(root, A, z)
        assert not (root / "submitted").exists()
    assert collect_zip(root, A, z).students == ["s01"]  # released: collect runs


def test_without_a_roster_unknown_ids_need_a_decision(root, tmp_path):
    (root / "submitted" / "cokafor" / A).mkdir(parents=True)  # the course knows its students by login
    z = _zip(tmp_path / "canvas.zip", {f"okaforchinwe_101_5551_{A}.ipynb": "chinwe"})
    with pytest.raises(CourseError) as info:
        collect_zip(root, A, z)
    msg = str(info.value)
    assert "Nothing was collected" in msg and "okaforchinwe" in msg and "--roster" in msg and "--new-students" in msg
    assert not (root / "submitted" / "okaforchinwe").exists()
    rep = collect_zip(root, A, z, new_students=True)  # the decision: they are new students
    assert rep.students == ["okaforchinwe"]


@pytest.mark.parametrize("name,why", [
    (f".._101_5551_{A}.ipynb", "special folder name"),
    (f"..+{A}+2026-01-01 10:00:00 UTC/{A}.ipynb", "special folder name"),  # nbgrader's exchange layout
    (f".hidden/{A}.ipynb", "starts with a dot"),
])
def test_ids_that_cannot_be_folders_are_refused(root, tmp_path, name, why):
    z = _zip(tmp_path / "odd.zip", {name: "x", f"s01/{A}.ipynb": "one"})
    rep = collect_zip(root, A, z)
    assert rep.students == ["s01"]
    assert why in dict(rep.unmatched)[name]
    assert not (root / "submitted" / A).exists() and not (root / A).exists()


def _moodle_zip(tmp_path, names):
    return _zip(tmp_path / "moodle.zip", {f"{n}_33{i}_assignsubmission_file_/{A}.ipynb": n
                                          for i, n in enumerate(names)})


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16", "utf-16-le"])
def test_rosters_in_latin1_utf8_bom_and_utf16_match_accented_names(root, tmp_path, encoding):
    roster = tmp_path / "roster.csv"
    text = "First name,Last name,ID number\r\nJosé,Núñez,700001\r\nAroha,Ngata,700002\r\n"
    roster.write_bytes(text.encode(encoding))
    rep = collect_zip(root, A, _moodle_zip(tmp_path, ["José Núñez", "Aroha Ngata"]), roster_path=roster,
                      match_column="ID number")
    assert rep.students == ["700001", "700002"] and rep.unmatched == []
    if encoding == "cp1252":
        assert "read as Windows-1252" in rep.text()


def test_semicolon_roster_and_bad_utf8_bom_file(root, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes("First name;Last name;ID number\nJosé;Núñez;700001\n".encode("cp1252"))
    rep = collect_zip(root, A, _moodle_zip(tmp_path, ["José Núñez"]), roster_path=roster, match_column="ID number")
    assert rep.students == ["700001"]
    roster.write_bytes(codecs.BOM_UTF8 + "First name\nJosé\n".encode("cp1252"))
    with pytest.raises(CourseError, match="says it is UTF-8-SIG"):
        collect_zip(root, A, _moodle_zip(tmp_path, ["José Núñez"]), roster_path=roster)


def test_duplicate_ids_in_the_roster_are_rejected_with_the_lines(root, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("First name,Last name,ID number\nAroha,Ngata,700002\nDev,Patel,700003\n"
                      "Sam,Lee,700002\n")
    with pytest.raises(CourseError, match=r"'700002' twice \(column 'ID number', lines 2 and 4\)"):
        collect_zip(root, A, _moodle_zip(tmp_path, ["Aroha Ngata"]), roster_path=roster, match_column="ID number")
    assert not (root / "submitted").exists()


def test_two_students_with_one_name_are_never_guessed(root, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("First name,Last name,ID number\nMaria,Garcia,1\nMaria,Garcia,2\nDev,Patel,3\n")
    rep = collect_zip(root, A, _moodle_zip(tmp_path, ["Maria Garcia", "Dev Patel"]), roster_path=roster,
                      match_column="ID number")
    assert rep.students == ["3"]
    assert "two roster students are called 'Maria Garcia'" in rep.unmatched[0][1]


def test_canvas_test_student_is_dropped_with_a_line(root, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
                      "\"Okafor, Chinwe\",101,S1,cokafor,01\n\"Student, Test\",999,,,01\n")
    z = _zip(tmp_path / "canvas.zip", {f"okaforchinwe_101_5551_{A}.ipynb": "c", f"studenttest_999_5552_{A}.ipynb": "t"})
    rep = collect_zip(root, A, z, roster_path=roster)
    assert rep.students == ["cokafor"]
    assert "Left out Canvas's 'Student, Test' (roster line 4)" in rep.text()


def test_a_moodle_collect_puts_roster_names_where_course_review_shows_them(root, tmp_path):
    """`course review` in a Moodle course listed only ID numbers: the roster's names now reach the
    gradebook at collect, and the review list (and report, exports) show them."""
    from nbgrader.api import Gradebook

    from course.grading.review import format_entries, review

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}"):
        pass
    (root / "source" / A).mkdir(parents=True)
    roster = tmp_path / "roster.csv"
    roster.write_text("First name,Last name,ID number,Email address\nJosé,Núñez,700001,jn@example.edu\n"
                      "Aroha,Ngata,700002,\n", encoding="utf-8")
    rep = collect_zip(root, A, _moodle_zip(tmp_path, ["José Núñez", "Aroha Ngata"]), roster_path=roster,
                      match_column="ID number")
    assert rep.students == ["700001", "700002"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        st = gb.find_student("700001")
        assert (st.first_name, st.last_name, st.email) == ("José", "Núñez", "jn@example.edu")
    entries = review(A, root)          # collected, not autograded yet: both need a person
    assert {(e.student, e.name) for e in entries} == {("700001", "José Núñez"), ("700002", "Aroha Ngata")}
    assert "700001 (José Núñez)" in format_entries(entries)
