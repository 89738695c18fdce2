"""Grade a whole cohort: parallel, resumable, and unable to lose a grade.

nbgrader grades one student at a time (nbgrader issue 174). This module grades many at once on
top of its Python API, without changing nbgrader:

* **Long-lived workers.** `jobs` worker processes, forked (on Linux) from the parent after it has
  imported nbgrader once (`_preload`), each build one `NbGraderAPI` from the course root's
  `nbgrader_config.py` (so every preprocessor the course configures runs there too) and grade a
  queue of students. `_speedups` removes per-student fixed costs inside nbgrader without changing
  what it computes (bench/autograde.py checks the gradebooks are identical).
* **Private scratch course per worker.** A worker grades into its own scratch course root (on
  tmpfs when available): a copy of the gradebook taken with SQLite's backup API, and links to the
  real `source/` and `submitted/`. Workers never write the real gradebook, so they never wait on
  its lock, and a crash inside nbgrader can never leave a half-written grade behind.
* **Merge only after success.** The parent applies each graded student to the real gradebook in
  one transaction, then swaps the new `autograded/<student>/<assignment>` folder in place of the
  old one, then appends the student to a journal. A student whose grading failed keeps the grades
  and folder they had before.
* **Resumable.** The journal (`.course-autograde/<assignment>.journal`) records a fingerprint of
  each graded submission. A rerun grades only students missing from it, whose submission changed,
  or whose autograded folder is gone; an interrupted run therefore picks up where it stopped.
* **No idle waiting.** Workers stop each kernel immediately once its notebook has run, instead of
  waiting for a graceful exit.
* **Kernel-start races** (ZMQError "Address already in use", kernels that never answer) are
  detected from nbgrader's log and retried in place, with a short kernel start-up timeout so a
  lost kernel costs seconds rather than a minute.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from course.errors import CourseError
from course.grading.lock import course_lock

STATE_DIR = ".course-autograde"
RETRYABLE = re.compile(
    r"ZMQError|Address already in use|Kernel didn't respond|Kernel died|kernel died"
    r"|Timeout waiting for kernel_info|DeadKernelError",
)
DEFAULT_STARTUP_TIMEOUT = 30
PRIVATE = {"autograded", "feedback", STATE_DIR, ".nbgrader.log"}


# ----------------------------------------------------------------------------- configuration
def course_root(root: str | os.PathLike | None = None) -> Path:
    """The nbgrader course root: `root`, else COURSE_ROOT, else the nearest folder upwards holding
    nbgrader_config.py (course/paths.py); never the installed package's folder."""
    from course.paths import find_course_root

    return find_course_root(root).path


def load_config(root: Path, *, scratch: Path | None = None):
    """The course's nbgrader config, with the course root (or a worker's scratch root) pinned."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root)
    cfg = Config()
    cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    base = scratch or root
    cfg.CourseDirectory.root = str(base)
    if scratch is not None or "db_url" not in cfg.CourseDirectory:
        cfg.CourseDirectory.db_url = f"sqlite:///{base / 'gradebook.db'}"
    return cfg


def make_api(root, *, scratch: Path | None = None, log_level: str = "WARN"):
    """An `NbGraderAPI` for the course root (or for a worker's scratch copy of it)."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _ensure_scripts_on_path()
    cfg = load_config(Path(root), scratch=scratch)
    if scratch is not None:
        if "startup_timeout" not in cfg.Execute:
            cfg.Execute.startup_timeout = DEFAULT_STARTUP_TIMEOUT
        if "shutdown_kernel" not in cfg.Execute:
            # Once every cell has run and its outputs are in, the kernel has nothing left to say:
            # stop it at once instead of waiting for a graceful exit (measured: ~0.5 s of idle
            # waiting per student on nbgrader 0.9.6; the gradebook is identical either way).
            cfg.Execute.shutdown_kernel = "immediate"
        confine_config(cfg)
    coursedir = CourseDirectory(config=cfg)
    api = NbGraderAPI(coursedir=coursedir, config=cfg)
    api.log_level = log_level
    return api


def _autograde_steps(cfg) -> list:
    from nbgrader.converters.autograde import Autograde

    if "autograde_preprocessors" in cfg.Autograde:
        return list(cfg.Autograde.autograde_preprocessors)
    return list(Autograde.class_traits()["autograde_preprocessors"].default())


def confine_config(cfg):
    """Whatever the course's config says, `course autograde` never runs student code unconfined:
    nbgrader's Execute (or any subclass) becomes `ConfinedExecute` (no execution at all for
    answer-template assignments, bubblewrap otherwise), and the autograded notebook is sanitized."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets.utils.importstring import import_item

    steps = []
    for step in _autograde_steps(cfg):
        try:
            cls = import_item(step) if isinstance(step, str) else step
        except Exception:
            cls = None
        name = getattr(cls, "__name__", str(step))
        if name in ("GuardFiles", "CheckFiles"):
            continue  # they guarded files against code that no longer runs
        if isinstance(cls, type) and issubclass(cls, ExecutePreprocessor):
            step = "course.grading.pipeline.ConfinedExecute"
        steps.append(step)
    if not any("SanitizeNotebook" in str(x) for x in steps):
        steps.append("course.grading.sanitize.SanitizeNotebook")
    cfg.Autograde.autograde_preprocessors = steps
    return cfg


def execution_refusal(root: Path, assignment: str) -> str | None:
    """Why `assignment` cannot be autograded here (it needs execution and confinement is not
    available), or None."""
    from course.grading.pipeline import needs_execution

    cfg = confine_config(load_config(root))
    if not needs_execution(cfg, assignment, Path(root)):
        return None
    from course.grading import sandbox

    why = sandbox.available()
    if why is None:
        return None
    return (f"Assignment {assignment} needs its notebooks' code run to be graded (its answer key says "
            f"`execute: true`, or the course's nbgrader_config.py does not score from the answer cells), and "
            f"this machine cannot run student code confined: {why}. The course never runs student code "
            f"with your rights, so nothing was graded.")


def _ensure_scripts_on_path() -> None:
    """nbgrader runs `alembic` and kernels by name: find them beside this Python even without an
    activated virtual environment (e.g. `.venv/bin/course autograde ...`)."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def db_path(root: Path) -> Path:
    cfg = load_config(root)
    url = cfg.CourseDirectory.db_url
    if not url.startswith("sqlite:///"):
        raise CourseError(f"course autograde needs an SQLite gradebook; this course uses {url}.")
    return Path(url[len("sqlite:///"):].split("?")[0])


def _sqlite_url(path: Path, timeout: float = 30.0) -> str:
    return f"sqlite:///{path}?timeout={timeout:g}"


# ----------------------------------------------------------------------------- what to grade
def submitted_students(root: Path, assignment: str) -> list[str]:
    sub = Path(root) / "submitted"
    if not sub.is_dir():
        return []
    return sorted(p.name for p in sub.iterdir() if (p / assignment).is_dir() and not p.name.startswith("."))


MAX_NOTEBOOK_BYTES = int(os.environ.get("COURSE_MAX_NOTEBOOK_MB", "25")) * 1024 * 1024


def fingerprint(root: Path, assignment: str, student: str) -> str:
    """A hash of the submitted files (names and contents): changes when the student resubmits."""
    return snapshot_submission(Path(root) / "submitted" / student / assignment, None)[0]


def snapshot_submission(base: Path, dest: Path | None) -> tuple[str, list[str]]:
    """Fingerprint a submission folder and, with `dest`, copy what autograde reads (the notebooks
    and nbgrader's small timestamp.txt / submission_secret.txt) from the very bytes that were hashed: the journal then records the
    fingerprint of exactly what was graded, even if `course collect` replaces the folder meanwhile.
    Other files are never copied (nbgrader would carry them into autograded/ and feedback/).
    Returns (fingerprint, names of notebooks too large to grade)."""
    h = hashlib.sha256()
    too_big = []
    if dest is not None:
        dest.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink()
                   and ".ipynb_checkpoints" not in p.parts) if base.is_dir() else []
    for p in files:
        rel = p.relative_to(base)
        h.update(str(rel).encode() + b"\0")
        wanted = dest is not None and len(rel.parts) == 1 and (
            p.suffix == ".ipynb" or (p.name in ("timestamp.txt", "submission_secret.txt") and p.stat().st_size <= 4096))
        try:
            size = p.stat().st_size
            if size > MAX_NOTEBOOK_BYTES:
                h.update(f"size={size} mtime={p.stat().st_mtime_ns}".encode())
                if p.suffix == ".ipynb":
                    too_big.append(p.name)
                continue
            data = p.read_bytes()
        except OSError:
            continue
        h.update(hashlib.sha256(data).digest())
        if wanted:
            (dest / rel).write_bytes(data)
    return h.hexdigest()[:20], too_big


