"""`course workspace`: the learner's own copy of the notebooks. Running notebooks never changes the
course's tracked files, and a course update never overwrites or conflicts with a learner's work."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from course import paths
from course.errors import CourseError
from course.workspace import MANIFEST, course_notebooks, default_dest, sync

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TODAY = date(2026, 12, 2)


def _nb(text: str) -> str:
    return json.dumps({"cells": [{"cell_type": "markdown", "id": "c1", "metadata": {}, "source": text}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture(autouse=True)
def _own_jupyter_data(tmp_path, monkeypatch):
    """The trust store the copies are signed in: this test's, never the user's."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    return tmp_path / "jupyter-data"


@pytest.fixture
def course(tmp_path):
    src = tmp_path / "course-notebooks"
    src.mkdir()
    (src / "00_start_here.ipynb").write_text(_nb("start v1"))
    (src / "05_termination.ipynb").write_text(_nb("termination v1"))
    (src / "facilitator").mkdir()
    (src / "facilitator" / "guide.ipynb").write_text(_nb("for seminar leaders"))
    return src


def test_first_run_copies_the_student_notebooks_only(course, tmp_path):
    dest = tmp_path / "mine"
    res = sync(dest, course, today=TODAY)
    assert sorted(p.name for p in dest.glob("*.ipynb")) == ["00_start_here.ipynb", "05_termination.ipynb"]
    assert not (dest / "facilitator").exists()
    assert res.new and res.messages() == [
        f"Made your own copy of the course's 2 notebooks in {dest.resolve()}. Your answers are saved there; "
        "course updates never overwrite them."]
    again = sync(dest, course, today=TODAY)
    assert not again.changed and again.messages() == []


def test_the_courses_copies_are_trusted_the_learners_edits_are_not_signed_by_it(course, tmp_path,
                                                                                  _own_jupyter_data):
    """So JupyterLab's "Render with Voila" button opens them without an "untrusted notebook" dialog."""
    import nbformat
    from nbformat.sign import NotebookNotary

    dest = tmp_path / "mine"
    sync(dest, course, today=TODAY)
    notary = NotebookNotary(data_dir=str(_own_jupyter_data))
    assert notary.check_signature(nbformat.read(dest / "00_start_here.ipynb", as_version=4))
    (dest / "05_termination.ipynb").write_text(_nb("my own edit"))
    sync(dest, course, today=TODAY)
    assert not notary.check_signature(nbformat.read(dest / "05_termination.ipynb", as_version=4))


def test_an_update_never_touches_the_learners_work(course, tmp_path):
    dest = tmp_path / "mine"
    sync(dest, course, today=TODAY)
    mine = dest / "05_termination.ipynb"
    mine.write_text(_nb("termination v1 + my 165-word answer"))
    (course / "05_termination.ipynb").write_text(_nb("termination v2"))
    res = sync(dest, course, today=TODAY)
    assert mine.read_text() == _nb("termination v1 + my 165-word answer")
    beside = dest / "05_termination (course update 2026-12-02).ipynb"
    assert beside.read_text() == _nb("termination v2")
    assert res.messages() == [
        'The course has a new version of 05_termination.ipynb. Your copy, with your answers, is unchanged; '
        'the new version is beside it as "05_termination (course update 2026-12-02).ipynb".']
    # offered once: the next start says nothing and writes nothing
    assert not sync(dest, course, today=TODAY).changed
    # a second update the same day gets its own name
    (course / "05_termination.ipynb").write_text(_nb("termination v3"))
    res = sync(dest, course, today=TODAY)
    assert res.beside == [("05_termination.ipynb", "05_termination (course update 2026-12-02) 2.ipynb")]
    assert mine.read_text() == _nb("termination v1 + my 165-word answer")


def test_an_untouched_copy_is_simply_updated_and_new_notebooks_arrive(course, tmp_path):
    dest = tmp_path / "mine"
    sync(dest, course, today=TODAY)
    (course / "00_start_here.ipynb").write_text(_nb("start v2"))
    (course / "06_capstone.ipynb").write_text(_nb("capstone"))
    res = sync(dest, course, today=TODAY)
    assert (dest / "00_start_here.ipynb").read_text() == _nb("start v2")
    assert (dest / "06_capstone.ipynb").read_text() == _nb("capstone")
    assert res.updated == ["00_start_here.ipynb"] and res.added == ["06_capstone.ipynb"]
    assert not list(dest.glob("*course update*"))


def test_a_deleted_notebook_comes_back_fresh(course, tmp_path):
    dest = tmp_path / "mine"
    sync(dest, course, today=TODAY)
    (dest / "05_termination.ipynb").unlink()
    res = sync(dest, course, today=TODAY)
    assert res.restored == ["05_termination.ipynb"]
    assert (dest / "05_termination.ipynb").read_text() == _nb("termination v1")


def test_without_the_record_a_differing_copy_is_kept_and_the_course_version_offered(course, tmp_path):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "05_termination.ipynb").write_text(_nb("work done before the record existed"))
    res = sync(dest, course, today=TODAY)
    assert (dest / "05_termination.ipynb").read_text() == _nb("work done before the record existed")
    assert res.beside and (dest / res.beside[0][1]).read_text() == _nb("termination v1")
    (dest / MANIFEST).write_text("not json")          # a damaged record is treated as no record
    assert sync(dest, course, today=TODAY).beside == []   # the same version is not offered twice


