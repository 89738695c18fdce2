"""The learner's progress: a small SQLite store on their own machine.

Everything a learner does in a vignette or a self-check is recorded through
`course.recorder`; `default_recorder()` here is what the recorder picks up, so nobody has to
call anything to be saved. The store lives in the platform's user data folder
(`platformdirs.user_data_dir`), or in `$COURSE_PROGRESS_DIR` when that is set (tests, shared
lab machines). Nothing here ever touches the network.

Design (details in docs/design/progress-store.md):
  * SQLite in WAL mode with a busy timeout: several kernels (processes) can record at once.
  * One short transaction per event: a process killed mid-write loses at most the event it
    was writing; every completed record survives (synchronous=FULL).
  * `schema_version` table + ordered MIGRATIONS, each applied in its own transaction.
  * A store that cannot be read is moved aside with a timestamped name and a fresh one
    started; the learner is told in one plain sentence, and the course keeps working.
  * If the folder cannot be written at all, progress is kept in memory for the session and
    the learner is told once that it will not be saved.

Pure aggregations for the dashboard: `summarize(events, catalog)`; `summary()` applies it
to the current learner's records.
"""
from __future__ import annotations

import atexit
import json
import os
import sqlite3
import sys
import threading
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from course.errors import CourseError
from course.recorder import Event, MemoryRecorder, get_recorder

APP_NAME = "therapeutic-relationship"
ENV_VAR = "COURSE_PROGRESS_DIR"
DB_NAME = "progress.sqlite3"
EXPORT_FORMAT = "therapeutic-relationship-progress"
QUALITIES = ("helpful", "mixed", "harmful")
SETTING_PREFIX = "setting."   # settings share the meta table; records are untouched by them

# Ordered migrations: (version, [statements]). Never edit a released step; append a new one.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE IF NOT EXISTS events (
               id     INTEGER PRIMARY KEY AUTOINCREMENT,
               at     TEXT NOT NULL,
               kind   TEXT NOT NULL,
               module TEXT NOT NULL,
               item   TEXT NOT NULL,
               data   TEXT NOT NULL
           )""",
    ]),
    (2, [
        # which Python session (kernel) recorded the event: lets the dashboard group by sitting
        "ALTER TABLE events ADD COLUMN session TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, module)",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

SESSION_ID = uuid.uuid4().hex[:12]


# --------------------------------------------------------------------------- notices
_notices: list[str] = []        # everything said this session (tests read it)
_unshown: list[str] = []        # said but not yet shown inside a widget
_said: set[str] = set()
_notice_lock = threading.Lock()


def _notify(key: str, message: str) -> None:
    """Tell the learner something once per session, in plain words."""
    with _notice_lock:
        if key in _said:
            return
        _said.add(key)
        _notices.append(message)
        _unshown.append(message)
    try:
        from IPython import get_ipython

        if get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None:
            import html

            from IPython.display import HTML, display

            display(HTML('<div class="course-notice" role="status" style="border-left:4px solid #1d4ed8;'
                         f'background:#eff6ff;padding:6px 10px;color:#111">{html.escape(message)}</div>'))
            return
    except Exception:  # pragma: no cover - display unavailable
        pass
    print(message, file=sys.stderr)


def notices() -> list[str]:
    """Every notice given this session."""
    return list(_notices)


def take_notices() -> list[str]:
    """Notices not yet shown in a widget; widgets call this after recording so that a notice
    raised inside a button click (whose printed output Jupyter hides) still reaches the learner."""
    with _notice_lock:
        out = list(_unshown)
        _unshown.clear()
    return out


def _reset_notices_for_tests() -> None:
    with _notice_lock:
        _notices.clear()
        _unshown.clear()
        _said.clear()


# --------------------------------------------------------------------------- location
def progress_dir() -> Path | None:
    """The folder progress belongs in (not created): $COURSE_PROGRESS_DIR, else the platform's
    user data folder. None if no such folder can even be named (no home directory)."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    try:
        import platformdirs

        d = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    except Exception:
        return None
    if not d.is_absolute() or str(d).startswith("~"):
        return None
    return d


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


class StoreUnavailable(Exception):
    """The folder cannot hold a store (missing, read-only, not a folder)."""