class Journal:
    """Append-only record of finished students: one JSON object per line, fsynced."""

    def __init__(self, root: Path, assignment: str):
        self.dir = Path(root) / STATE_DIR
        self.path = self.dir / f"{assignment}.journal"

    def load(self) -> dict[str, dict]:
        done: dict[str, dict] = {}
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                try:
                    rec = json.loads(line)
                    done[rec["student"]] = rec
                except (ValueError, KeyError):
                    continue  # a line cut short by a crash: that student is simply regraded
        return done

    def append(self, rec: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def forget(self, students: Iterable[str]) -> None:
        drop = set(students)
        if not drop or not self.path.exists():
            return
        keep = [ln for ln in self.path.read_text().splitlines()
                if not any(f'"student": {json.dumps(s)}' in ln for s in drop)]
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(ln + "\n" for ln in keep))
        os.replace(tmp, self.path)


def plan(root: Path, assignment: str, *, force: bool = False, students: Iterable[str] | None = None):
    """Split the submitted students into (to grade, already graded and unchanged)."""
    root = Path(root)
    everyone = submitted_students(root, assignment)
    if students:
        wanted = list(dict.fromkeys(students))
        missing = [s for s in wanted if s not in everyone]
        if missing:
            raise CourseError(
                f"No submission of {assignment} for: {', '.join(missing)}.",
                hint=f"Submissions belong in {root / 'submitted' / '<student>' / assignment}.")
        everyone = wanted
    done = {} if force else Journal(root, assignment).load()
    todo, skip = [], []
    for s in everyone:
        rec = done.get(s)
        graded_dir = root / "autograded" / s / assignment
        if rec and rec.get("fingerprint") == fingerprint(root, assignment, s) and graded_dir.is_dir():
            skip.append(s)
        else:
            todo.append(s)
    return todo, skip


# ----------------------------------------------------------------------------- results
@dataclass
class StudentResult:
    student: str
    status: str  # graded | failed
    score: float = 0.0
    max_score: float = 0.0
    flagged: bool = False
    reasons: list[str] = field(default_factory=list)  # why flagged / why failed
    attempts: int = 1
    seconds: float = 0.0


