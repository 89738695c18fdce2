"""Suite-wide settings: tests never touch the learner's real progress or a screen."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("MPLBACKEND", "Agg")

# Scripts run by tests (nbgrader's alembic, jupyter, course) come from this interpreter's bin.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture(autouse=True, scope="session")
def _private_progress_dir(tmp_path_factory):
    """Every test session records progress into a throwaway folder, never the real one."""
    d = tmp_path_factory.mktemp("progress")
    old = os.environ.get("COURSE_PROGRESS_DIR")
    os.environ["COURSE_PROGRESS_DIR"] = str(d)
    yield d
    if old is None:
        os.environ.pop("COURSE_PROGRESS_DIR", None)
    else:
        os.environ["COURSE_PROGRESS_DIR"] = old


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
