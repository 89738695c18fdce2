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
import errno
import os
import shutil
import sys
from pathlib import Path

from course import paths
from course.errors import CourseError

CONFIG_NAME = "nbgrader_config.py"


def course_root(root: str | Path | None = None) -> Path:
    """The course root: `root`, else COURSE_ROOT, else the nearest folder upwards holding
    nbgrader_config.py (course/paths.py); never the installed package's folder."""
    return paths.find_course_root(root).path


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
        cfg = PyFileConfigLoader(CONFIG_NAME, path=str(r)).load_config()
        if "root" not in cfg.CourseDirectory:  # else nbgrader would use the current folder
            cfg.CourseDirectory.root = str(r)
        return cfg
    except OSError as exc:
        raise config_os_error(r, exc) from None
    except Exception as exc:
        raise CourseError(f"{r / CONFIG_NAME} could not be read ({type(exc).__name__}: {exc}).",
                          hint="Fix the file (the error names the line) or restore it from git.") from None


READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def config_os_error(root: Path, exc: OSError) -> CourseError:
    """A plain message for an OSError met while nbgrader_config.py ran (e.g. it creates folders)."""
    what = exc.filename or root
    if exc.errno in READ_ONLY_ERRNOS:
        return CourseError(
            f"The course folder {root} is read-only for you: its {CONFIG_NAME} needs to create or write "
            f"{what} ({exc.strerror}).",
            hint="nbgrader keeps its gradebook and working folders inside the course. Make the folder writable "
                 "(chmod -R u+w), or copy the course to a folder you can write to and pass --root COPY.")
    return CourseError(f"{root / CONFIG_NAME} failed while touching {what} ({exc.strerror or exc}).",
                       hint="Check that path (disk full? a file where a folder should be?) and run the command again.")


# ----------------------------------------------------------------------------- the gradebook file
def check_gradebook(db: str | Path, *, must_exist: bool = False) -> None:
    """Refuse, in plain words, a gradebook that nbgrader would silently replace or recreate: an empty
    (0-byte) file, a file that is not SQLite, or a gradebook with nbgrader's tables missing (nbgrader
    recreates a dropped table empty, and every grade would read as 0). A missing file passes unless
    `must_exist` (nbgrader creates a new one)."""
    import sqlite3

    db = Path(db)
    if not db.exists():
        if must_exist:
            raise CourseError(f"There is no gradebook at {db}.",
                              hint="Generate the assignment and autograde some submissions first.")
        return
    restore = ("Restore gradebook.db from your backup. If the course has no grades yet, delete the file and run "
               "course generate to create a fresh one.")
    try:
        size = db.stat().st_size
        with open(db, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise CourseError(f"The gradebook {db} cannot be opened ({exc.strerror}).",
                          hint="Check its permissions.") from None
    if size == 0:
        raise CourseError(f"The gradebook {db} is an empty file (0 bytes): the grades it held are gone, and "
                          "nbgrader would silently start a new, empty gradebook in its place.", hint=restore)
    if head != b"SQLite format 3\x00":
        raise CourseError(f"The gradebook {db} is damaged: it is not an SQLite database.", hint=restore)
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise CourseError(f"The gradebook {db} is damaged ({exc}).", hint=restore) from None
    missing = sorted(GRADEBOOK_TABLES - tables)
    if missing:
        raise CourseError(f"The gradebook {db} is damaged: nbgrader's table(s) {', '.join(missing)} are missing, "
                          "so its grades cannot be trusted (nbgrader would recreate them empty and read every "
                          "grade as 0).", hint=restore)


# nbgrader 0.9's gradebook tables (nbgrader.api.Base.metadata.tables)
GRADEBOOK_TABLES = frozenset({"assignment", "base_cell", "comment", "course", "grade", "grade_cells", "notebook",
                              "solution_cells", "source_cell", "student", "submitted_assignment",
                              "submitted_notebook", "task_cells"})


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
    if db is not None:
        check_gradebook(db)
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