@dataclass
class Summary:
    assignment: str
    results: list[StudentResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def graded(self):
        return [r for r in self.results if r.status == "graded"]

    @property
    def failed(self):
        return [r for r in self.results if r.status == "failed"]

    @property
    def flagged(self):
        return [r for r in self.results if r.status == "graded" and r.flagged]


# ----------------------------------------------------------------------------- gradebook rows
def _extract(gb, assignment: str, student: str) -> dict:
    """Everything autograde wrote for one submission, keyed by names (not row ids)."""
    sub = gb.find_submission(assignment, student)
    out = {"timestamp": sub.timestamp.isoformat() if sub.timestamp else None, "notebooks": {}}
    for nb in sub.notebooks:
        out["notebooks"][nb.name] = {
            "flagged": bool(nb.flagged),
            "late_submission_penalty": nb.late_submission_penalty,
            "grades": {g.name: {"auto_score": g.auto_score, "needs_manual_grade": bool(g.needs_manual_grade),
                                "max_score": g.max_score}
                       for g in nb.grades},
            "comments": {c.name: {"auto_comment": c.auto_comment} for c in nb.comments},
        }
    return out


def _extract_sql(db_file: Path, assignment: str, student: str) -> dict:
    """`_extract`, read with three plain SQL queries instead of the ORM (which loads each grade's
    deferred max_score and cell name one query at a time: ~15 ms per student in a worker). The same
    values in the same order; tests/cohort check both give the same result."""
    import datetime

    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT sa.id, sa.timestamp FROM submitted_assignment sa JOIN assignment a "
                          "ON sa.assignment_id = a.id WHERE a.name = ? AND sa.student_id = ?",
                          (assignment, student)).fetchone()
        if row is None:
            from nbgrader.api import MissingEntry

            raise MissingEntry()
        sub_id, ts = row
        out = {"timestamp": datetime.datetime.fromisoformat(ts).isoformat() if ts else None, "notebooks": {}}
        nbs = con.execute("SELECT sn.id, n.name, sn.flagged, sn.late_submission_penalty FROM submitted_notebook sn "
                          "JOIN notebook n ON sn.notebook_id = n.id WHERE sn.assignment_id = ? ORDER BY sn.rowid",
                          (sub_id,)).fetchall()
        for nb_id, name, flagged, late in nbs:
            grades = con.execute(
                "SELECT c.name, g.auto_score, g.needs_manual_grade, COALESCE("
                " (SELECT COALESCE(gc.max_score, 0.0) FROM grade_cells gc WHERE gc.id = g.cell_id),"
                " (SELECT COALESCE(tc.max_score, 0.0) FROM task_cells tc WHERE tc.id = g.cell_id), 0.0) "
                "FROM grade g JOIN base_cell c ON g.cell_id = c.id WHERE g.notebook_id = ? ORDER BY g.rowid",
                (nb_id,)).fetchall()
            comments = con.execute("SELECT c.name, cm.auto_comment FROM comment cm JOIN base_cell c ON cm.cell_id = c.id "
                                   "WHERE cm.notebook_id = ? ORDER BY cm.rowid", (nb_id,)).fetchall()
            out["notebooks"][name] = {
                "flagged": bool(flagged),
                "late_submission_penalty": None if late is None else float(late),
                "grades": {g: {"auto_score": None if a is None else float(a), "needs_manual_grade": bool(m),
                               "max_score": float(mx)} for g, a, m, mx in grades},
                "comments": {c: {"auto_comment": t} for c, t in comments},
            }
        return out
    finally:
        con.close()


def _apply(gb, assignment: str, student: str, data: dict) -> None:
    """Write one student's autograde results into the gradebook in a single commit."""
    from nbgrader import utils
    from nbgrader.api import Comment, Grade, MissingEntry, SubmittedAssignment, SubmittedNotebook

    db = gb.db
    try:
        try:
            gb.find_student(student)
        except MissingEntry:
            gb.add_student(student)
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            with db.no_autoflush:  # build the whole submission, then add it once (as nbgrader does)
                sub = SubmittedAssignment(assignment=gb.find_assignment(assignment),
                                          student=gb.find_student(student))
                for notebook in sub.assignment.notebooks:
                    nb = SubmittedNotebook(notebook=notebook, assignment=sub)
                    for cell in notebook.grade_cells:
                        Grade(cell_id=cell.id, notebook=nb)
                    for cell in notebook.solution_cells:
                        Comment(cell_id=cell.id, notebook=nb)
                    for cell in notebook.task_cells:
                        Comment(cell_id=cell.id, notebook=nb)
                        Grade(cell_id=cell.id, notebook=nb)
            db.add(sub)
            db.flush()
        sub.timestamp = utils.parse_utc(data["timestamp"]) if data["timestamp"] else None
        for nb in sub.notebooks:
            nbd = data["notebooks"].get(nb.name)
            if nbd is None:
                continue
            nb.late_submission_penalty = nbd["late_submission_penalty"]
            for g in nb.grades:
                gd = nbd["grades"].get(g.name)
                if gd is not None:
                    g.auto_score = gd["auto_score"]
                    g.needs_manual_grade = bool(gd["needs_manual_grade"] or g.manual_score is not None)
            for c in nb.comments:
                cd = nbd["comments"].get(c.name)
                if cd is not None:
                    c.auto_comment = cd["auto_comment"]
        db.commit()
    except BaseException:
        db.rollback()
        raise


def gradebook_snapshot(db_file: Path, assignment: str) -> dict:
    """Every autograde-relevant value for an assignment, for exact comparisons between gradebooks."""
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        rows = con.execute(
            """
            SELECT sa.student_id, n.name, c.name, g.auto_score, g.manual_score, g.extra_credit,
                   g.needs_manual_grade, sa.timestamp, sn.late_submission_penalty
            FROM grade g
            JOIN submitted_notebook sn ON g.notebook_id = sn.id
            JOIN submitted_assignment sa ON sn.assignment_id = sa.id
            JOIN assignment a ON sa.assignment_id = a.id
            JOIN notebook n ON sn.notebook_id = n.id
            JOIN base_cell c ON g.cell_id = c.id
            WHERE a.name = ?
            """, (assignment,)).fetchall()
        comments = con.execute(
            """
            SELECT sa.student_id, n.name, c.name, cm.auto_comment
            FROM comment cm
            JOIN submitted_notebook sn ON cm.notebook_id = sn.id
            JOIN submitted_assignment sa ON sn.assignment_id = sa.id
            JOIN assignment a ON sa.assignment_id = a.id
            JOIN notebook n ON sn.notebook_id = n.id
            JOIN base_cell c ON cm.cell_id = c.id
            WHERE a.name = ?
            """, (assignment,)).fetchall()
    finally:
        con.close()
    snap = {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows}
    snap.update({(r[0], r[1], r[2], "comment"): (r[3],) for r in comments})
    return snap


def _review_flags(folder: Path) -> list[str]:
    """Reasons for human review written by the course's RecordReview preprocessor (the sidecar
    `.course-review.json`: {notebook: {"items": {grade_id: {needs_review, review_reasons}}}})."""
    p = folder / ".course-review.json"
    if not p.is_file():
        return []
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["the review notes (.course-review.json) are unreadable"]
    reasons = []
    for nb in (data.values() if isinstance(data, dict) else []):
        items = nb.get("items", {}) if isinstance(nb, dict) else {}
        for gid, it in (items.items() if isinstance(items, dict) else []):
            if isinstance(it, dict) and it.get("needs_review"):
                why = "; ".join(it.get("review_reasons") or []) or "the automatic score is unsure"
                reasons.append(f"{it.get('item', gid)}: {why}")
    return reasons


