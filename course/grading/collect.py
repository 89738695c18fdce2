"""Import an LMS bulk download of submissions into `submitted/<student>/<assignment>/`.

nbgrader's `zip_collect` needs a hand-written regular expression and stops at the first duplicate;
this does the same job (extract, match file names to students, copy) for the
layouts Canvas and Moodle produce, and ends with a readable report of every file it could NOT
place and why. Nothing is deleted: a file that cannot be matched is left out and listed.

Recognised names (inside the zip):
* Canvas "Download Submissions": ``<name>_<canvasid>_<submissionid>_<file>`` (``<name>_LATE_...`` for
  late work); Canvas adds ``-1``, ``-2`` to a resubmitted file's name.
* Moodle "Download all submissions": ``<Full Name>_<id>_assignsubmission_file_/<file>`` (a folder per
  student), or the same prefix on the file name itself.
* Plain: ``<student_id>/<file>`` or ``<student_id>/<assignment>/<file>`` (nbgrader's own layout).

A roster (`--roster`, e.g. the LMS gradebook export) maps LMS ids or names to the student ids used
in the gradebook: Canvas files by the roster's ``ID`` column, Moodle folders by full name.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from course.errors import CourseError

CANVAS = re.compile(r"^(?P<name>[^_/]+?)(?:_(?P<late>LATE))?_(?P<lms_id>\d+)_(?P<sub_id>\d+)_(?P<file>[^/]+)$")
MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<lms_id>\d+)_assign(?:submission|feedback)_\w+?_/?(?P<file>.+)$")
RESUBMIT = re.compile(r"^(?P<stem>.+?)-\d+$")
IGNORED = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints|\.DS_Store|Thumbs\.db)(/|$)")


@dataclass
class Placed:
    student: str
    notebook: str
    source: str
    late: bool = False


@dataclass
class CollectReport:
    assignment: str
    placed: list[Placed] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (file in zip, why)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (file in zip, notebook it became)
    no_file: list[str] = field(default_factory=list)  # roster students with nothing in the zip

    @property
    def students(self) -> list[str]:
        return sorted({p.student for p in self.placed})

    def text(self) -> str:
        out = [f"{self.assignment}: {len(self.placed)} notebook(s) from {len(self.students)} student(s) "
               f"copied into submitted/."]
        late = sorted({p.student for p in self.placed if p.late})
        if late:
            out.append(f"Marked late by the LMS: {', '.join(late)}.")
        if self.renamed:
            out.append("Renamed to the assignment's notebook name:")
            out += [f"  {src} -> {nb}" for src, nb in self.renamed]
        if self.unmatched:
            out.append(f"{len(self.unmatched)} file(s) could NOT be matched and were left out:")
            out += [f"  {src}: {why}" for src, why in self.unmatched]
            out.append("Fix the roster (or rename the files) and run the same command again; "
                       "files already placed are simply replaced.")
        if self.no_file:
            out.append(f"{len(self.no_file)} roster student(s) have no file in this download: "
                       + ", ".join(self.no_file))
        return "\n".join(out)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@dataclass
class _RosterIndex:
    by_lms_id: dict[str, str]
    by_name: dict[str, str]
    ids: set[str]


def _read_roster(path: Path | None, key: str | None) -> _RosterIndex | None:
    if path is None:
        return None
    from course.grading.export import MATCH_COLUMNS

    if not Path(path).is_file():
        raise CourseError(f"The roster file {path} does not exist.",
                          hint="Export the gradebook from your LMS as CSV and pass it with --roster.")
    text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
    rows = [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))]
    rows = [r for r in rows if any(r.values()) and next(iter(r.values()), "").lower() != "points possible"]
    cols = list(rows[0]) if rows else []
    if key is None:
        key = next((c for c in MATCH_COLUMNS if c in cols and c != "ID"), None) or (cols[0] if cols else None)
    if key not in cols:
        raise CourseError(f"The roster has no column '{key}'.", hint=f"Its columns are: {', '.join(cols)}.")
    idx = _RosterIndex({}, {}, set())
    for r in rows:
        sid = r.get(key, "")
        if not sid:
            continue
        idx.ids.add(sid)
        if r.get("ID"):
            idx.by_lms_id[r["ID"]] = sid
        names = []
        if r.get("Student"):  # Canvas: "Last, First"
            last, _, first = r["Student"].partition(",")
            names += [r["Student"], f"{first.strip()} {last.strip()}", f"{last.strip()}{first.strip()}"]
        if r.get("First name") or r.get("Last name"):
            names += [f"{r.get('First name', '')} {r.get('Last name', '')}",
                      f"{r.get('Last name', '')}{r.get('First name', '')}"]
        for n in names:
            if _slug(n):
                idx.by_name[_slug(n)] = sid
    return idx


def _safe_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    out = []
    for info in zf.infolist():
        name = info.filename.replace("\\", "/")
        if info.is_dir() or IGNORED.search(name) or Path(name).name.startswith("._"):
            continue
        if name.startswith("/") or ".." in Path(name).parts:
            continue  # never write outside the target (zip-slip)
        out.append(info)
    return out


def _released_notebooks(root: Path, assignment: str) -> list[str]:
    for d in (root / "release" / assignment, root / "source" / assignment):
        if d.is_dir():
            names = sorted(p.stem for p in d.glob("*.ipynb"))
            if names:
                return names
    raise CourseError(f"The course has no assignment '{assignment}' (nothing in release/ or source/).",
                      hint="Check the assignment name, e.g. m1_frame.")


def _match(rel: str, roster: _RosterIndex | None, assignment: str) -> tuple[str | None, str, bool, str]:
    """(student id or None, file name, late?, why not matched)."""
    parts = rel.split("/")
    m = MOODLE.match(rel) or (MOODLE.match("/".join(parts[1:])) if len(parts) > 1 else None)
    if m:
        name, fname = m.group("name"), Path(m.group("file")).name
        if roster is None:
            return _slug(name) or None, fname, False, ""
        sid = roster.by_name.get(_slug(name))
        return sid, fname, False, "" if sid else f"no roster student is called '{name}'"
    m = CANVAS.match(parts[-1])
    if m:
        late, fname = bool(m.group("late")), m.group("file")
        if roster is None:
            return m.group("name"), fname, late, ""
        sid = roster.by_lms_id.get(m.group("lms_id")) or roster.by_name.get(_slug(m.group("name")))
        return sid, fname, late, "" if sid else (f"Canvas user {m.group('lms_id')} ('{m.group('name')}') "
                                                "is not on the roster")
    if len(parts) >= 2:  # plain: <student>/<file> or <student>/<assignment>/<file>
        sid = parts[-3] if len(parts) >= 3 and parts[-2] == assignment else parts[-2]
        if roster is not None and sid not in roster.ids:
            return None, parts[-1], False, f"'{sid}' is not on the roster"
        return sid, parts[-1], False, ""
    return None, parts[-1], False, "the file name does not say whose it is (no LMS pattern, no student folder)"


def collect_zip(root: Path, assignment: str, zip_path: Path, *, roster_path: Path | None = None,
                match_column: str | None = None) -> CollectReport:
    root, zip_path = Path(root), Path(zip_path)
    if not zip_path.is_file():
        raise CourseError(f"The file {zip_path} does not exist.", hint="Give the path of the LMS download (.zip).")
    if not zipfile.is_zipfile(zip_path):
        raise CourseError(f"{zip_path} is not a zip file.",
                          hint="Download the submissions from the LMS as one zip and pass that file.")
    notebooks = _released_notebooks(root, assignment)
    roster = _read_roster(roster_path, match_column)
    report = CollectReport(assignment)
    chosen: dict[tuple[str, str], tuple[datetime, zipfile.ZipInfo, str, bool]] = {}
    with zipfile.ZipFile(zip_path) as zf:
        members = _safe_members(zf)
        # a zip inside the zip (some LMS wrap each student's files): unpack it alongside
        nested_dir = Path(tempfile.mkdtemp(prefix="course-collect-"))
        try:
            entries: list[tuple[str, datetime, callable]] = []
            for info in members:
                rel = info.filename.replace("\\", "/")
                when = datetime(*info.date_time, tzinfo=timezone.utc)
                if rel.lower().endswith(".zip"):
                    inner = nested_dir / f"{len(entries)}.zip"
                    inner.write_bytes(zf.read(info))
                    if zipfile.is_zipfile(inner):
                        with zipfile.ZipFile(inner) as iz:
                            prefix = rel[:-4]
                            for ii in _safe_members(iz):
                                data = iz.read(ii)
                                entries.append((f"{prefix}/{ii.filename}", datetime(*ii.date_time, tzinfo=timezone.utc),
                                                (lambda d=data: d)))
                    continue
                entries.append((rel, when, (lambda i=info: zf.read(i))))
            for rel, when, read in entries:
                sid, fname, late, why = _match(rel, roster, assignment)
                if sid is None:
                    report.unmatched.append((rel, why))
                    continue
                stem, ext = Path(fname).stem, Path(fname).suffix
                if ext != ".ipynb":
                    report.unmatched.append((rel, f"not a notebook ({ext or 'no extension'}); only .ipynb files "
                                                  "are graded"))
                    continue
                nb = stem if stem in notebooks else None
                if nb is None:
                    m = RESUBMIT.match(stem)
                    if m and m.group("stem") in notebooks:
                        nb = m.group("stem")
                if nb is None and len(notebooks) == 1:
                    nb = notebooks[0]
                    report.renamed.append((rel, f"{nb}.ipynb"))
                if nb is None:
                    report.unmatched.append((rel, f"'{fname}' is none of this assignment's notebooks "
                                                  f"({', '.join(n + '.ipynb' for n in notebooks)})"))
                    continue
                key = (sid, nb)
                if key in chosen and chosen[key][0] > when:
                    report.unmatched.append((rel, f"an older copy of {nb}.ipynb for {sid}; the newer one was kept"))
                    continue
                if key in chosen:
                    report.unmatched.append((chosen[key][2], f"an older copy of {nb}.ipynb for {sid}; "
                                                             "the newer one was kept"))
                chosen[key] = (when, read, rel, late)
            for (sid, nb), (when, read, rel, late) in sorted(chosen.items()):
                dest = root / "submitted" / sid / assignment
                dest.mkdir(parents=True, exist_ok=True)
                tmp = dest / f".{nb}.ipynb.part"
                tmp.write_bytes(read())
                tmp.replace(dest / f"{nb}.ipynb")
                report.placed.append(Placed(sid, nb, rel, late))
            # No timestamp.txt: zip entry times are the LMS's packing times, not submission times, and a
            # wrong time would trigger nbgrader's late penalties. The LMS's own "late" mark is reported.
        finally:
            shutil.rmtree(nested_dir, ignore_errors=True)
    if roster is not None:
        report.no_file = sorted(roster.ids - {p.student for p in report.placed})
    report.unmatched.sort()
    return report
