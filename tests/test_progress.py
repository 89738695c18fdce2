"""The progress store: durability, concurrency, faults, migrations, privacy, and the summary."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course import progress
from course.recorder import Event, MemoryRecorder, get_recorder, record, set_recorder

FIX = Path(__file__).parent / "fixtures"




def ev(kind="vignette.step", module="frame", item="v", at=None, **data):
    kw = {"at": at} if at else {}
    return Event(kind=kind, module=module, item=item, data=data, **kw)


# ----------------------------------------------------------------- basics and wiring
def test_round_trip_wal_schema_and_timestamps(store_dir):
    s = progress.ProgressStore(store_dir)
    s.record(ev(vignette="frame/v", quality="helpful", concepts=["frame"]))
    s.record(ev("selfcheck.answer", item="q", question="frame.q", answer=["a"], correct=True, score=1.0,
                concepts=["asymmetry"]))
    got = progress.ProgressStore(store_dir).events()     # a second connection sees both
    assert [e.kind for e in got] == ["vignette.step", "selfcheck.answer"]
    assert got[1].data["correct"] is True and got[0].at.endswith("+00:00")
    conn = sqlite3.connect(store_dir / progress.DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == progress.SCHEMA_VERSION
    assert conn.execute("SELECT COUNT(DISTINCT session) FROM events").fetchone()[0] == 1
    conn.close()


def test_default_recorder_is_the_store_and_widgets_save_without_being_asked(store_dir):
    rec = get_recorder()
    assert isinstance(rec, progress.ProgressStore) and rec.folder == store_dir
    assert progress.progress_location() == store_dir / progress.DB_NAME
    from course.questions import self_check

    qw = self_check("frame.asymmetry", FIX / "questions" / "good")[0]
    qw.select("a")
    qw.check()
    fresh = progress.ProgressStore(store_dir).events()
    assert [(e.kind, e.data["question"]) for e in fresh] == [("selfcheck.answer", "frame.asymmetry")]
    assert progress.notices() == []


def test_where_is_my_progress_says_where_and_how_to_erase(store_dir, capsys):
    assert progress.where_is_my_progress() is None     # printed once, not echoed again as a cell value
    text = capsys.readouterr().out.strip()
    assert str(store_dir) in text and "course progress --forget" in text
    assert text == progress.progress_where_text()


# ----------------------------------------------------------------- two processes at once
def _writer(folder: str, tag: str, n: int, start) -> None:
    os.environ[progress.ENV_VAR] = folder
    s = progress.ProgressStore(folder)
    start.wait(30)
    for i in range(n):
        s.record(Event("vignette.step", "frame", tag, {"i": i, "quality": "helpful"}))


def test_two_processes_recording_at_once_lose_nothing(tmp_path):
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    n = 400
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), tag, n, start)) for tag in ("kernel-a", "kernel-b")]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    events = progress.ProgressStore(tmp_path).events()
    got = {(e.item, e.data["i"]) for e in events}
    assert len(events) == 2 * n
    assert got == {(t, i) for t in ("kernel-a", "kernel-b") for i in range(n)}


# ----------------------------------------------------------------- killed mid-write
_KILL_CHILD = r"""
import sys, os
sys.path.insert(0, {repo!r})
from course.progress import ProgressStore
from course.recorder import Event
s = ProgressStore({folder!r})
payload = "x" * 6000          # several pages per record: the kill lands inside a write
i = 0
while True:
    s.record(Event("vignette.step", "frame", "v", {{"i": i, "blob": payload}}))
    sys.stdout.write(f"{{i}}\n"); sys.stdout.flush()   # only after record() returned
    i += 1