# --------------------------------------------------------------------------- the store
class ProgressStore:
    """A learner's records in `<folder>/progress.sqlite3`. Implements the Recorder protocol."""

    persistent = True

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._pending: list[Event] = []     # events that could not be written yet
        self.moved_aside: Path | None = None
        self._open()
        atexit.register(self._flush_at_exit)

    def _flush_at_exit(self) -> None:
        """Last chance for events that could not be written yet (e.g. a long lock)."""
        with self._lock:
            if self._pending and self._pid == os.getpid():
                try:
                    self._flush()
                except Exception:
                    pass

    # -- opening, checking, migrating
    def _connect(self) -> sqlite3.Connection:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(str(exc)) from None
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise StoreUnavailable(f"{self.folder} is not writable")
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. a file system without shared memory
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")
        except Exception:
            conn.close()
            raise
        return conn

    def _open(self) -> None:
        try:
            if self.path.exists() and not os.access(self.path, os.R_OK | os.W_OK):
                raise _Unreadable("the progress file cannot be read or written")
            conn = self._connect()
            try:
                self._check(conn)
                self._migrate(conn)
            except Exception:
                conn.close()
                raise
        except StoreUnavailable:
            raise
        except sqlite3.OperationalError as exc:
            if _is_readonly_problem(exc) or _is_disk_problem(exc):
                # the file is fine; the disk is not: never move a good store aside for this
                raise StoreUnavailable(str(exc)) from None
            if _is_busy(exc):
                raise
            self._set_aside_and_restart(exc)
            return
        except (sqlite3.DatabaseError, _Unreadable) as exc:
            self._set_aside_and_restart(exc)
            return
        self._conn, self._pid = conn, os.getpid()

    def _check(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("PRAGMA quick_check").fetchone()
        if not row or row[0] != "ok":
            raise _Unreadable(f"integrity check failed: {row[0] if row else 'no answer'}")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
        for version, statements in MIGRATIONS:
            if self._version(conn) >= version:
                continue
            conn.execute("BEGIN IMMEDIATE")          # one process migrates; the others wait, then skip
            try:
                if self._version(conn) < version:
                    for sql in statements:
                        conn.execute(sql)
                    conn.execute("INSERT INTO schema_version VALUES (?, ?)",
                                 (version, datetime.now(timezone.utc).isoformat(timespec="seconds")))
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise
        found = self._version(conn)
        if found > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"the progress store has schema version {found}, newer than this course ({SCHEMA_VERSION})")

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _set_aside_and_restart(self, exc: BaseException) -> None:
        """Move an unreadable store aside (with its -wal/-shm files) and start a fresh one."""
        stamp = _stamp()
        aside = self.folder / f"progress.unreadable-{stamp}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                try:
                    os.replace(src, Path(str(aside) + suffix))
                except OSError as move_exc:
                    raise StoreUnavailable(f"cannot move the unreadable store aside ({move_exc})") from None
        self.moved_aside = aside
        conn = self._connect()
        self._migrate(conn)
        self._conn, self._pid = conn, os.getpid()
        _notify("moved-aside",
                f"Your progress file could not be read, so it was kept aside as {aside.name} "
                "and a fresh one was started; the course works as before.")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():   # never share a connection across fork()
            self._conn = None
            self._open()
        assert self._conn is not None
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._version(self._connection())

    # -- writing
    def record(self, event: Event) -> None:
        """Write one event in its own transaction. Never raises: on disk trouble the event is
        kept in memory and written with the next event that succeeds."""
        with self._lock:
            self._pending.append(event)
            try:
                self._flush()
            except Exception as exc:   # locked for > 30 s, disk full, file vanished ...
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                    try:      # the file went bad under us: set it aside, start fresh, write again
                        self._conn = None
                        self._set_aside_and_restart(exc)
                        self._flush()
                        return
                    except Exception:
                        pass
                _notify("write-failed",
                        "Your latest progress could not be saved to disk just now; it is kept for this "
                        "session and will be saved with your next step.")

    def _flush(self) -> None:
        conn = self._connection()
        while self._pending:
            e = self._pending[0]
            conn.execute(
                "INSERT INTO events (at, kind, module, item, data, session) VALUES (?, ?, ?, ?, ?, ?)",
                (e.at, e.kind, e.module, e.item, json.dumps(e.data, ensure_ascii=False, sort_keys=True), SESSION_ID))
            self._pending.pop(0)

    # -- reading
    def events(self) -> list[Event]:
        with self._lock:
            try:
                rows = self._connection().execute(
                    "SELECT kind, module, item, data, at FROM events ORDER BY at, id").fetchall()
            except sqlite3.Error:
                _notify("read-failed", "Your saved progress could not be read just now; "
                        "what is shown covers this session only. Try again in a moment.")
                rows = []
            out = []
            for kind, module, item, data, at in rows:
                try:
                    out.append(Event(kind=kind, module=module, item=item, data=json.loads(data), at=at))
                except (ValueError, TypeError):
                    continue   # an unknown kind from a newer course, or damaged JSON: skip that row only
            out.extend(self._pending)
            return out

    def count(self) -> int:
        with self._lock:
            try:
                n = int(self._connection().execute("SELECT COUNT(*) FROM events").fetchone()[0])
            except (sqlite3.Error, StoreUnavailable, OSError):
                return len(self.events())   # says once, in plain words, that the file could not be read
            return n + len(self._pending)

    # -- the learner's control
    def forget(self) -> int:
        """Erase every record (and any set-aside copies). Returns how many records were erased."""
        with self._lock:
            try:
                conn = self._connection()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    n = int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
                    conn.execute("DELETE FROM events")
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, StoreUnavailable, OSError) as exc:
                raise CourseError(f"Your progress could not be erased just now ({exc}); nothing was changed.",
                                  hint="Close other notebooks of this course and try again.") from None
            n += len(self._pending)
            self._pending.clear()
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("VACUUM")
            except sqlite3.OperationalError:   # another kernel is reading; the rows are gone anyway
                pass
            for old in self.folder.glob("progress.unreadable-*"):
                try:
                    old.unlink()
                except OSError:
                    pass
            return n


    # -- the learner's settings (e.g. the ethics-code lens): key -> short text, in the meta table
    def get_setting(self, key: str) -> str | None:
        """The stored text for a setting, or None if it was never set. Raises SettingUnreadable
        when the store cannot be read."""
        with self._lock:
            try:
                row = self._connection().execute("SELECT value FROM meta WHERE key = ?",
                                                 (SETTING_PREFIX + key,)).fetchone()
            except (sqlite3.Error, StoreUnavailable, OSError) as exc:
                raise SettingUnreadable(str(exc)) from None
            return None if row is None else row[0]

    def set_setting(self, key: str, value: str) -> None:
        with self._lock:
            try:
                self._connection().execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                           (SETTING_PREFIX + key, str(value)))
            except (sqlite3.Error, StoreUnavailable, OSError) as exc:
                raise SettingUnreadable(str(exc)) from None


