"""What goes back to students: only their feedback files, checked for leaks.

    removed = prune(root, assignment)               # anything but <notebook>.html leaves feedback/
    leaks = scan(root, assignment)                  # every file left, encodings undone

nbgrader's generate_feedback copies every non-notebook file of `autograded/<student>/<assignment>/`
into `feedback/`: the review notes, `timestamp.txt`, and whatever the submission folder held. The
feedback folder is what nbgrader's exchange hands back to the student, so after generating it
`prune` keeps only the feedback page of each of the assignment's notebooks (and the two small files
nbgrader's exchange needs to hand it back: `timestamp.txt`, `submission_secret.txt`), and `scan` checks
every remaining file for solution, hidden-test, rubric and answer-key text, also when hidden as
base64, hex, rot13 or %-escapes (course.grading.release_check).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from course.grading.release_check import Leak, build_needles, scan_files


def _folders(root: Path, assignment: str, student: str | None) -> list[Path]:
    base = Path(root) / "feedback"
    if student:
        return [base / student / assignment] if (base / student / assignment).is_dir() else []
    return sorted(p for p in base.glob(f"*/{assignment}") if p.is_dir())


# nbgrader's exchange needs these two small files beside the feedback (release_feedback reads them)
EXCHANGE_FILES = {"timestamp.txt", "submission_secret.txt"}
MAX_EXCHANGE_FILE = 4096


def allowed_names(root: Path, assignment: str) -> set[str]:
    return {p.stem + ".html" for p in (Path(root) / "source" / assignment).glob("*.ipynb")}


def _keep(entry: Path, pages: set[str]) -> bool:
    if not entry.is_file() or entry.is_symlink():
        return False
    if entry.name in pages:
        return True
    return entry.name in EXCHANGE_FILES and entry.stat().st_size <= MAX_EXCHANGE_FILE


def prune(root: Path, assignment: str, student: str | None = None) -> list[Path]:
    """Remove from each feedback folder everything that is not a notebook's feedback page."""
    keep = allowed_names(root, assignment)
    removed = []
    for folder in _folders(root, assignment, student):
        for entry in sorted(folder.iterdir()):
            if _keep(entry, keep):
                continue
            removed.append(entry)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                try:
                    os.unlink(entry)
                except OSError:
                    pass
    return removed


def scan(root: Path, assignment: str, student: str | None = None) -> list[Leak]:
    files = [p for folder in _folders(root, assignment, student) for p in sorted(folder.rglob("*")) if p.is_file()]
    return scan_files(files, build_needles(root, assignment, feedback=True), Path(root), decode=True)