"""


def test_process_killed_mid_write_keeps_every_completed_record(tmp_path):
    repo = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen([sys.executable, "-c", _KILL_CHILD.format(repo=repo, folder=str(tmp_path))],
                             stdout=subprocess.PIPE, text=True)
    confirmed = -1
    try:
        for line in child.stdout:
            confirmed = int(line)
            if confirmed >= 60:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert confirmed >= 60
    s = progress.ProgressStore(tmp_path)
    assert s.moved_aside is None                      # readable, not set aside
    conn = sqlite3.connect(tmp_path / progress.DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    got = {e.data["i"] for e in s.events()}
    assert set(range(confirmed + 1)) <= got           # every confirmed record survived


# ----------------------------------------------------------------- corrupt / unreadable store
def test_corrupt_store_is_moved_aside_and_a_fresh_one_started(store_dir):
    store_dir.mkdir(parents=True)
    garbage = b"this is not a database, just bytes left by a bad disk" * 200
    (store_dir / progress.DB_NAME).write_bytes(garbage)
    record("vignette.step", "frame", "v", vignette="frame/v", quality="mixed", concepts=[])
    rec = get_recorder()
    assert isinstance(rec, progress.ProgressStore)
    aside = list(store_dir.glob("progress.unreadable-*.sqlite3"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage    # kept, not destroyed
    assert rec.moved_aside == aside[0]
    assert [e.kind for e in rec.events()] == ["vignette.step"]      # the course keeps working
    notes = progress.notices()
    assert len(notes) == 1 and aside[0].name in notes[0]
    assert notes[0].count(". ") == 0 and notes[0].endswith(".")      # one plain sentence


def test_damaged_pages_are_detected_and_set_aside(tmp_path):
    s = progress.ProgressStore(tmp_path)
    for i in range(300):
        s.record(ev(i=i, blob="y" * 200))
    s.close()
    conn = sqlite3.connect(tmp_path / progress.DB_NAME)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db = tmp_path / progress.DB_NAME
    raw = bytearray(db.read_bytes())
    page = 4096
    assert len(raw) > 6 * page
    raw[2 * page: 5 * page] = b"\xff" * (3 * page)       # scribble over interior pages
    db.write_bytes(bytes(raw))
    progress._reset_notices_for_tests()
    fresh = progress.ProgressStore(tmp_path)
    assert fresh.moved_aside is not None and fresh.moved_aside.exists()
    fresh.record(ev(i=1))
    assert fresh.count() == 1
    assert len(progress.notices()) == 1


def test_timestamped_names_do_not_collide(tmp_path):
    for _ in range(2):
        (tmp_path / progress.DB_NAME).write_bytes(b"garbage" * 100)
        progress.ProgressStore(tmp_path).close()
    assert len(list(tmp_path.glob("progress.unreadable-*.sqlite3"))) == 2


# ----------------------------------------------------------------- read-only or missing home
_READONLY_CHILD = r"""
import os, sys, json
sys.path.insert(0, {repo!r})
from course.recorder import record, get_recorder
from course import progress
record("vignette.step", "frame", "v", quality="helpful", concepts=["frame"])
record("selfcheck.answer", "frame", "q", question="frame.q", answer=["a"], correct=True, score=1.0, concepts=[])
print(json.dumps({{"type": type(get_recorder()).__name__, "events": len(progress.current_events()),
                  "location": str(progress.progress_location()), "notices": progress.notices(),
                  "summary_events": progress.summary()["totals"]["events"]}}))
"""


def _run_child(code: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder the course cannot create or write: read-only permissions for a normal user;
    for root (who ignores permissions) a place on a file system that refuses new folders."""
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        os.chmod(ro, 0o555)
        return ro / "course"
    target = Path("/sys/course-progress-test")
    try:
        target.mkdir()
    except OSError:
        return target
    target.rmdir()
    pytest.skip("running as root with no read-only file system to test against")


def test_read_only_folder_keeps_progress_in_memory_and_says_so_once(tmp_path):
    folder = _unwritable_folder(tmp_path)
    repo = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, progress.ENV_VAR: str(folder)}
    try:
        info, stderr = _run_child(_READONLY_CHILD.format(repo=repo), env)
    finally:
        if folder.parent != Path("/sys"):
            os.chmod(folder.parent, 0o755)
    assert info["type"] == "SessionRecorder"
    assert info["events"] == 2 and info["summary_events"] == 2          # the course still works
    assert info["location"] == "None"
    assert len(info["notices"]) == 1 and "cannot be saved" in info["notices"][0]
    assert stderr.count("cannot be saved") == 1                          # said once, in one sentence
    assert info["notices"][0].count(". ") == 0
    assert not folder.exists()


