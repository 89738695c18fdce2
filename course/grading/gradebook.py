"""Open the nbgrader course in `grading/` (or a copy of it) the way every course tool should.

    api = open_api()                  # NbGraderAPI configured by <root>/nbgrader_config.py
    with open_gradebook() as gb: ...  # nbgrader.api.Gradebook

nbgrader creates a new gradebook by running the `alembic` program. If the environment's bin
folder is not on PATH that fails half way and leaves a broken gradebook.db behind; these helpers
put this interpreter's bin folder on PATH first, check that alembic is there, and remove a
gradebook they failed to create.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

from course import paths
from course.errors import CourseError

CONFIG_NAME = "nbgrader_config.py"


def course_root(root: str | Path | None = None) -> Path:
    r = Path(root) if root else paths.GRADING_DIR
    if not (r / CONFIG_NAME).exists():
        raise CourseError(f"{r} is not an nbgrader course folder (there is no {CONFIG_NAME} in it).",
                          hint="Run the command from the course repository, or pass the grading folder.")
    return r.resolve()


def ensure_tools() -> None:
    """Put this interpreter's bin folder on PATH; fail plainly if alembic is missing."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    if shutil.which("alembic") is None:
        raise CourseError("nbgrader needs the 'alembic' program to create its gradebook, and it is not installed here.",
                          hint=f"Install the course's environment (make test, or pip install -e .) and run the "
                               f"command with {bindir} on your PATH.")


def load_config(root: str | Path | None = None):
    """The traitlets Config of the course (its nbgrader_config.py), wherever we are run from."""
    from traitlets.config.loader import PyFileConfigLoader

    r = course_root(root)
    try:
        return PyFileConfigLoader(CONFIG_NAME, path=str(r)).load_config()
    except Exception as exc:
        raise CourseError(f"{r / CONFIG_NAME} could not be read ({exc}).",
                          hint="Fix the file or restore it from git.") from None


def open_api(root: str | Path | None = None, **config_overrides):
    """An NbGraderAPI for the course, with the course's full config (scoring pipeline included)."""
    ensure_tools()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = load_config(root)
    for section, values in config_overrides.items():
        for k, v in values.items():
            setattr(getattr(cfg, section), k, v)
    coursedir = CourseDirectory(config=cfg)
    _create_if_missing(coursedir)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def _db_path(coursedir) -> Path | None:
    url = coursedir.db_url
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def _create_if_missing(coursedir) -> None:
    db = _db_path(coursedir)
    if db is None or db.exists():
        return
    from nbgrader.api import Gradebook

    try:
        with Gradebook(coursedir.db_url, coursedir.course_id):
            pass
    except Exception as exc:
        with contextlib.suppress(OSError):
            db.unlink()
        raise CourseError(f"The gradebook could not be created ({type(exc).__name__}: {exc}).",
                          hint="Check that alembic is installed in the course environment and the grading "
                               "folder is writable, then run the command again.") from None


@contextlib.contextmanager
def open_gradebook(root: str | Path | None = None):
    ensure_tools()
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=load_config(root))
    _create_if_missing(coursedir)
    gb = Gradebook(coursedir.db_url, coursedir.course_id)
    try:
        yield gb
    finally:
        gb.close()


def assignments(root: str | Path | None = None) -> list[str]:
    """The assignment ids under <root>/source, in order."""
    src = course_root(root) / "source"
    return sorted(p.name for p in src.iterdir() if p.is_dir() and not p.name.startswith(".")) if src.is_dir() else []
