"""Fixtures for the cohort tests: a tiny course (built once per session) copied per test."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_course import cohort_answers, make_course, make_submission  # noqa: E402


@pytest.fixture(scope="session")
def template_course(tmp_path_factory) -> Path:
    """The fixture course with generated assignment and 6 submissions, nothing graded."""
    root = tmp_path_factory.mktemp("cohort-template") / "course"
    root.mkdir()
    make_course(root)
    for s, answers in cohort_answers(6).items():
        make_submission(root, s, answers)
    return root


@pytest.fixture
def course(template_course, tmp_path) -> Path:
    dest = tmp_path / "course"
    shutil.copytree(template_course, dest)
    return dest


@pytest.fixture(scope="session")
def graded_course(template_course, tmp_path_factory) -> Path:
    """A copy of the template graded once in parallel (shared, read-only for the tests using it)."""
    from course.grading.cohort import autograde_cohort

    dest = tmp_path_factory.mktemp("cohort-graded") / "course"
    shutil.copytree(template_course, dest)
    summary = autograde_cohort("ps1", root=dest, jobs=2)
    assert len(summary.graded) == 6, [(r.student, r.reasons) for r in summary.failed]
    return dest
