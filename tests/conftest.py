"""Suite-wide settings: tests never touch the learner's real progress or a screen.

Every test records into its own empty progress folder (no test can see another's records, in any
order), and in CI (CI=true) a skipped test is a failed test: CI must have everything a test needs.
The shared project folder (source articles, originality tool) is found at ../shared beside the
repository, or at $COURSE_SHARED_DIR: use the `shared_dir` fixture, never a machine path.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COURSE_SHARED_DIR") or REPO.parent / "shared")
os.environ.setdefault("MPLBACKEND", "Agg")

# Scripts run by tests (nbgrader's alembic, jupyter, course) come from this interpreter's bin.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skip is a failure: a test that cannot run there hides a missing install step."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run (CI=true): {reason}"


@pytest.fixture(autouse=True)
def _private_progress_dir(tmp_path_factory, monkeypatch):
    """Every test records progress into its own throwaway folder, never the real one, with a fresh
    default recorder and fresh once-only notices: nothing one test records is seen by another."""
    from course import progress
    from course.recorder import set_recorder

    d = tmp_path_factory.mktemp("progress")
    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(d))
    set_recorder(None)
    progress._reset_default_for_tests()
    progress._reset_notices_for_tests()
    yield d
    set_recorder(None)
    progress._reset_default_for_tests()
    progress._reset_notices_for_tests()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared folder (../shared beside the repository): fails in CI when missing."""
    needed = [SHARED / "sources", SHARED / "tools" / "check_originality.py"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        msg = (f"the shared project folder is incomplete ({', '.join(missing)} missing): it belongs "
               f"beside the repository as ../shared, or set COURSE_SHARED_DIR")
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    return SHARED


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def rec():
    """Record into memory for one test, then hand back to the default recorder."""
    from course.recorder import MemoryRecorder, set_recorder

    r = MemoryRecorder()
    set_recorder(r)
    yield r
    set_recorder(None)


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """A fresh progress folder, used by the default recorder, with fresh notices."""
    from course import progress
    from course.recorder import set_recorder

    d = tmp_path / "progress"
    monkeypatch.setenv(progress.ENV_VAR, str(d))
    progress._reset_default_for_tests()
    progress._reset_notices_for_tests()
    set_recorder(None)
    yield d
    set_recorder(None)
    progress._reset_default_for_tests()
    progress._reset_notices_for_tests()
