"""`make lab` (the README's first command) serves a student's JupyterLab on the learner's own copy of
the notebooks; `make grade` serves the instructor's, with formgrader. Checked over HTTP here; in
Chromium in tests/browser/test_student_lab.py."""
from __future__ import annotations

import json
import shutil
import urllib.error

import pytest

from tests.make_server import REPO, start, stop

INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list"]
NEWS_PROMPT = "@jupyterlab/apputils-extension:announcements"


def _page_config(html: str) -> dict:
    start_ = html.index('<script id="jupyter-config-data" type="application/json">')
    body = html[start_:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_make_lab_serves_the_learners_own_copy_as_a_students_lab(tmp_path):
    served = start("lab", tmp_path, ready="/api/contents/00_start_here.ipynb")
    try:
        status, body = served.get("/api/contents/00_start_here.ipynb")
        assert json.loads(body)["type"] == "notebook"
        # it serves the workspace (made by `course workspace`), not the tracked notebooks/
        assert (served.workspace / ".course-workspace.json").is_file()
        assert "Made your own copy of the course's" in served.log()
        listing = {c["name"] for c in json.loads(served.get("/api/contents")[1])["content"]}
        assert listing == {p.name for p in (REPO / "notebooks").glob("*.ipynb")}, "student notebooks only"
        status, html = served.get("/lab/tree/00_start_here.ipynb")
        assert status == 200 and "JupyterLab" in html
        config = _page_config(html)
        disabled = set(config["disabledExtensions"])
        assert NEWS_PROMPT in disabled, "the news prompt asks on every fresh start unless its plugin is off"
        assert set(INSTRUCTOR_PLUGINS) <= disabled
        assert "@jupyter/nbgrader:validate-assignment" not in disabled, "students keep Validate"
        assert config.get("news", {}).get("disabled") is True  # no news feed, no update check
        # nbgrader's instructor server extension is not loaded at all
        with pytest.raises(urllib.error.HTTPError) as err:
            served.get("/formgrader/manage_assignments")
        assert err.value.code == 404
        # code cells wrap long lines: a 165-word answer stays on screen
        tracker = json.loads(served.get("/lab/api/settings/@jupyterlab/notebook-extension:tracker")[1])
        assert tracker["schema"]["properties"]["codeCellConfig"]["default"]["lineWrap"] is True
        # the reading view is one click away inside the lab (voila's "Render with Voila" opens this)
        assert served.get("/voila/render/01_the_frame.ipynb", timeout=120)[0] == 200
    finally:
        stop(served)


def test_make_grade_serves_formgrader_on_the_grading_folder(tmp_path):
    grading = tmp_path / "grading"
    shutil.copytree(REPO / "grading", grading, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db*", ".course-autograde"))
    served = start("grade", tmp_path / "srv", ready="/api/status", extra=[f"GRADING={grading}"])
    try:
        listing = {c["name"] for c in json.loads(served.get("/api/contents")[1])["content"]}
        assert {"nbgrader_config.py", "source", "rubrics"} <= listing
        status, html = served.get("/formgrader/manage_assignments", timeout=60)
        assert status == 200 and "Manage Assignments" in html
        disabled = set(_page_config(served.get("/lab")[1])["disabledExtensions"])
        assert not disabled & set(INSTRUCTOR_PLUGINS) and NEWS_PROMPT in disabled
    finally:
        stop(served)