class _Unreadable(Exception):
    pass


def _is_readonly_problem(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "readonly" in msg or "read-only" in msg or "unable to open database" in msg


def _is_disk_problem(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "full" in msg or "disk i/o" in msg or "out of memory" in msg


def _is_busy(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


class SessionRecorder(MemoryRecorder):
    """Memory-only progress used when the data folder cannot be written."""

    persistent = False

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        self.reason = reason

    def forget(self) -> int:
        with self._lock:
            n = len(self.events)
            self.events.clear()
            return n

    def count(self) -> int:
        return len(self.events)


# --------------------------------------------------------------------------- the default
_default: ProgressStore | SessionRecorder | None = None
_default_key: str | None = None
_default_lock = threading.Lock()


def default_recorder() -> ProgressStore | SessionRecorder:
    """The persistent store for this learner (what course.recorder uses by default), or a
    memory-only recorder with a one-time notice when the folder cannot be written."""
    global _default, _default_key
    folder = progress_dir()
    key = str(folder)
    with _default_lock:
        if _default is not None and _default_key == key:
            return _default
        if folder is None:
            rec: ProgressStore | SessionRecorder = SessionRecorder("no home folder")
        else:
            try:
                rec = ProgressStore(folder)
            except (StoreUnavailable, sqlite3.Error, OSError) as exc:
                rec = SessionRecorder(str(exc))
        if isinstance(rec, SessionRecorder):
            where = f" ({folder})" if folder else ""
            if "full" in rec.reason.lower():
                _notify("memory-only",
                        f"Your progress cannot be saved because the disk is full{where}, so it is kept only "
                        "until this notebook closes; free some space and restart the kernel to save it again.")
            else:
                _notify("memory-only",
                        f"Your progress cannot be saved on this computer{where}, so it is kept only until "
                        f"this notebook closes; set {ENV_VAR} to a folder you can write to if you want it kept.")
        _default, _default_key = rec, key
        return rec


def _reset_default_for_tests() -> None:
    global _default, _default_key
    with _default_lock:
        if isinstance(_default, ProgressStore):
            _default.close()
        _default, _default_key = None, None
    _session_settings.clear()


def current_recorder():
    """The recorder in use now (the store, or memory)."""
    return get_recorder()


def progress_location() -> Path | None:
    """Where progress is saved, or None when it is kept in memory only."""
    rec = current_recorder()
    if isinstance(rec, ProgressStore):
        return rec.path
    return None


def where_is_my_progress() -> None:
    """Print where progress lives and how to erase it (once: it returns nothing, so a notebook cell
    ending with this call does not show the text a second time as the cell's value)."""
    print(progress_where_text())


def progress_where_text() -> str:
    """Where progress lives and how to erase it, as one paragraph."""
    loc = progress_location()
    if loc is None:
        text = ("Your progress is kept in memory for this session only and will not be saved. "
                f"To keep it, set {ENV_VAR} to a folder you can write to and restart the kernel.")
    else:
        text = (f"Your progress is saved only on this computer, in {loc}; nothing is ever sent anywhere. "
                "To see it, open 99_my_progress.ipynb; to save a copy, run `course progress --export my-progress.json` "
                "in a terminal; to erase it, run `course progress --forget`.")
    return text


def _events_of(rec) -> list[Event]:
    if isinstance(rec, ProgressStore):
        return rec.events()
    return list(getattr(rec, "events", []) or [])


def current_events() -> list[Event]:
    return _events_of(current_recorder())


def forget() -> int:
    """Erase every record of this learner's progress. Returns how many were erased."""
    rec = current_recorder()
    if hasattr(rec, "forget"):
        return int(rec.forget())
    return 0


def export_json(path: Path | str) -> Path:
    """Write every record and the summary to `path` as readable JSON (atomically)."""
    target = Path(path).expanduser()
    rec = current_recorder()
    events = _events_of(rec)
    doc = {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "saved_in": str(progress_location()) if progress_location() else None,
        "event_count": len(events),
        "summary": summarize(events, catalog()),
        "events": [e.to_dict() for e in events],
    }
    if target.is_dir():
        raise CourseError(f"{target} is a folder.", hint="Give a file name, e.g. my-progress.json.")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise CourseError(f"Could not write {target} ({exc.strerror or exc}).",
                          hint="Choose a folder you can write to.") from None
    return target


# --------------------------------------------------------------------------- settings
class SettingUnreadable(Exception):
    """A setting could not be read or written (the store is damaged or locked)."""


_session_settings: dict[str, str] = {}   # settings when progress is kept in memory only


def get_setting(key: str) -> str | None:
    """The learner's stored text for `key` (None if never set). Kept beside the progress records
    in the same local store; memory-only when the store is. Raises SettingUnreadable."""
    rec = current_recorder()
    if isinstance(rec, ProgressStore):
        return rec.get_setting(key)
    return _session_settings.get(key)


def set_setting(key: str, value: str) -> None:
    """Store the learner's text for `key`. Raises SettingUnreadable."""
    rec = current_recorder()
    if isinstance(rec, ProgressStore):
        rec.set_setting(key, value)
    else:
        _session_settings[key] = str(value)


# --------------------------------------------------------------------------- summaries (pure)
def catalog() -> dict[str, dict[str, Any]]:
    """What each module contains: {module: {number, title, notebook, vignettes: {ref: title},
    questions: [full question ids]}}. Read from the shipped content; never raises."""
    from course import paths

    try:
        from course.codes import load_modules

        modules = load_modules()
    except Exception:
        modules = []
    try:
        from course.scenes import list_vignettes

        refs = list_vignettes()
    except Exception:
        refs = sorted(f"{p.parent.name}/{p.stem}" for p in paths.VIGNETTES_DIR.glob("*/*.yml"))
    out: dict[str, dict[str, Any]] = {}
    # A module is offered only once its notebook is published: the dashboard must not list
    # "0 of 1 done" for a module a learner cannot open. (An install without the notebooks
    # folder, e.g. a wheel, lists every module.)
    published = paths.NOTEBOOKS_DIR.is_dir()
    for m in modules:
        if published and not (paths.NOTEBOOKS_DIR / str(m.get("notebook", ""))).is_file():
            continue
        out[m["id"]] = {"number": m.get("number"), "title": m.get("title", m["id"]),
                        "notebook": m.get("notebook", ""), "vignettes": {}, "questions": []}
    import yaml

    for ref in refs:
        mod = ref.split("/", 1)[0]
        if mod not in out:
            continue
        title = ref.split("/", 1)[1].replace("-", " ")
        try:
            raw = yaml.safe_load((paths.VIGNETTES_DIR / f"{ref}.yml").read_text(encoding="utf-8"))
            title = str(raw.get("title") or title)
        except Exception:
            pass
        out[mod]["vignettes"][ref] = title
    for mod in out:
        f = paths.QUESTIONS_DIR / f"{mod}.yml"
        try:
            raw = yaml.safe_load(f.read_text(encoding="utf-8")) if f.is_file() else None
            out[mod]["questions"] = [f"{mod}.{q['id']}" for q in (raw or {}).get("questions", [])
                                     if isinstance(q, dict) and q.get("id")]
        except Exception:
            pass
    return out


def _get(e, name: str, default=None):
    if isinstance(e, dict):
        return e.get(name, default)
    return getattr(e, name, default)


def summarize(events: Iterable[Event | dict], catalog_: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Pure aggregation of a learner's records against the course catalog.

    Returns {"modules": [...], "concepts": [(tag, count)], "choices": [...], "by_day": [...],
             "totals": {...}, "next": str}."""
    evs = sorted(list(events), key=lambda e: str(_get(e, "at", "")))
    endings: dict[str, list[str]] = defaultdict(list)      # vignette ref -> outcomes reached
    answers: dict[str, dict[str, Any]] = {}                 # question ref -> last answer
    marked: set[str] = set()
    concepts: Counter = Counter()
    choices: list[dict[str, Any]] = []
    started: set[str] = set()
    for e in evs:
        kind, data = _get(e, "kind"), _get(e, "data") or {}
        module = _get(e, "module", "")
        if kind == "vignette.start":
            started.add(str(data.get("vignette") or f"{module}/{_get(e, 'item')}"))
        elif kind == "vignette.step":
            q = data.get("quality")
            if q in QUALITIES:
                choices.append({"at": _get(e, "at"), "vignette": data.get("vignette"), "quality": q})
            concepts.update(str(c) for c in data.get("concepts") or [])
        elif kind == "vignette.ending":
            ref = str(data.get("vignette") or f"{module}/{_get(e, 'item')}")
            endings[ref].append(str(data.get("outcome", "")))
        elif kind == "selfcheck.answer":
            ref = str(data.get("question") or f"{module}.{_get(e, 'item')}")
            answers[ref] = {"correct": bool(data.get("correct")), "score": float(data.get("score") or 0.0)}
            concepts.update(str(c) for c in data.get("concepts") or [])
        elif kind == "module.complete":
            marked.add(module)

    modules = []
    for mid, m in catalog_.items():
        vig = list(m.get("vignettes", {}))
        qs = list(m.get("questions", []))
        v_done = [v for v in vig if v in endings]
        q_done = [q for q in qs if q in answers]
        total = len(vig) + len(qs)
        contents_done = total > 0 and len(v_done) == len(vig) and len(q_done) == len(qs)
        # One rule, the one the notebooks state: a module is complete when every vignette has an
        # ending reached and every self-check question an answer. "Mark complete" (course.dashboard.
        # mark_complete) records only a module that meets it, so a record never overrides the rule;
        # a module with nothing in it to do is complete once marked.
        complete = contents_done or (total == 0 and mid in marked)
        modules.append({
            "id": mid, "number": m.get("number"), "title": m.get("title", mid), "notebook": m.get("notebook", ""),
            "vignettes_total": len(vig), "vignettes_done": len(v_done),
            "vignettes_todo": [v for v in vig if v not in endings],
            "questions_total": len(qs), "questions_answered": len(q_done),
            "questions_correct": sum(1 for q in q_done if answers[q]["correct"]),
            "questions_todo": [q for q in qs if q not in answers],
            "items_total": total, "items_done": len(v_done) + len(q_done),
            "fraction": 1.0 if complete else ((len(v_done) + len(q_done)) / total if total else 0.0),
            "complete": complete, "marked_complete": mid in marked,
        })

    by_day: dict[str, Counter] = defaultdict(Counter)
    for c in choices:
        by_day[str(c["at"])[:10]][c["quality"]] += 1
    totals = {
        "events": len(evs),
        "modules_complete": sum(1 for m in modules if m["complete"]),
        "modules": len(modules),
        "vignettes_finished": len(endings),
        "vignettes_started": len(started | set(endings)),
        "questions_answered": len(answers),
        "questions_correct": sum(1 for a in answers.values() if a["correct"]),
        "choices": len(choices),
        "first_at": str(_get(evs[0], "at")) if evs else None,
        "last_at": str(_get(evs[-1], "at")) if evs else None,
    }
    result = {
        "modules": modules,
        "concepts": sorted(concepts.items(), key=lambda kv: (-kv[1], kv[0])),
        "choices": choices,
        "by_day": [{"day": d, **{q: by_day[d].get(q, 0) for q in QUALITIES}} for d in sorted(by_day)],
        "totals": totals,
    }
    result["next"] = what_next(result, catalog_)
    return result


def what_next(s: dict[str, Any], catalog_: dict[str, dict[str, Any]] | None = None) -> str:
    """One short, concrete suggestion from a summary."""
    modules = s.get("modules", [])
    if not s.get("totals", {}).get("events"):
        first = modules[0] if modules else None
        where = f" ({first['notebook']})" if first and first.get("notebook") else ""
        return f"Nothing recorded yet: start with module 1{where}; your progress will appear here as you go."
    for m in modules:
        if m["complete"]:
            continue
        label = f"module {m['number']} ({m['notebook']})" if m.get("notebook") else f"module {m['id']}"
        if m["vignettes_todo"]:
            ref = m["vignettes_todo"][0]
            title = (catalog_ or {}).get(m["id"], {}).get("vignettes", {}).get(ref, ref)
            return f"Play the vignette \u201c{title}\u201d in {label}."
        if m["questions_todo"]:
            n = len(m["questions_todo"])
            return f"Answer the {n} remaining self-check question{'s' if n != 1 else ''} in {label}."
        if not m["items_total"]:
            continue
    days = s.get("by_day", [])
    if days and days[-1].get("harmful", 0) > days[-1].get("helpful", 0):
        return ("You have been through every module. Your latest choices leaned toward harmful ones: "
                "replay a vignette and read the feedback on each branch before choosing.")
    return ("You have been through every module. Replay a vignette and take a path you did not take, "
            "or bring a vignette to your seminar in discussion mode.")


def summary() -> dict[str, Any]:
    """The current learner's summary (see `summarize`)."""
    return summarize(current_events(), catalog())


# --------------------------------------------------------------------------- cases (pure)
# The capstone's episodes share state through two event kinds (course/recorder.py): `case.state`
# (the flags an episode's path set, recorded at each ending reached) and `case.note` (the learner's
# progress note and question for supervision). The latest record of each episode counts, so
# replaying an episode along another path changes what later episodes remember.
def _latest_by_episode(events: Iterable[Event | dict], kind: str, case_id: str) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for e in sorted(list(events), key=lambda e: str(_get(e, "at", ""))):
        data = _get(e, "data") or {}
        if _get(e, "kind") != kind or data.get("case") != case_id:
            continue
        try:
            episode = int(data.get("episode"))
        except (TypeError, ValueError):
            continue
        out[episode] = {**data, "at": _get(e, "at")}
    return out


def case_states(events: Iterable[Event | dict], case_id: str) -> dict[int, dict[str, Any]]:
    """{episode: the latest `case.state` data (flags, ending, outcome, vignette, at)}."""
    return _latest_by_episode(events, "case.state", case_id)


def case_flags(events: Iterable[Event | dict], case_id: str, before_episode: int | None = None) -> set[str]:
    """The flags carried into an episode: those set on the latest path through each earlier one."""
    out: set[str] = set()
    for ep, st in case_states(events, case_id).items():
        if before_episode is None or ep < before_episode:
            out.update(str(f) for f in st.get("flags") or [] if isinstance(f, str))
    return out


def case_notes(events: Iterable[Event | dict], case_id: str) -> dict[int, dict[str, Any]]:
    """{episode: the latest `case.note` data (note, question, vignette, at)}."""
    return _latest_by_episode(events, "case.note", case_id)