def test_work_done_in_the_courses_own_folder_is_carried_over_and_never_replaced(course, tmp_path):
    """A learner who ran notebooks in the course's folder before workspaces existed keeps that work."""
    worked = json.loads(_nb("termination v1"))
    worked["cells"].append({"cell_type": "code", "id": "c2", "metadata": {}, "execution_count": 3,
                            "source": 'answer = """mine"""', "outputs": []})
    (course / "05_termination.ipynb").write_text(json.dumps(worked))
    dest = tmp_path / "mine"
    res = sync(dest, course, today=TODAY)
    assert res.carried == ["05_termination.ipynb"] and "work you had done" in " ".join(res.messages())
    assert json.loads((dest / "05_termination.ipynb").read_text()) == worked
    (course / "05_termination.ipynb").write_text(_nb("termination v1"))   # git checkout notebooks/
    res = sync(dest, course, today=TODAY)
    assert json.loads((dest / "05_termination.ipynb").read_text()) == worked
    assert res.beside == [("05_termination.ipynb", "05_termination (course update 2026-12-02).ipynb")]


def test_refuses_a_folder_inside_the_course_and_a_file(course, tmp_path):
    with pytest.raises(CourseError, match="inside the course's own notebooks"):
        sync(course / "sub", course)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(CourseError, match="is a file"):
        sync(tmp_path / "afile", course)


def test_default_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_WORKSPACE", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(tmp_path / "data"))
    assert default_dest() == (tmp_path / "data" / "notebooks").resolve()
    monkeypatch.setenv("COURSE_WORKSPACE", str(tmp_path / "elsewhere"))
    assert default_dest() == (tmp_path / "elsewhere").resolve()


def test_course_notebooks_are_found_from_any_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURSE_NOTEBOOKS", raising=False)
    assert paths.course_notebooks_dir() == REPO / "notebooks"
    names = [p.name for p in course_notebooks(paths.course_notebooks_dir())]
    assert "00_start_here.ipynb" in names and "99_my_progress.ipynb" in names
    assert not any("guide" in n or "workbench" in n for n in names)
    monkeypatch.setenv("COURSE_NOTEBOOKS", str(tmp_path))
    assert paths.course_notebooks_dir() == tmp_path.resolve()
    monkeypatch.setenv("COURSE_NOTEBOOKS", str(tmp_path / "missing"))
    with pytest.raises(CourseError, match="COURSE_NOTEBOOKS="):
        sync(tmp_path / "ws")


def _course(*args, cwd, env=None):
    return subprocess.run([str(BIN / "course"), "workspace", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env)


def test_command_is_idempotent_with_plain_lines(tmp_path):
    """The interface JupyterHub's spawner calls at every start: exit 0, one plain line per message."""
    dest = tmp_path / "ws"
    first = _course("--dest", str(dest), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Made your own copy of the course's") and len(first.stdout.splitlines()) == 1
    again = _course("--dest", str(dest), cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == f"Your notebooks are up to date in {dest.resolve()}.\n"
    printed = _course("--dest", str(dest), "--print-dir", cwd=tmp_path)
    assert printed.returncode == 0 and printed.stdout == f"{dest.resolve()}\n" and printed.stderr == ""
    (tmp_path / "afile").write_text("x")
    bad = _course("--dest", str(tmp_path / "afile"), cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1
    blocked = _course("--dest", str(tmp_path / "afile" / "sub"), cwd=tmp_path)   # cannot make a folder there
    assert blocked.returncode == 2 and "Traceback" not in blocked.stderr, blocked.stderr
    assert blocked.stderr.startswith("course workspace: Could not write your notebooks") and "--dest" in blocked.stderr


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_running_every_notebook_in_the_workspace_leaves_the_repository_clean(tmp_path, monkeypatch):
    """Run All on every student notebook, saved as JupyterLab's autosave would, in a workspace outside
    the repository (the kernel's folder is the workspace): every cell runs, so the course finds its
    content from there, and `git status` is what it was before."""
    import nbformat
    from nbclient import NotebookClient

    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    before = _git_status()
    dest = tmp_path / "learner" / "notebooks"
    assert _course("--dest", str(dest), cwd=tmp_path).returncode == 0
    monkeypatch.chdir(dest)
    ran = 0
    for path in sorted(dest.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(dest)}}).execute()
        errors = [o.get("evalue") for c in nb.cells if c.cell_type == "code"
                  for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{path.name} raised in the workspace: {errors}"
        nbformat.write(nb, path)
        ran += 1
    assert ran == len(course_notebooks(paths.NOTEBOOKS_DIR)) >= 8
    assert any(c.get("outputs") for c in nbformat.read(dest / "01_the_frame.ipynb", 4).cells
               if c.cell_type == "code"), "the workspace copy holds the outputs"
    assert _git_status() == before, "running the notebooks changed files in the repository"
    # and the next start keeps every one of those saved notebooks as it is
    assert _course("--dest", str(dest), cwd=tmp_path).stdout.startswith("Your notebooks are up to date")