def _summarise(data: dict, folder: Path) -> tuple[float, float, bool, list[str]]:
    score = maxs = 0.0
    manual = []
    for nbname, nbd in data["notebooks"].items():
        for gname, gd in nbd["grades"].items():
            score += gd["auto_score"] or 0.0
            maxs += gd["max_score"] or 0.0
            if gd["needs_manual_grade"]:
                manual.append(gname)
    reasons = _review_flags(folder)
    explained = " ".join(reasons)
    reasons += [f"{g}: needs a manual grade" for g in manual if g not in explained
                and g.replace("-check", "") not in explained]
    return score, maxs, bool(reasons), reasons


# ----------------------------------------------------------------------------- the worker
def _plain_reason(text: str) -> str:
    """One readable line out of nbgrader's log/traceback."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if RETRYABLE.search(text):
        return "the Python kernel did not start (a port clash or a slow start); retried without success"
    for pat, msg in [
        (r"CellTimeoutError|TimeoutError|Cell execution timed out", "a cell ran past the time limit (an endless loop?)"),
        (r"UnresponsiveKernelError|kernel became unresponsive", "the kernel stopped responding (an endless loop or memory blow-up)"),
        (r"SchemaTooOldError|SchemaTooNewError|metadata format", "the notebook's nbgrader metadata is from another version"),
        (r"No notebooks found", "no notebook of this assignment was found in the submission"),
        (r"ExecutionRefused: (.*)", None),
        (r"NotJSONError|Notebook does not appear to be JSON|Unreadable Notebook|JSONDecodeError", "the submitted notebook is damaged (not valid JSON)"),
    ]:
        m = re.search(pat, text)
        if m:
            return msg or m.group(1)[:300]
    errs = [ln for ln in lines if ln.startswith("[ERROR]") or "Error" in ln]
    return (errs[-1] if errs else (lines[-1] if lines else "unknown error"))[:200]


def _preload() -> None:
    """Import what a grading worker uses. The parent calls it once before forking its workers, so
    they start with everything loaded (see _ForkedWorker); an exec'd worker calls it itself.

    jsonschema, imported by nbformat, registers an "iri" format checker when the optional
    rfc3987_syntax package is installed; importing that package builds ~40 parsers with lark,
    measured at 8 s of a 25 s nbgrader import on a loaded machine. Nothing here validates formats
    (nbformat's and nbgrader's schemas are checked without a format checker), so, when jsonschema is
    not imported yet, it is imported without rfc3987_syntax; the package stays importable after."""
    _lean_jsonschema()
    import nbgrader.api  # noqa: F401
    import nbgrader.apps.api  # noqa: F401
    import nbgrader.converters.autograde  # noqa: F401

    from course.grading import pipeline, sanitize  # noqa: F401


def _lean_jsonschema() -> None:
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # an ImportError for jsonschema's optional import
        try:
            import jsonschema  # noqa: F401
        finally:
            if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
                del sys.modules["rfc3987_syntax"]


def _speedups() -> None:
    """Caches for a worker process, which grades many students against one private scratch
    gradebook. nbgrader opens a new SQLAlchemy engine for each of the ~10 `Gradebook` objects one
    autograde creates, so every query is compiled again, and it re-checks its JSON schema for every
    cell it validates. Measured: most of a student's time once no kernel runs. Here:

    * one engine per database URL for the whole worker (SQLAlchemy's compiled-query cache lives
      on the engine; `Gradebook.close()` still disposes its connections), and the "create tables
      if missing" pass of `Gradebook.__init__` runs once per engine;
    * nbgrader's cell-metadata validation uses a validator built once per schema, fastjsonschema
      first (as nbformat does for notebooks), jsonschema for anything it does not accept;
    * nbformat validates notebooks with fastjsonschema (nbformat's own fast validator).

    Nothing nbgrader computes changes: bench/autograde.py checks the gradebooks are identical."""
    import functools

    import jsonschema
    from nbgrader import api as nbapi
    from nbgrader.nbgraderformat import common

    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    real_create = nbapi.create_engine

    @functools.lru_cache(maxsize=8)
    def cached_engine(url, **kw):
        return real_create(url, **kw)

    def create_engine(url, **kw):
        return cached_engine(str(url), **kw)

    nbapi.create_engine = create_engine
    metadata = nbapi.Base.metadata
    real_create_all = metadata.create_all
    created = set()

    def create_all(bind=None, **kw):
        key = id(bind)
        if key not in created:
            real_create_all(bind=bind, **kw)
            created.add(key)

    metadata.create_all = create_all

    # `Gradebook.__init__` also lists the tables (to stamp a new database) and looks up, then
    # commits, the course row: ~11 times per student, ~20 ms each on a loaded machine. A worker's
    # scratch gradebook is private to it and only grows, so once a Gradebook has been opened on an
    # engine for a course id, the tables and the course row exist: later openings skip both.
    Gradebook = nbapi.Gradebook
    real_init, real_check, real_inspect = Gradebook.__init__, Gradebook.check_course, nbapi.inspect
    warm: set = set()  # (engine id, course id) opened once successfully

    class _Tables:  # all `Gradebook.__init__` asks of the inspector: are there tables?
        @staticmethod
        def get_table_names():
            return ["course"]

    def init(self, db_url, course_id="default_course", authenticator=None):
        engine = create_engine(db_url, echo=False, future=True)
        key = (id(engine), course_id)
        self._course_warm = key in warm
        try:
            real_init(self, db_url, course_id, authenticator)
        finally:
            self.__dict__.pop("_course_warm", None)
        warm.add(key)

    def check_course(self, course_id="default_course", **kwargs):
        if self.__dict__.pop("_course_warm", False) and not kwargs:
            return None  # called by __init__, which ignores the result
        return real_check(self, course_id, **kwargs)

    def inspect(obj, *args, **kw):
        if any(id(obj) == k[0] for k in warm):
            return _Tables
        return real_inspect(obj, *args, **kw)

    Gradebook.__init__, Gradebook.check_course, nbapi.inspect = init, check_course, inspect

    # OverwriteCells looks up every graded cell of a notebook with its own three-table query
    # (find_source_cell, ~23 per m1_frame notebook). Within one Gradebook (one session), fetch the
    # notebook's source cells with one query of the same join instead; the session's identity map
    # makes them the very objects the single lookups return. A name not fetched (a cell added since,
    # or none such) goes to nbgrader's own lookup, which finds it or raises its MissingEntry.
    real_find_source = Gradebook.find_source_cell

    def find_source_cell(self, name, notebook, assignment):
        session = self.db()  # the session the lookups run in (a new one after close())
        held = self.__dict__.get("_course_source_cells")
        if held is None or held[0] is not session:
            held = self.__dict__["_course_source_cells"] = (session, {})
        cache = held[1]
        cells = cache.get((notebook, assignment))
        if cells is None:
            rows = (self.db.query(nbapi.SourceCell)
                    .join(nbapi.Notebook, nbapi.Notebook.id == nbapi.SourceCell.notebook_id)
                    .join(nbapi.Assignment, nbapi.Assignment.id == nbapi.Notebook.assignment_id)
                    .filter(nbapi.Notebook.name == notebook, nbapi.Assignment.name == assignment)
                    .all())
            cells = cache[(notebook, assignment)] = {c.name: c for c in rows}
        cell = cells.get(name)
        return cell if cell is not None else real_find_source(self, name, notebook, assignment)

    Gradebook.find_source_cell = find_source_cell

    # nbgrader builds a MetadataValidator (three of them: v1, v2 and v3, each reading its JSON schema
    # from disk) for every cell OverwriteCells looks at and for every CheckCellMetadata pass, so the
    # schema is a fresh dict each time and the validator cache below never hit. Read each schema
    # once; nothing in nbgrader changes a loaded schema (it only reads self.schema).
    @functools.lru_cache(maxsize=None)
    def _schema(version: int) -> dict:
        with open(os.path.join(common.root, f"v{version:d}.json"), "r") as fh:
            return json.loads(fh.read())

    def validator_init(self) -> None:
        self.schema = _schema(self.schema_version)

    common.BaseMetadataValidator.__init__ = validator_init

    class _Validators:
        ValidationError = jsonschema.ValidationError
        _cache: dict = {}

        def validate(self, instance, schema):
            key = id(schema)
            v = self._cache.get(key)
            if v is None:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                try:  # the fast validator nbformat itself uses for whole notebooks
                    import fastjsonschema

                    fast = fastjsonschema.compile(schema)
                except Exception:
                    fast = None
                v = self._cache[key] = (cls(schema), schema, fast)
            if v[2] is not None:
                try:
                    v[2](instance)
                    return
                except Exception:
                    pass  # jsonschema decides, and raises the error nbgrader expects
            v[0].validate(instance)

        def __getattr__(self, name):
            return getattr(jsonschema, name)

    common.jsonschema = _Validators()


def _worker_main(index: int, root: str, assignment: str, scratch_parent: str | None,
                 inp_fd: int = 0, out_fd: int = 1) -> int:
    """Worker process: read student ids on `inp_fd` (one a line, empty line = stop), grade each in a
    private scratch course, and answer with one JSON line per student on `out_fd`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    proto = os.fdopen(os.dup(out_fd), "w", buffering=1)
    inp = os.fdopen(os.dup(inp_fd), "r")
    for fd in {inp_fd, out_fd} - {0, 1, 2}:
        os.close(fd)
    root_p = Path(root)
    # nbgrader and kernels write to stdout/stderr; keep that out of the protocol and the progress bar.
    logdir = root_p / STATE_DIR / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    logf = open(logdir / f"worker-{index}.log", "a", buffering=1)
    os.dup2(logf.fileno(), 1)
    os.dup2(logf.fileno(), 2)
    sys.stdout = sys.stderr = logf

    def send(kind, **data):
        proto.write(json.dumps({"kind": kind, **data}) + "\n")
        proto.flush()

    scratch = Path(tempfile.mkdtemp(prefix=f"course-autograde-{os.getpid()}-", dir=scratch_parent or None))
    try:
        src = sqlite3.connect(str(db_path(root_p)), timeout=60)
        dst = sqlite3.connect(str(scratch / "gradebook.db"))
        src.backup(dst)
        src.close()
        dst.close()
        # everything the course's preprocessors may read (source, submitted, rubrics, config...) is
        # linked; what autograde writes (gradebook, autograded/) is private to this worker
        for entry in root_p.iterdir():
            if entry.name not in PRIVATE and entry.name != "submitted" and not entry.name.startswith("gradebook.db"):
                os.symlink(entry, scratch / entry.name)
        _preload()
        _speedups()
        api = make_api(root_p, scratch=scratch)
        from nbgrader.api import Gradebook

        from course.grading import pipeline

        notebooks = {p.name for p in (root_p / "source" / assignment).glob("*.ipynb")}

        send("ready")
        for line in inp:
            student = line.strip()
            if not student:
                break
            t0 = time.perf_counter()
            if student in _faults():  # test hook: a submission that kills its grading process
                os._exit(3)
            out = scratch / "autograded" / student / assignment
            mine = scratch / "submitted" / student / assignment
            if mine.parent.exists():
                _rmtree_readonly(mine.parent)
            fp, too_big = snapshot_submission(root_p / "submitted" / student / assignment, mine)
            big = [n for n in too_big if n in notebooks]
            if big:
                send("done", student=student, ok=False, attempts=1, seconds=time.perf_counter() - t0,
                     reason=f"{big[0]} is larger than {MAX_NOTEBOOK_BYTES // 1024**2} MB, so it was not opened "
                            "(a notebook of answers is a few hundred KB); look at the file, or raise "
                            "COURSE_MAX_NOTEBOOK_MB if it is genuine")
                continue
            attempts, res = 0, {}
            pipeline.LAST_EXECUTION.clear()
            while attempts < 3:
                attempts += 1
                if out.exists():
                    _rmtree_readonly(out)
                try:
                    res = api.autograde(assignment, student, force=True, create=True)
                except Exception:  # nbgrader normally returns, but never let a worker die on one student
                    res = {"success": False, "error": traceback.format_exc()}
                text = (res.get("log") or "") + (res.get("error") or "")
                if res.get("success") or not RETRYABLE.search(text):
                    break
                logf.write(f"--- {student}: kernel start problem, retrying\n{text}\n")
                time.sleep(0.2 * attempts)
            notes = list(pipeline.LAST_EXECUTION.get("reasons") or [])
            if res.get("success") and out.is_dir():
                if notes:  # a confined run hit a limit: every grade of this student goes to a person
                    with Gradebook(f"sqlite:///{scratch / 'gradebook.db'}", api.coursedir.course_id) as gb:
                        sub = gb.find_submission(assignment, student)
                        for nb_ in sub.notebooks:
                            for g in nb_.grades:
                                g.needs_manual_grade = True
                        gb.db.commit()
                data = _extract_sql(scratch / "gradebook.db", assignment, student)
                send("done", student=student, ok=True, data=data, folder=str(out), attempts=attempts,
                     seconds=time.perf_counter() - t0, fingerprint=fp, notes=notes)
            else:
                text = (res.get("log") or "") + "\n" + (res.get("error") or "")
                logf.write(f"--- {student} failed after {attempts} attempt(s)\n{text}\n")
                reason = (_plain_reason(text) if not res.get("success") else
                          "no notebook of this assignment was found in the submission (nothing to grade)")
                send("done", student=student, ok=False, reason=reason, attempts=attempts,
                     seconds=time.perf_counter() - t0)
        return 0
    except BaseException:
        logf.write(traceback.format_exc())
        send("crashed", error=traceback.format_exc())
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# Tests simulate a submission that crashes its grading process (nothing a submission does can, now
# that no student code runs in the worker): the worker exits abruptly when it is handed these ids.
def _faults() -> set[str]:  # read when the worker runs: a forked worker imported this module long before
    return set(filter(None, os.environ.get("COURSE_AUTOGRADE_TEST_CRASH", "").split(",")))


def _scratch_parent() -> str | None:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return str(shm)
    return None


def _clean_stale_scratch(parent: str | None) -> None:
    base = Path(parent or tempfile.gettempdir())
    for p in base.glob("course-autograde-*-*"):
        m = re.match(r"course-autograde-(\d+)-", p.name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except PermissionError:
            pass


# ----------------------------------------------------------------------------- the parent
def _stage_folder(new: Path, dest: Path) -> Path:
    """Copy a freshly graded folder next to its destination (nothing visible changes yet)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in list(dest.parent.glob(f".{dest.name}.new-*")) + list(dest.parent.glob(f".{dest.name}.old-*")):
        _rmtree_readonly(stale)  # left by a run that was killed mid-swap
    staging = dest.parent / f".{dest.name}.new-{os.getpid()}"
    shutil.copytree(new, staging)
    return staging


def _swap_in(staging: Path, dest: Path) -> None:
    """Put the staged folder in place of the old one; the old one is removed only at the end."""
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    if old.exists():
        _rmtree_readonly(old)
    if dest.exists():
        os.rename(dest, old)
    os.rename(staging, dest)
    if old.exists():
        _rmtree_readonly(old)


def _rmtree_readonly(path: Path) -> None:
    def onerror(func, p, exc):
        os.chmod(p, 0o700)
        os.chmod(os.path.dirname(p), 0o700)
        func(p)

    shutil.rmtree(path, onerror=onerror)


LOCK_WAIT_SECONDS = 10.0   # how long to wait for another program's gradebook lock (tests shorten it)


def _check_not_locked(db_file: Path) -> None:
    """Fail early, and plainly, when another program holds the gradebook's write lock."""
    con = sqlite3.connect(str(db_file), timeout=LOCK_WAIT_SECONDS)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise CourseError(
            f"The gradebook {db_file} is locked by another program ({exc}).",
            hint="Close the formgrader or any other nbgrader command using it, then run the same command again; "
                 "nothing has been changed.") from None
    finally:
        con.close()


def autograde_cohort(
    assignment: str,
    *,
    root=None,
    jobs: int | None = None,
    force: bool = False,
    students: Iterable[str] | None = None,
    on_event: Callable[[str, dict], None] | None = None,
    max_worker_restarts: int = 3,
) -> Summary:
    """Autograde every submitted student of `assignment` with `jobs` parallel workers.

    `on_event(kind, info)` is called with ("plan", {todo, skipped}), ("result", {result, done, total})
    so a caller can draw progress. Returns a Summary. KeyboardInterrupt stops cleanly: everything
    already merged stays, a rerun continues.
    """
    _lean_jsonschema()  # before anything imports nbformat (see _preload)
    root = course_root(root)
    on_event = on_event or (lambda kind, info: None)
    dbf = db_path(root)
    if not dbf.exists():
        raise CourseError(f"There is no gradebook yet at {dbf}.",
                          hint=f"Generate the assignment first: course generate {assignment}.")
    _ensure_assignment(dbf, assignment)
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    t_start = time.perf_counter()
    refusal = execution_refusal(root, assignment)
    if refusal:
        raise CourseError(refusal, hint="Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and run "
                                        "the same command again, or grade on a machine that has it.")
    with course_lock(root, "course autograde"):
        _check_not_locked(dbf)
        todo, skipped = plan(root, assignment, force=force, students=students)
        summary = Summary(assignment, skipped=skipped)
        on_event("plan", {"todo": list(todo), "skipped": list(skipped), "jobs": min(jobs, max(1, len(todo)))})
        if not todo:
            summary.seconds = time.perf_counter() - t_start
            return summary
        journal = Journal(root, assignment)
        if force:
            journal.forget(todo)
        _run_pool(root, assignment, todo, min(jobs, len(todo)), summary, journal, on_event, max_worker_restarts)
    summary.seconds = time.perf_counter() - t_start
    return summary


def _ensure_assignment(dbf: Path, assignment: str) -> None:
    con = sqlite3.connect(f"file:{dbf}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT COUNT(*) FROM assignment a JOIN notebook n ON n.assignment_id = a.id "
                          "WHERE a.name = ?", (assignment,)).fetchone()
    except sqlite3.DatabaseError as exc:
        raise CourseError(f"The gradebook {dbf} cannot be read ({exc}).",
                          hint="Restore it from a backup, or regenerate the assignment.") from None
    finally:
        con.close()
    if not row or not row[0]:
        raise CourseError(f"The gradebook has no assignment called '{assignment}'.",
                          hint=f"Generate it first: course generate {assignment}.")


_PARENT_ENDS: set[int] = set()  # the parent's ends of every worker's pipes (a forked worker closes them)
_KEEP: list = []  # their file objects: never collected, so never closing a descriptor number reused later


class _ForkedWorker:
    """A worker forked from this process (POSIX), the part of `subprocess.Popen` the pool uses.

    The parent has imported nbgrader and the course's grading code once (`_preload`); a forked
    worker starts with all of it loaded instead of importing it again (measured: the imports are
    most of a worker's start-up, ~26 s of 49 s for a 20-student worker on a loaded machine). It then
    runs exactly the code an exec'd worker runs (`_worker_main`), in its own session (process group),
    with its own pipes; it never returns into the parent's code (os._exit)."""

    def __init__(self, index: int, root: Path, assignment: str, scratch_parent: str | None):
        r_in, w_in = os.pipe()
        r_out, w_out = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            try:
                stream.flush()
            except Exception:
                pass
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                os.setsid()
                for fd in list(_PARENT_ENDS) + [w_in, r_out]:
                    try:
                        os.close(fd)  # else a sibling could never see its stdin close
                    except OSError:
                        pass
                _close_inherited_lock(root)
                os.chdir(str(root))
                code = _worker_main(index, str(root), assignment, scratch_parent, r_in, w_out)
            finally:
                os._exit(code)
        os.close(r_in)
        os.close(w_out)
        _PARENT_ENDS.update((w_in, r_out))
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = os.fdopen(w_in, "w", buffering=1)
        self.stdout = os.fdopen(r_out, "r")
        self._fds = (w_in, r_out)
        _KEEP.extend((self.stdin, self.stdout))

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
                self._release()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import subprocess

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def _release(self) -> None:
        for f in (self.stdin, self.stdout):
            try:
                f.close()
            except Exception:
                pass
        _PARENT_ENDS.difference_update(self._fds)


def _close_inherited_lock(root: Path) -> None:
    """A forked worker must not keep the course lock (an flock, shared by inherited descriptors)
    alive after the parent ends: close its copy of the lock file."""
    from course.grading.lock import lock_path

    try:
        lock = os.path.realpath(lock_path(root))
        for name in os.listdir("/proc/self/fd"):
            try:
                if os.path.realpath(os.readlink(f"/proc/self/fd/{name}")) == lock:
                    os.close(int(name))
            except OSError:
                continue
    except OSError:
        pass


def _use_fork() -> bool:
    """Fork only a single-threaded parent (the `course` command, a test): a thread of the parent's
    (a Jupyter kernel's, a server's) could hold a lock the forked worker would then wait on forever."""
    import threading

    return (hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1
            and os.environ.get("COURSE_AUTOGRADE_WORKERS", "fork") != "exec")


class _Worker:
    def __init__(self, index: int, root: Path, assignment: str, scratch_parent: str | None):
        import subprocess

        self.index = index
        if _use_fork():
            self.proc = _ForkedWorker(index, root, assignment, scratch_parent)
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "course.grading.cohort", "worker", str(index), str(root), assignment,
                 scratch_parent or ""],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                cwd=str(root), start_new_session=True)
        self.current: str | None = None
        self.crash: str | None = None
        self.buf = ""

    def send(self, student: str | None) -> None:
        self.current = student
        try:
            self.proc.stdin.write((student or "") + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def stop(self, grace: float) -> None:
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        try:
            self.proc.wait(grace)
        except Exception:
            self.kill()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the worker and the kernels it started
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except Exception:
            pass


def _run_pool(root, assignment, todo, jobs, summary, journal, on_event, max_restarts):
    import selectors

    scratch_parent = _scratch_parent()
    _clean_stale_scratch(scratch_parent)
    if _use_fork():
        _preload()  # once here, instead of once in every worker
    from nbgrader.api import Gradebook

    pending = list(reversed(todo))  # pop() from the end keeps the original order
    total = len(todo)
    attempts: dict[str, int] = {}
    sel = selectors.DefaultSelector()
    workers: dict[int, _Worker] = {}
    restarts = 0
    last_crash = ""
    counter = iter(range(10**6))

    def start_worker():
        w = _Worker(next(counter), root, assignment, scratch_parent)
        workers[w.index] = w
        sel.register(w.proc.stdout, selectors.EVENT_READ, w)

    def dispatch(w: _Worker):
        if pending:
            s = pending.pop()
            attempts[s] = attempts.get(s, 0) + 1
            w.send(s)
        else:
            w.send(None)

    def record(res: StudentResult):
        summary.results.append(res)
        on_event("result", {"result": res, "done": len(summary.results), "total": total,
                            "worker_pids": [w.proc.pid for w in workers.values()]})

    def retire(w: _Worker):
        try:
            sel.unregister(w.proc.stdout)
        except (KeyError, ValueError):
            pass
        workers.pop(w.index, None)

    for _ in range(jobs):
        start_worker()  # first: their start-up (imports, gradebook copy) overlaps ours
    gb = None
    try:
        gb = Gradebook(_sqlite_url(db_path(root)), _course_id(root))
        while len(summary.results) < total:
            for key, _ in sel.select(timeout=0.5):
                w: _Worker = key.data
                line = w.proc.stdout.readline()
                if not line:  # the worker's end of the pipe closed: it exited or was killed
                    retire(w)
                    w.kill()  # and anything it started
                    s = w.current
                    if w.crash or s is None:
                        # the worker could not even start: a problem of the run, not of a student
                        if s is not None:
                            pending.append(s)
                        if pending and restarts < max_restarts:
                            restarts += 1
                            start_worker()
                        continue
                    if s is not None:
                        # a worker that died while grading s is charged to s, never to the run: s gets one
                        # more try in a fresh worker (the first death may have been a stray kill), then
                        # fails, named, while everyone else goes on
                        if attempts.get(s, 0) < 2:
                            pending.append(s)
                        else:
                            record(StudentResult(s, "failed", flagged=True, attempts=attempts.get(s, 1), reasons=[
                                "grading this submission stopped the grading process twice; it was not graded "
                                "(open the notebook by hand, or ask the student to resubmit)"]))
                    if pending and len(workers) < jobs:
                        start_worker()
                    continue
                msg = json.loads(line)
                if msg["kind"] == "ready":
                    dispatch(w)
                elif msg["kind"] == "crashed":
                    w.crash = last_crash = msg["error"]
                elif msg["kind"] == "done":
                    w.current = None
                    if pending:
                        dispatch(w)  # keep the worker busy while we merge
                    if msg["ok"]:
                        record(_merge(root, assignment, gb, journal, msg))
                    else:
                        record(StudentResult(msg["student"], "failed", reasons=[msg["reason"]],
                                             attempts=msg["attempts"], seconds=msg["seconds"]))
                    if w.current is None:
                        dispatch(w)  # nothing left: the worker may stop (its scratch is no longer needed)
            if not workers and len(summary.results) < total:
                why = (last_crash.strip().splitlines() or ["unknown"])[-1][:160] if last_crash else "unknown"
                for s in reversed(pending):
                    record(StudentResult(s, "failed", reasons=[
                        f"no grading process could run ({why}; see {Path(root) / STATE_DIR / 'logs'})"]))
                pending.clear()
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        for w in list(workers.values()):
            if summary.interrupted:
                w.kill()
            else:
                w.stop(10)
            w.kill()  # no process of this run outlives it (the worker's whole process group)
        sel.close()
        if gb is not None:
            gb.close()


def _course_id(root: Path) -> str:
    cfg = load_config(root)
    return cfg.CourseDirectory.course_id if "course_id" in cfg.CourseDirectory else ""


def _merge(root: Path, assignment: str, gb, journal: Journal, payload: dict) -> StudentResult:
    """Gradebook first (one transaction), then the folder, then the journal."""
    s = payload["student"]
    dest = Path(root) / "autograded" / s / assignment
    staging = None
    try:
        staging = _stage_folder(Path(payload["folder"]), dest)
        _apply(gb, assignment, s, payload["data"])
    except Exception as exc:  # e.g. disk full, or the gradebook stayed locked for 30 s
        if staging is not None and staging.exists():
            _rmtree_readonly(staging)
        return StudentResult(s, "failed", reasons=[f"could not save the result ({exc.__class__.__name__}: "
                                                   f"{str(exc)[:120]}); the previous grade is unchanged"],
                             attempts=payload["attempts"], seconds=payload["seconds"])
    _swap_in(staging, dest)
    score, maxs, flagged, reasons = _summarise(payload["data"], Path(root) / "autograded" / s / assignment)
    reasons += [f"running the notebook (confined): {n}" for n in payload.get("notes") or []]
    flagged = flagged or bool(payload.get("notes"))
    journal.append({"student": s, "fingerprint": payload.get("fingerprint") or fingerprint(root, assignment, s),
                    "score": score,
                    "max_score": maxs, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return StudentResult(s, "graded", score=score, max_score=maxs, flagged=flagged, reasons=reasons,
                         attempts=payload["attempts"], seconds=payload["seconds"])


# ----------------------------------------------------------------------------- progress display
class Progress:
    """A stdlib progress display: a redrawn bar on a terminal, one line per student otherwise."""

    def __init__(self, stream=None, tty: bool | None = None, width: int = 30):
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.width = width
        self.t0 = time.perf_counter()
        self.total = 0
        self.counts = {"graded": 0, "flagged": 0, "failed": 0}

    def __call__(self, kind: str, info: dict) -> None:
        if kind == "plan":
            self.total = len(info["todo"])
            self.t0 = time.perf_counter()
            already = len(info["skipped"])
            msg = f"Grading {self.total} submission(s) with {info['jobs']} worker(s)"
            if already:
                msg += f"; {already} already graded and unchanged (use --force to regrade them)"
            print(msg + ".", file=self.stream, flush=True)
        elif kind == "result":
            r: StudentResult = info["result"]
            if r.status == "graded":
                self.counts["graded"] += 1
                self.counts["flagged"] += int(r.flagged)
            else:
                self.counts["failed"] += 1
            done, total = info["done"], info["total"]
            if self.tty:
                elapsed = time.perf_counter() - self.t0
                eta = elapsed / done * (total - done) if done else 0
                filled = int(self.width * done / max(total, 1))
                bar = "#" * filled + "-" * (self.width - filled)
                self.stream.write(f"\r[{bar}] {done}/{total}  graded {self.counts['graded']}  "
                                  f"review {self.counts['flagged']}  failed {self.counts['failed']}  "
                                  f"{_fmt_time(elapsed)} elapsed, ~{_fmt_time(eta)} left ")
                if done == total:
                    self.stream.write("\n")
                self.stream.flush()
            else:
                what = (f"graded {r.score:g}/{r.max_score:g}" + (" (needs review)" if r.flagged else "")
                        if r.status == "graded" else f"FAILED: {r.reasons[0] if r.reasons else ''}")
                print(f"[{done}/{total}] {r.student}: {what}", file=self.stream, flush=True)


def _fmt_time(s: float) -> str:
    s = int(round(s))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def format_summary(summary: Summary, root: Path | None = None) -> str:
    lines = [f"{summary.assignment}: {len(summary.graded)} graded, {len(summary.flagged)} need review, "
             f"{len(summary.failed)} failed, {len(summary.skipped)} unchanged since the last run "
             f"({_fmt_time(summary.seconds)})."]
    if summary.flagged:
        lines.append("Needs your eyes (open them in the formgrader):")
        for r in sorted(summary.flagged, key=lambda r: r.student):
            lines.append(f"  {r.student}: " + "; ".join(r.reasons[:4]) + (" ..." if len(r.reasons) > 4 else ""))
    if summary.failed:
        lines.append("Failed (their previous grades and folders are unchanged):")
        for r in sorted(summary.failed, key=lambda r: r.student):
            lines.append(f"  {r.student}: {r.reasons[0] if r.reasons else 'unknown reason'}")
        where = (Path(root) / STATE_DIR / "logs") if root else Path(STATE_DIR) / "logs"
        lines.append(f"Details are in {where}. Fix what is named above, then run the same command again: "
                     "only the students not yet graded are graded.")
    if root is not None:
        # this run's count covers only the students graded now; the queue covers everyone (as
        # `course review` and `course report` count it), so a rerun never says 0 while one waits
        try:
            from course.grading.review import pending_summary, review

            waiting = review(summary.assignment, root)
        except Exception:
            waiting = None
        if waiting is not None:
            lines.append(("In all: " + pending_summary(waiting) + f" See: course review {summary.assignment}")
                         if waiting else "In all: nothing waits for a person.")
    return "\n".join(lines)


if __name__ == "__main__":  # a grading worker, started by autograde_cohort
    if len(sys.argv) == 6 and sys.argv[1] == "worker":
        sys.exit(_worker_main(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] or None))
    print("This module is run by 'course autograde'; it is not a command of its own.", file=sys.stderr)
    sys.exit(2)
