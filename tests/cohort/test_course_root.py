"""One course root, found like git finds its repository (issue 12, item 12): --root, else COURSE_ROOT,
else the nearest folder upwards holding nbgrader_config.py; never the installed package's grading/.
Run from another folder and from a copy of the course, the copy is used and the original untouched."""
from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from course import paths
from course.cli import main
from course.errors import CourseError

REPO_GRADING = paths.GRADING_DIR


@pytest.fixture(autouse=True)
def _no_root_env(monkeypatch):
    monkeypatch.delenv("COURSE_ROOT", raising=False)


def _course(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "nbgrader_config.py").write_text("c = get_config()\n")
    return tmp.resolve()


def test_the_root_is_found_like_git_finds_a_repository(tmp_path, monkeypatch):
    a, b = _course(tmp_path / "a"), _course(tmp_path / "b")
    deep = a / "submitted" / "s01" / "ps1"
    deep.mkdir(parents=True)
    assert paths.find_course_root(None, cwd=deep) == paths.CourseRoot(a, "found")
    assert paths.find_course_root(None, cwd=tmp_path / "a").path == a
    # a clone of the repository: its grading/ is the course
    clone = tmp_path / "clone"
    _course(clone / "grading")
    (clone / "notebooks").mkdir()
    assert paths.find_course_root(None, cwd=clone / "notebooks").path == clone / "grading"
    # COURSE_ROOT beats the search, --root beats both
    env = {"COURSE_ROOT": str(b)}
    assert paths.find_course_root(None, cwd=deep, env=env) == paths.CourseRoot(b, "COURSE_ROOT")
    assert paths.find_course_root(str(a), cwd=tmp_path, env=env) == paths.CourseRoot(a, "--root")
    # nothing found: a plain message that says how to point at one
    with pytest.raises(CourseError) as info:
        paths.find_course_root(None, cwd=tmp_path, env={})
    assert "--root" in str(info.value) and "COURSE_ROOT" in str(info.value)
    with pytest.raises(CourseError, match="is not an nbgrader course folder"):
        paths.find_course_root(str(tmp_path), env={})
    with pytest.raises(CourseError, match="COURSE_ROOT=.*there is no folder"):
        paths.find_course_root(None, env={"COURSE_ROOT": str(tmp_path / "gone")})


def test_no_command_falls_back_to_the_installed_course(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no course here or above
    for argv in (["review", "m1_frame"], ["export"], ["report", "m1_frame"], ["autograde", "m1_frame"],
                 ["collect", "x.zip", "-a", "m1_frame"], ["generate", "m1_frame"], ["feedback", "m1_frame"],
                 ["check-release", "m1_frame"], ["score-reflection", "--list"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "No course found" in err and "--root" in err and "Traceback" not in err, (argv, err)


def test_score_reflection_reads_the_rubric_of_the_course_in_use(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(REPO_GRADING / "rubrics", copy / "rubrics")
    shutil.copy(REPO_GRADING / "nbgrader_config.py", copy / "nbgrader_config.py")
    rubric = copy / "rubrics" / "reflections" / "frame.why-not-friends.yml"
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(text.replace("max_points: 4", "max_points: 7"), encoding="utf-8")
    assert "max_points: 7" in rubric.read_text(encoding="utf-8")
    answer = tmp_path / "a.txt"
    answer.write_text("Becoming friends would blur the frame and create a dual relationship.", encoding="utf-8")

    def max_points(*argv):
        assert main(["score-reflection", "-q", "frame.why-not-friends", str(answer), *argv]) == 0
        cap = capsys.readouterr()
        return json.loads(cap.out)["max_points"], cap.err

    monkeypatch.chdir(tmp_path)
    assert max_points("--root", str(copy))[0] == 7
    monkeypatch.chdir(copy / "rubrics" / "reflections")  # inside the copy, no --root
    points, err = max_points()
    assert points == 7 and f"Course: {copy.resolve()} (found" in err
    monkeypatch.chdir(REPO_GRADING.parent)  # the repository itself: its own rubric
    assert max_points()[0] == 4
    monkeypatch.setenv("COURSE_ROOT", str(copy))
    assert max_points()[0] == 7


@pytest.mark.nbgrader
def test_autograde_from_a_subfolder_of_a_copy_grades_the_copy_only(course, tmp_path, monkeypatch, capsys):
    original = course
    copy = tmp_path / "elsewhere" / "my-course"
    shutil.copytree(original, copy)
    before = {p.relative_to(original) for p in original.rglob("*")}
    monkeypatch.chdir(copy / "submitted")  # inside the copy's grading folder, in a subfolder
    assert main(["autograde", "ps1", "-j", "1", "--student", "s01", "--student", "s02"]) == 0
    cap = capsys.readouterr()
    assert f"Course: {copy.resolve()} (found from the current folder)" in cap.err
    assert (copy / "autograded" / "s01" / "ps1").is_dir()
    assert {p.relative_to(original) for p in original.rglob("*")} == before  # the original is untouched
    assert not (REPO_GRADING / "autograded").exists() or not (REPO_GRADING / "autograded" / "s01").exists()
    # from an unrelated folder, --root names the course to use; COURSE_ROOT does too
    monkeypatch.chdir(tmp_path)
    assert main(["review", "ps1", "--root", str(copy)]) == 0
    monkeypatch.setenv("COURSE_ROOT", str(copy))
    assert main(["export", "--assignment", "ps1"]) == 0
    assert (copy / "reports" / "grades-csv-ps1.csv").is_file()
    assert not (original / "reports").exists()


def test_a_read_only_course_still_loads_and_never_says_restore_from_git(tmp_path, monkeypatch, capsys):
    """The shipped config creates exchange/.cache, which fails on a read-only course. That must not stop
    the config from loading, nor be reported as a config that 'could not be read ... restore it from git'."""
    copy = tmp_path / "ro"
    copy.mkdir()
    shutil.copy(REPO_GRADING / "nbgrader_config.py", copy / "nbgrader_config.py")
    real_makedirs = os.makedirs

    def read_only(path, *a, **kw):  # what a read-only mount does (the tests may run as root)
        if str(path).startswith(str(copy)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_makedirs(path, *a, **kw)

    monkeypatch.setattr(os, "makedirs", read_only)
    # the config loads on a read-only course (its exchange folder is created only where it can be),
    # so a read-only command gets as far as its own question: here, an assignment the course lacks
    assert main(["review", "m1_frame", "--root", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "no assignment called 'm1_frame'" in err and "restore it from git" not in err
    assert "could not be read" not in err and "Traceback" not in err