def test_missing_home_keeps_progress_in_memory(tmp_path):
    afile = tmp_path / "not-a-folder"
    afile.write_text("x")
    repo = str(Path(__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k not in (progress.ENV_VAR, "XDG_DATA_HOME")}
    env["HOME"] = str(afile / "home")           # a home that cannot exist
    info, stderr = _run_child(_READONLY_CHILD.format(repo=repo), env)
    assert info["type"] == "SessionRecorder" and info["events"] == 2
    assert stderr.count("cannot be saved") == 1


def test_write_failure_keeps_event_and_saves_it_with_the_next(store_dir):
    s = progress.ProgressStore(store_dir)

    class Flaky:
        def __init__(self, conn):
            self.conn, self.fail = conn, True

        def execute(self, *a):
            if self.fail:
                self.fail = False
                raise sqlite3.OperationalError("disk I/O error")
            return self.conn.execute(*a)

        def close(self):
            self.conn.close()

    s._conn = Flaky(s._conn)
    s.record(ev(i=1))                    # fails: kept in memory, learner told
    assert s.count() == 1 and len(progress.notices()) == 1
    s.record(ev(i=2))                    # succeeds: both written
    on_disk = progress.ProgressStore(store_dir).events()
    assert [e.data["i"] for e in on_disk] == [1, 2]


# ----------------------------------------------------------------- migrations
def test_migration_from_v1(tmp_path):
    db = tmp_path / progress.DB_NAME
    conn = sqlite3.connect(db)
    conn.executescript((FIX / "progress" / "v1.sql").read_text())
    conn.close()
    s = progress.ProgressStore(tmp_path)
    assert s.schema_version == progress.SCHEMA_VERSION == 2
    events = s.events()
    assert [e.kind for e in events] == ["vignette.start", "vignette.step", "vignette.ending", "selfcheck.answer"]
    s.record(ev(i=5))
    conn = sqlite3.connect(db)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(events)")]
    assert "session" in cols
    assert conn.execute("SELECT session FROM events ORDER BY id").fetchall()[0] == ("",)
    assert conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall() == [(1,), (2,)]
    conn.close()
    again = progress.ProgressStore(tmp_path)            # idempotent
    assert again.schema_version == 2 and again.count() == 5
    summ = progress.summarize(events, {"frame": {"number": 1, "title": "Frame", "notebook": "01.ipynb",
                                                 "vignettes": {"frame/can-we-be-friends": "t"},
                                                 "questions": ["frame.asymmetry"]}})
    assert summ["modules"][0]["complete"] is True


def test_newer_schema_is_not_touched(tmp_path, monkeypatch):
    s = progress.ProgressStore(tmp_path)
    s.record(ev(i=1))
    s.close()
    conn = sqlite3.connect(tmp_path / progress.DB_NAME)
    conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    conn.commit()
    conn.close()
    with pytest.raises(progress.StoreUnavailable):
        progress.ProgressStore(tmp_path)
    assert not list(tmp_path.glob("progress.unreadable-*"))     # a newer store is never set aside


# ----------------------------------------------------------------- export and forget
def test_export_is_readable_json(store_dir, tmp_path):
    record("vignette.step", "frame", "v", vignette="frame/v", quality="helpful", concepts=["frame"])
    out = progress.export_json(tmp_path / "mine.json")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == progress.EXPORT_FORMAT and doc["event_count"] == 1
    assert doc["events"][0]["data"]["quality"] == "helpful"
    assert "modules" in doc["summary"]
    assert out.read_text().startswith("{\n  ")           # indented for people


def test_forget_erases_every_trace(store_dir):
    marker = "ZEBRA-SECRET-REFLECTION-42"
    for i in range(20):
        record("vignette.step", "frame", "v", vignette="frame/v", quality="helpful", concepts=[], note=marker)
    (store_dir / "progress.unreadable-20260101T000000000000Z.sqlite3").write_text(marker)
    assert progress.forget() == 20
    assert progress.current_events() == []
    for f in store_dir.iterdir():
        assert marker.encode() not in f.read_bytes(), f"{f.name} still holds erased data"
    record("vignette.step", "frame", "v", quality="mixed", concepts=[])      # and it keeps working
    assert len(progress.current_events()) == 1


def test_cli_progress(store_dir, tmp_path, monkeypatch, capsys):
    from course.cli import main

    record("selfcheck.answer", "frame", "q", question="frame.q", answer=["a"], correct=True, score=1.0,
           concepts=["frame"])
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert str(store_dir) in out and "self-check questions answered: 1" in out
    assert main(["progress", "--export", str(tmp_path / "e.json")]) == 0
    assert json.loads((tmp_path / "e.json").read_text())["event_count"] == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["progress", "--forget"]) == 1
    assert len(progress.current_events()) == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["progress", "--forget"]) == 0
    assert progress.current_events() == []
    record("module.complete", "frame", "")
    assert main(["progress", "--forget", "--yes"]) == 0
    assert progress.current_events() == []
    assert main(["progress", "--yes"]) == 2


