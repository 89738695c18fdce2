"""One course command at a time on a course's submissions: `course collect` and `course autograde`
exclude each other (and themselves).

    from course.grading.lock import course_lock
    with course_lock(root, "course collect"):
        ...                     # nobody else changes submitted/, autograded/ or the gradebook

The lock is an exclusive `flock` on `<root>/.course-autograde/course.lock`, held for the whole
command and released by the kernel when the process ends, however it ends (a crash or a kill never
leaves a stale lock behind). The file records who holds it, so the refusal names the command, its
process id and when it started. `course_lock` does not wait by default: a grader who starts
collect while autograde runs is told at once, and nothing is changed.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Iterator

from course.errors import CourseError

STATE_DIR = ".course-autograde"
LOCK_NAME = "course.lock"


def lock_path(root: str | os.PathLike) -> Path:
    return Path(root) / STATE_DIR / LOCK_NAME


def holder(root: str | os.PathLike) -> dict | None:
    """Who holds the lock now ({"command", "pid", "since"}), or None when it is free."""
    p = lock_path(root)
    if not p.exists():
        return None
    with open(p, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            try:
                return json.loads(fh.read() or "{}") or {"command": "another course command"}
            except ValueError:
                return {"command": "another course command"}
        fcntl.flock(fh, fcntl.LOCK_UN)
        return None


@contextlib.contextmanager
def course_lock(root: str | os.PathLike, command: str, *, wait: float = 0.0) -> Iterator[Path]:
    """Hold the course's lock for `command` (e.g. "course collect"); CourseError if it is taken.

    `wait` seconds: how long to keep trying before giving up (0: refuse at once)."""
    p = lock_path(root)
    p.parent.mkdir(parents=True, exist_ok=True)
    fh = open(p, "a+")
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            fh.seek(0)
            try:
                info = json.loads(fh.read() or "{}")
            except ValueError:
                info = {}
            fh.close()
            who = info.get("command") or "another course command"
            detail = f" (process {info['pid']}, started {info.get('since', '?')})" if info.get("pid") else ""
            raise CourseError(
                f"{who} is already running on this course{detail}; {command} would change the same files.",
                hint=f"Wait for it to finish (or stop it), then run {command} again. Nothing has been changed.") from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"command": command, "pid": os.getpid(),
                             "since": time.strftime("%Y-%m-%d %H:%M:%S")}))
        fh.flush()
        yield p
    finally:
        try:
            fh.seek(0)
            fh.truncate()
        except OSError:
            pass
        fh.close()  # closing the file releases the flock