def test_cli_forget_without_a_terminal_erases_nothing(store_dir, monkeypatch):
    from course.cli import main

    record("module.complete", "frame", "")

    def eof(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    assert main(["progress", "--forget"]) == 1
    assert len(progress.current_events()) == 1


# ----------------------------------------------------------------- summary (pure)
CAT = {
    "frame": {"number": 1, "title": "The frame: x", "notebook": "01_the_frame.ipynb",
              "vignettes": {"frame/a": "A", "frame/b": "B"}, "questions": ["frame.q1", "frame.q2"]},
    "transference": {"number": 2, "title": "Transference", "notebook": "02_transference.ipynb",
                     "vignettes": {"transference/c": "C"}, "questions": []},
    "power": {"number": 4, "title": "Power", "notebook": "04.ipynb", "vignettes": {}, "questions": []},
}


def _ending(ref, at, outcome="helpful"):
    m = ref.split("/")[0]
    return ev("vignette.ending", m, ref.split("/")[1], at=at, vignette=ref, outcome=outcome, concepts=["frame"])


def _answer(q, at, correct=True):
    return ev("selfcheck.answer", q.split(".")[0], q.split(".")[1], at=at, question=q, answer=["a"],
              correct=correct, score=1.0 if correct else 0.0, concepts=["asymmetry"])


def test_summary_empty():
    s = progress.summarize([], CAT)
    assert s["totals"]["events"] == 0 and not any(m["complete"] for m in s["modules"])
    assert s["next"].startswith("Nothing recorded yet") and "01_the_frame.ipynb" in s["next"]


def test_module_complete_needs_every_ending_and_every_answer():
    evs = [_ending("frame/a", "2026-11-01T10:00:00+00:00"), _answer("frame.q1", "2026-11-01T10:01:00+00:00"),
           _answer("frame.q2", "2026-11-01T10:02:00+00:00", correct=False)]
    s = progress.summarize(evs, CAT)
    frame = s["modules"][0]
    assert not frame["complete"] and frame["items_done"] == 3 and frame["fraction"] == 0.75
    assert frame["vignettes_todo"] == ["frame/b"] and frame["questions_correct"] == 1
    assert s["next"] == "Play the vignette \u201cB\u201d in module 1 (01_the_frame.ipynb)."
    s = progress.summarize(evs + [_ending("frame/b", "2026-11-02T10:00:00+00:00", "harmful")], CAT)
    assert s["modules"][0]["complete"] and s["modules"][0]["fraction"] == 1.0   # answered, even if wrong
    assert "transference" in s["next"] or "module 2" in s["next"]
    # a module with nothing in it is never complete by default; marking completes only such a module
    assert not s["modules"][2]["complete"]
    s = progress.summarize([ev("module.complete", "power", "", at="2026-11-03T00:00:00+00:00")], CAT)
    assert s["modules"][2]["complete"] and s["modules"][2]["marked_complete"]


def test_a_completion_record_never_overrides_the_rule():
    """One rule: a module with work left is not complete, whatever was recorded; What next still
    points at the work left (a marked module used to show 100% and drop its unplayed vignette)."""
    evs = [_ending("frame/a", "2026-11-01T10:00:00+00:00"), _answer("frame.q1", "2026-11-01T10:01:00+00:00"),
           ev("module.complete", "frame", "", at="2026-11-01T10:02:00+00:00")]
    frame = progress.summarize(evs, CAT)["modules"][0]
    assert frame["marked_complete"] and not frame["complete"]
    assert frame["fraction"] == 0.5 and frame["items_done"] == 2
    assert progress.summarize(evs, CAT)["next"] == "Play the vignette \u201cB\u201d in module 1 (01_the_frame.ipynb)."


def test_concepts_and_choice_quality_over_time():
    evs = [
        ev(at="2026-11-01T10:00:00+00:00", vignette="frame/a", quality="harmful", concepts=["frame", "self-disclosure"]),
        ev(at="2026-11-01T10:05:00+00:00", vignette="frame/a", quality="mixed", concepts=["frame"]),
        ev(at="2026-11-08T09:00:00+00:00", vignette="frame/b", quality="helpful", concepts=["transference"]),
        ev("vignette.back", at="2026-11-08T09:01:00+00:00", vignette="frame/b", scene="x"),
        _answer("frame.q1", "2026-11-08T09:02:00+00:00"),
    ]
    s = progress.summarize(list(reversed(evs)), CAT)          # order in, order out
    assert s["concepts"] == [("frame", 2), ("asymmetry", 1), ("self-disclosure", 1), ("transference", 1)]
    assert s["by_day"] == [{"day": "2026-11-01", "helpful": 0, "mixed": 1, "harmful": 1},
                           {"day": "2026-11-08", "helpful": 1, "mixed": 0, "harmful": 0}]
    assert [c["quality"] for c in s["choices"]] == ["harmful", "mixed", "helpful"]
    assert s["totals"]["first_at"].startswith("2026-11-01") and s["totals"]["last_at"].startswith("2026-11-08")


def test_summary_accepts_exported_dicts():
    evs = [_ending("frame/a", "2026-11-01T10:00:00+00:00").to_dict()]
    assert progress.summarize(evs, CAT)["totals"]["vignettes_finished"] == 1


def test_what_next_when_everything_is_done():
    evs = [_ending("frame/a", "2026-11-01T10:00:00+00:00"), _ending("frame/b", "2026-11-01T10:00:00+00:00"),
           _answer("frame.q1", "2026-11-01T10:00:00+00:00"), _answer("frame.q2", "2026-11-01T10:00:00+00:00"),
           _ending("transference/c", "2026-11-01T10:00:00+00:00"),
           ev("module.complete", "power", "", at="2026-11-01T10:00:00+00:00")]
    s = progress.summarize(evs, CAT)
    assert all(m["complete"] for m in s["modules"])
    assert s["next"].startswith("You have been through every module")


def test_catalog_reads_shipped_content():
    cat = progress.catalog()
    assert list(cat)[:2] == ["frame", "transference"]
    from course.scenes import list_vignettes

    offered = {m for m in cat}
    assert sorted(v for m in cat.values() for v in m["vignettes"]) == sorted(
        v for v in list_vignettes() if v.split("/")[0] in offered)


def test_catalog_offers_only_modules_whose_notebook_is_published(monkeypatch, tmp_path):
    from course import paths

    (tmp_path / "01_the_frame.ipynb").write_text("{}")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    assert list(progress.catalog()) == ["frame"]
    (tmp_path / "05_termination.ipynb").write_text("{}")
    assert list(progress.catalog()) == ["frame", "termination"]
    assert "termination/the-coffee-invitation" in progress.catalog()["termination"]["vignettes"]
