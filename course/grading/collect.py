"""Import an LMS bulk download of submissions with nbgrader's zip collect.

`collect_zip` drives `nbgrader.apps.ZipCollectApp` with the course's own config
(`grading/nbgrader_config.py`), exactly as `nbgrader zip_collect <assignment>` would:

1. the download is copied into ``downloaded/<assignment>/archive/`` (this folder is course collect's
   copy of the download and is replaced on every run; the original zip is not touched);
2. our `BoundedExtractor` (an nbgrader `ExtractorPlugin`) unpacks it (and any zip inside it) into
   ``downloaded/<assignment>/extracted/``, streamed and within size, ratio and count limits; a
   download with a hostile entry (``..`` or an absolute path: zip slip; a symlink; a zip bomb) is
   refused whole, naming the entry, before anything is written;
3. our `LmsFileNameCollector` (a `FileNameCollectorPlugin`) tells nbgrader, for every extracted
   file, the student id, the notebook name and, where the download says it, the submission time;
4. nbgrader copies each student's notebooks to ``submitted/<student>/<assignment>/`` (replacing that
   student's earlier submission: ``force``) and writes ``timestamp.txt`` when a time is known, so
   late penalties work.

Recognised names (inside the zip):
* Canvas "Download Submissions": ``<name>_<canvasid>_<submissionid>_<file>`` (``<name>_LATE_...`` for
  late work); Canvas adds ``-1``, ``-2`` to a resubmitted file's name.
* Moodle "Download all submissions": ``<Full Name>_<id>_assignsubmission_file_/<file>`` (a folder per
  student), or the same prefix on the file name itself.
* Plain: ``<student_id>/<file>`` or ``<student_id>/<assignment>/<file>`` (nbgrader's own layout); a
  ``timestamp.txt`` beside the notebook gives the submission time. A folder named like nbgrader's
  exchange inbound, ``<student_id>+<assignment>+<timestamp>[+<random>]``, gives it too.

Canvas and Moodle do not put the submission time in their file names, so their submissions get no
timestamp.txt (zip entry times are the LMS's packing times; a wrong time would trigger late
penalties). The LMS's own "late" mark is reported instead.

Several copies of one notebook for one student: the newest wins (a later submission time, else
Canvas's higher ``-N`` resubmission number, else the later zip entry time) and the report lists the
copies left out. nbgrader itself would stop at such a duplicate when it has no timestamps to compare.

A roster (`--roster`, e.g. the LMS gradebook export) maps LMS ids or names to the student ids used
in the gradebook: Canvas files by the roster's ``ID`` column, Moodle folders by full name. Without a
roster the ids come from the file names; ids the course does not know yet (its submitted/ folders
and gradebook students) stop the collect with an explanation unless ``new_students`` is set
(``--new-students``), so that a student is never duplicated under their LMS name. Ids that cannot
be folder names (``..``, ``.``, a leading dot, separators) are refused.

Collect holds the course's run lock (`exclusive_with_autograde`): it never runs during autograde.

The collector also works from nbgrader's own command line, in the course root:
``nbgrader zip_collect m1_frame --collector=course.grading.collect.LmsFileNameCollector --force``.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from traitlets import Bool, Int, Unicode

from course.errors import CourseError

CANVAS = re.compile(r"^(?P<name>[^_/]+?)(?:_(?P<late>LATE))?_(?P<lms_id>\d+)_(?P<sub_id>\d+)_(?P<file>[^/]+)$")
MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<lms_id>\d+)_assign(?:submission|feedback)_\w+?_/?(?P<file>.+)$")
EXCHANGE = re.compile(r"^(?P<sid>[^+/]+)\+(?P<assignment>[^+/]+)\+(?P<ts>[^+/]+)(?:\+[^/]*)?$")
RESUBMIT = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$")
IGNORED = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints|\.DS_Store|Thumbs\.db)(/|$)")
ARCHIVE_EXT = (".zip", ".gz")


@dataclass
class Placed:
    student: str
    notebook: str
    source: str
    late: bool = False
    timestamp: str | None = None


@dataclass
class CollectReport:
    assignment: str
    placed: list[Placed] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (file in zip, why)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (file in zip, notebook it became)
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (older copy left out, newer copy kept)
    replaced: list[str] = field(default_factory=list)  # students whose earlier submitted/ folder was replaced
    no_file: list[str] = field(default_factory=list)  # roster students with nothing in the zip
    notes: list[str] = field(default_factory=list)  # what reading the roster left out or assumed

    @property
    def students(self) -> list[str]:
        return sorted({p.student for p in self.placed})

    def text(self) -> str:
        out = [f"{self.assignment}: {len(self.placed)} notebook(s) from {len(self.students)} student(s) "
               f"collected into submitted/ by nbgrader's zip collect."]
        timed = sorted({p.student for p in self.placed if p.timestamp})
        if timed:
            out.append(f"Submission time recorded (timestamp.txt) for: {', '.join(timed)}.")
        late = sorted({p.student for p in self.placed if p.late})
        if late:
            out.append(f"Marked late by the LMS: {', '.join(late)}.")
        if self.replaced:
            out.append(f"Replaced the earlier submission of: {', '.join(self.replaced)}.")
        if self.renamed:
            out.append("Renamed to the assignment's notebook name:")
            out += [f"  {src} -> {nb}" for src, nb in self.renamed]
        if self.superseded:
            out.append("Several copies of one notebook: the newest was kept, these older ones were left out:")
            out += [f"  {old} (kept {new})" for old, new in self.superseded]
        if self.unmatched:
            out.append(f"{len(self.unmatched)} file(s) could NOT be matched and were left out:")
            out += [f"  {src}: {why}" for src, why in self.unmatched]
            out.append("Fix the roster (or rename the files) and run the same command again; "
                       "each student in the download gets their submission replaced.")
        if self.no_file:
            out.append(f"{len(self.no_file)} roster student(s) have no file in this download: "
                       + ", ".join(self.no_file))
        out += self.notes
        return "\n".join(out)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@dataclass
class _RosterIndex:
    by_lms_id: dict[str, str]
    by_name: dict[str, str]
    ids: set[str]
    ambiguous: set[str] = field(default_factory=set)  # slugged names two roster students share
    notes: list[str] = field(default_factory=list)
    people: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (first, last, email)


def _read_roster(path: Path | None, key: str | None) -> _RosterIndex | None:
    if path is None:
        return None
    from course.grading.export import MATCH_COLUMNS
    from course.grading.roster import read_table, reject_duplicates

    table = read_table(path)
    rows, cols = table.rows, table.columns
    if key is None:
        key = next((c for c in MATCH_COLUMNS if c in cols and c != "ID"), None) or (cols[0] if cols else None)
    if key not in cols:
        raise CourseError(f"The roster has no column '{key}'.", hint=f"Its columns are: {', '.join(cols)}.")
    reject_duplicates(table, key)
    if "ID" in cols and key != "ID":
        reject_duplicates(table, "ID", "Canvas user ID")
    idx = _RosterIndex({}, {}, set(), notes=list(table.dropped) + ([table.note()] if table.note() else []))
    for r in rows:
        sid = r.get(key, "")
        if not sid:
            continue
        idx.ids.add(sid)
        first, last = (r.get("First name") or "").strip(), (r.get("Last name") or "").strip()
        if not (first or last) and "," in (r.get("Student") or ""):
            last, _, first = (x.strip() for x in r["Student"].partition(","))
        idx.people[sid] = (first, last, (r.get("Email address") or r.get("email") or r.get("Email") or "").strip())
        if r.get("ID"):
            idx.by_lms_id[r["ID"]] = sid
        names = []
        if r.get("Student"):  # Canvas: "Last, First"
            last, _, first = r["Student"].partition(",")
            names += [r["Student"], f"{first.strip()} {last.strip()}", f"{last.strip()}{first.strip()}"]
        if r.get("First name") or r.get("Last name"):
            names += [f"{r.get('First name', '')} {r.get('Last name', '')}",
                      f"{r.get('Last name', '')}{r.get('First name', '')}"]
        for n in {_slug(n) for n in names if _slug(n)}:
            if idx.by_name.get(n, sid) != sid:
                idx.ambiguous.add(n)  # two students with one name: never match a file by that name
            idx.by_name[n] = sid
    for n in idx.ambiguous:
        idx.by_name.pop(n, None)
    return idx


def bad_student_id(sid: str) -> str | None:
    """Why `sid` (taken from a file or folder name) cannot be a student id, or None when it can:
    it becomes a folder name under submitted/, so '.', '..', a leading dot (a hidden folder,
    skipped by autograde), path separators and control characters are refused."""
    if not sid.strip():
        return "it is empty"
    if sid in (".", ".."):
        return f"'{sid}' is a special folder name (it would write outside the student's folder)"
    if sid.startswith("."):
        return f"'{sid}' starts with a dot (a hidden folder, which autograde never sees)"
    if any(ch in sid for ch in "/\\") or any(ord(ch) < 32 or ord(ch) == 127 for ch in sid):
        return f"{sid!r} holds a path separator or a control character"
    if len(sid) > 128:
        return "it is longer than 128 characters"
    return None


def _unsafe(name: str) -> bool:
    """True for a zip member whose path leads outside the folder it is unpacked into (zip slip)."""
    name = name.replace("\\", "/")
    return name.startswith("/") or ".." in name.split("/") or bool(re.match(r"^[A-Za-z]:", name))


def _parse_time(text: str) -> str | None:
    """The text as nbgrader will read it, or None when nbgrader could not parse it."""
    from nbgrader.utils import parse_utc

    text = text.strip()
    try:
        return parse_utc(text).isoformat(" ") if text else None
    except (ValueError, OverflowError, TypeError):
        return None


def _match(rel: str, roster: _RosterIndex | None, assignment: str) -> tuple[str | None, str, bool, str, str | None]:
    """(student id or None, file name, late?, why not matched, exchange timestamp)."""
    sid, fname, late, why, ts = _match_name(rel, roster, assignment)
    bad = bad_student_id(sid) if sid is not None else None
    if bad:
        return None, fname, late, f"the student id taken from the name is unusable: {bad}", None
    return sid, fname, late, why, ts


def _match_name(rel: str, roster: _RosterIndex | None, assignment: str):
    parts = rel.split("/")
    m = MOODLE.match(rel) or (MOODLE.match("/".join(parts[1:])) if len(parts) > 1 else None)
    if m:
        name, fname = m.group("name"), Path(m.group("file")).name
        if roster is None:
            return _slug(name) or None, fname, False, "", None
        sid = roster.by_name.get(_slug(name))
        if sid is None and _slug(name) in roster.ambiguous:
            return None, fname, False, (f"two roster students are called '{name}'; put the file in a folder named "
                                        "after the student's id"), None
        return sid, fname, False, "" if sid else f"no roster student is called '{name}'", None
    m = CANVAS.match(parts[-1])
    if m:
        late, fname = bool(m.group("late")), m.group("file")
        if roster is None:
            return m.group("name"), fname, late, "", None
        sid = roster.by_lms_id.get(m.group("lms_id")) or roster.by_name.get(_slug(m.group("name")))
        return sid, fname, late, "" if sid else (f"Canvas user {m.group('lms_id')} ('{m.group('name')}') "
                                                "is not on the roster"), None
    if len(parts) >= 2:  # plain: <student>/<file>, <student>/<assignment>/<file>, exchange <s>+<a>+<ts>/<file>
        sid = parts[-3] if len(parts) >= 3 and parts[-2] == assignment else parts[-2]
        ts = None
        m = EXCHANGE.match(sid)
        if m:
            sid, ts = m.group("sid"), m.group("ts")
        if roster is not None and sid not in roster.ids:
            return None, parts[-1], False, f"'{sid}' is not on the roster", None
        return sid, parts[-1], False, "", ts
    return None, parts[-1], False, "the file name does not say whose it is (no LMS pattern, no student folder)", None


# ----------------------------------------------------------------------------- bounded unzip
MiB = 1 << 20
CHUNK = MiB


@dataclass
class _Budget:
    files: int = 0
    bytes: int = 0


def _mb(n: int) -> str:
    return f"{n / MiB:,.1f} MB" if n < 1024 * MiB else f"{n / (1024 * MiB):,.2f} GB"


class BoundedExtractor(ExtractorPlugin):
    """nbgrader's extractor plugin, made safe for a download nobody vouches for.

    Every entry of a zip is checked from the zip's directory BEFORE anything is written: a path
    that leads outside the target folder (absolute, a drive letter, or `..`: "zip slip"), a symbolic
    link, an encrypted entry, more than `max_files` entries, an entry larger than `max_file_bytes`,
    a compression ratio above `max_ratio` (a "zip bomb": 1 MB that unpacks to 1 GB) or more than
    `max_total_bytes` in all. One bad entry refuses the whole download, naming the entry and why;
    nothing is extracted. Entries are then streamed to disk in 1 MB chunks, never read whole, and
    counted as they are written (an entry that unpacks to more than its header declares is refused
    too). A zip inside the zip is unpacked beside itself (as nbgrader does), up to `max_depth`
    levels, under the same budget. Other archive types (.gz, .tar, .7z) are left as files; the
    collector reports them as not notebooks. Unlike nbgrader's own extractor this does not depend
    on setuptools' archive code (which skips bad entries in old versions and raises in new ones).

    Raise a limit in nbgrader_config.py, e.g. ``c.BoundedExtractor.max_file_bytes = 1024 * 1024**2``.
    """

    max_files = Int(20_000, help="Most entries a download (with the zips inside it) may hold.").tag(config=True)
    max_file_bytes = Int(256 * MiB, help="Largest size one entry may unpack to, in bytes.").tag(config=True)
    max_total_bytes = Int(2048 * MiB, help="Largest size a whole download may unpack to, in bytes.").tag(config=True)
    max_ratio = Int(200, help="Highest compression ratio of an entry larger than 1 MB.").tag(config=True)
    max_depth = Int(3, help="Zips inside zips are unpacked this many levels deep.").tag(config=True)

    def refuse(self, label: str, entry: str, why: str, hint: str | None = None) -> CourseError:
        return CourseError(
            f"The download {label} was refused: its entry '{entry}' {why}. Nothing was extracted or collected.",
            hint=hint or "Download the submissions from the LMS again. If the entry is really in the download, "
                         f"remove it (e.g. zip -d {label} '{entry}') and run the same command again.")

    def check(self, zf: zipfile.ZipFile, label: str, budget: _Budget) -> list[zipfile.ZipInfo]:
        """Every entry of `zf`, checked against the limits from the zip's directory alone."""
        raise_limit = "If the download is genuine, raise the limit in nbgrader_config.py (c.BoundedExtractor.{})."
        infos = zf.infolist()
        for info in infos:
            name = info.filename
            if _unsafe(name):
                raise self.refuse(label, name, "has a path that leads outside the folder it is unpacked into "
                                               "(an absolute path or '..': a 'zip slip')")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise self.refuse(label, name, "is a symbolic link (it could point anywhere on this computer)")
            if info.flag_bits & 0x1:
                raise self.refuse(label, name, "is encrypted (password-protected)")
            budget.files += 1
            if budget.files > self.max_files:
                raise self.refuse(label, name, f"is one more than the {self.max_files:,} files a download may hold",
                                  hint=raise_limit.format("max_files"))
            if info.file_size > self.max_file_bytes:
                raise self.refuse(label, name, f"unpacks to {_mb(info.file_size)}, more than the "
                                               f"{_mb(self.max_file_bytes)} one file may have",
                                  hint=raise_limit.format("max_file_bytes"))
            if info.file_size > MiB and info.file_size > self.max_ratio * max(info.compress_size, 1):
                raise self.refuse(label, name, f"unpacks to {_mb(info.file_size)} from {_mb(info.compress_size)} "
                                               f"(compressed {info.file_size // max(info.compress_size, 1):,} to 1; "
                                               "a 'zip bomb')", hint=raise_limit.format("max_ratio"))
            budget.bytes += info.file_size
            if budget.bytes > self.max_total_bytes:
                raise self.refuse(label, name, f"takes the download past {_mb(self.max_total_bytes)} unpacked",
                                  hint=raise_limit.format("max_total_bytes"))
        return infos

    def check_file(self, path: Path) -> None:
        """Check a zip's entries (the first level) without writing anything."""
        with zipfile.ZipFile(path) as zf:
            self.check(zf, Path(path).name, _Budget())

    def extract(self, archive_path: str, extracted_path: str) -> None:
        budget = _Budget()
        for src in sorted(Path(archive_path).iterdir()):
            if not src.is_file():
                continue
            if not zipfile.is_zipfile(src):
                shutil.copy(src, Path(extracted_path) / src.name)
                continue
            target = Path(extracted_path) / src.stem
            partial = Path(extracted_path) / f".{src.stem}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            try:
                self._unzip(src, partial, src.name, budget, 1)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)  # a refusal leaves nothing extracted
                raise
            if target.exists():
                shutil.rmtree(target)
            partial.rename(target)

    def _unzip(self, src: Path, dest: Path, label: str, budget: _Budget, depth: int) -> None:
        dest.mkdir(parents=True, exist_ok=True)
        base = dest.resolve()
        try:
            zf = zipfile.ZipFile(src)
        except (zipfile.BadZipFile, OSError) as exc:
            raise self.refuse(label, src.name, f"is not a readable zip ({exc})") from None
        with zf:
            for info in self.check(zf, label, budget):
                out = (dest / info.filename).resolve()
                if base != out and base not in out.parents:  # belt and braces after the name check
                    raise self.refuse(label, info.filename, "has a path that leads outside the folder it is unpacked into")
                if info.is_dir():
                    out.mkdir(parents=True, exist_ok=True)
                    continue
                out.parent.mkdir(parents=True, exist_ok=True)
                self._stream(zf, info, out, label)
                if out.suffix.lower() == ".zip" and depth < self.max_depth and zipfile.is_zipfile(out):
                    self._unzip(out, out.with_suffix(""), f"{label} > {info.filename}", budget, depth + 1)
                    out.unlink()

    def _stream(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, label: str) -> None:
        import zlib

        limit = min(info.file_size, self.max_file_bytes)
        written = 0
        try:
            with zf.open(info) as src, open(out, "wb") as fh:
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    if written > limit:
                        raise self.refuse(label, info.filename, "unpacks to more than the size its header declares")
                    fh.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise self.refuse(label, info.filename, f"cannot be unpacked; the zip is damaged ({exc})") from None


class LmsFileNameCollector(FileNameCollectorPlugin):
    """nbgrader collector plugin for Canvas, Moodle and plain-folder downloads (see module docstring).

    On its first call it reads every extracted file once, so that it can give each (student,
    notebook) exactly one file: the newest copy. Everything it leaves out lands in `self.report`.
    """

    roster = Unicode("", help="Roster CSV mapping LMS ids/names to gradebook student ids.").tag(config=True)
    match_column = Unicode("", help="Roster column holding the gradebook student ids (default: detected)."
                           ).tag(config=True)
    new_students = Bool(False, help="Without a roster, accept student ids (taken from file names) that the "
                                    "course does not know yet.").tag(config=True)

    def _setup(self) -> None:
        app = self.parent
        assignment = app.coursedir.assignment_id
        self.report = CollectReport(assignment)
        self.notebooks = _assignment_notebooks(Path(app.coursedir.root), assignment, app.coursedir)
        self.roster_index = _read_roster(Path(self.roster) if self.roster else None, self.match_column or None)
        archive = Path(app._format_collect_path(app.archive_directory))
        extracted = Path(app._format_collect_path(app.extracted_directory))
        # extracted/<download stem>/<member> -> the member's name and zip entry time, for the report
        self.zip_stems, entry_times = set(), {}
        if archive.is_dir():
            for z in sorted(archive.iterdir()):
                if z.suffix in ARCHIVE_EXT and zipfile.is_zipfile(z):
                    self.zip_stems.add(z.stem)
                    with zipfile.ZipFile(z) as zf:  # the central directory only: nothing is decompressed
                        for info in zf.infolist():
                            entry_times[f"{z.stem}/{info.filename}"] = datetime(*info.date_time)
        losers: list[tuple[str, tuple[str, str]]] = []
        chosen: dict[tuple[str, str], tuple[tuple, str, dict]] = {}
        folder_times: dict[str, str | None] = {}
        files = sorted(str(p) for p in extracted.rglob("*") if p.is_file()) if extracted.is_dir() else []
        for path in files:
            key = Path(path).relative_to(extracted).as_posix()
            rel = self._display(key)
            if IGNORED.search(rel) or Path(rel).name.startswith("._") or Path(rel).name == "timestamp.txt":
                continue
            sid, fname, late, why, ts = _match(rel, self.roster_index, assignment)
            if sid is None:
                self.report.unmatched.append((rel, why))
                continue
            stem, ext = Path(fname).stem, Path(fname).suffix
            if ext != ".ipynb":
                self.report.unmatched.append((rel, f"not a notebook ({ext or 'no extension'}); only .ipynb files "
                                                   "are graded"))
                continue
            resubmit = 0
            nb = stem if stem in self.notebooks else None
            if nb is None:
                m = RESUBMIT.match(stem)
                if m and m.group("stem") in self.notebooks:
                    nb, resubmit = m.group("stem"), int(m.group("n"))
            if nb is None and len(self.notebooks) == 1:
                nb = self.notebooks[0]
                self.report.renamed.append((rel, f"{nb}.ipynb"))
            if nb is None:
                self.report.unmatched.append((rel, f"'{fname}' is none of this assignment's notebooks "
                                                   f"({', '.join(n + '.ipynb' for n in self.notebooks)})"))
                continue
            if ts is None:  # a timestamp.txt beside the notebook (nbgrader's own submitted layout)
                folder = str(Path(path).parent)
                if folder not in folder_times:
                    t = Path(folder) / "timestamp.txt"
                    folder_times[folder] = _parse_time(t.read_text(errors="replace")) if t.is_file() else None
                ts = folder_times[folder]
            else:
                ts = _parse_time(ts)
            info = {"student_id": sid, "file_id": f"{nb}.ipynb", "late": late, "source": rel}
            if ts:
                info["timestamp"] = ts
            rank = (ts or "", resubmit, entry_times.get(key, datetime.min), rel)
            k = (sid, nb)
            if k in chosen and chosen[k][0] > rank:
                losers.append((rel, k))
                continue
            if k in chosen:
                losers.append((chosen[k][2]["source"], k))
            chosen[k] = (rank, path, info)
        self.plan = {path: info for _, path, info in chosen.values()}
        if self.roster_index is None and not self.new_students:
            self._refuse_unknown_ids({info["student_id"] for info in self.plan.values()})
        # every older copy is listed against the copy that finally won
        self.report.superseded = sorted((rel, chosen[k][2]["source"]) for rel, k in losers)

    def _known_students(self) -> set[str]:
        """Students the course already has: its submitted/ folders and the gradebook's students."""
        import sqlite3

        cd = self.parent.coursedir
        sub = Path(cd.root) / cd.submitted_directory
        known = {p.name for p in sub.iterdir() if p.is_dir() and not p.name.startswith(".")} if sub.is_dir() else set()
        url = cd.db_url
        db = Path(url[len("sqlite:///"):].split("?")[0]) if url.startswith("sqlite:///") else None
        if db is not None and db.is_file() and db.stat().st_size:
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                try:
                    known |= {r[0] for r in con.execute("SELECT id FROM student")}
                finally:
                    con.close()
            except sqlite3.Error:
                pass  # a damaged gradebook is reported by the commands that read it
        return known

    def _refuse_unknown_ids(self, ids: set[str]) -> None:
        """Without a roster the ids come from the file names; ids the course does not know would make a
        second record of each student whose LMS name is not their id. Ask for a decision."""
        known = self._known_students()
        new = sorted(ids - known)
        if not known or not new:
            return
        shown = ", ".join(new[:8]) + (f" and {len(new) - 8} more" if len(new) > 8 else "")
        raise CourseError(
            f"Nothing was collected: without --roster the student ids come from the file names, and {len(new)} of "
            f"them are new to this course ({shown}), which already has {len(known)} student(s) (e.g. "
            f"{', '.join(sorted(known)[:3])}). Collecting them would create a second record for every student "
            "whose LMS name is not their id.",
            hint="Pass your LMS gradebook export with --roster (it maps LMS names and ids to your students' ids); "
                 "or, if these are new students, run the same command again with --new-students.")

    def collect(self, submitted_file: str):
        if not hasattr(self, "plan"):
            self._setup()
        info = self.plan.get(str(submitted_file))
        if info is None:
            return None
        return {k: v for k, v in info.items() if k in ("student_id", "file_id", "timestamp")}

    def _display(self, key: str) -> str:
        first, _, rest = key.partition("/")
        return rest if rest and first in self.zip_stems else key


def _assignment_notebooks(root: Path, assignment: str, coursedir=None) -> list[str]:
    release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment)) if coursedir \
        else root / "release" / assignment
    for d in (release, root / "source" / assignment):
        if d.is_dir():
            names = sorted(p.stem for p in d.glob("*.ipynb"))
            if names:
                return names
    raise CourseError(f"The course has no assignment '{assignment}' (nothing in release/ or source/).",
                      hint="Check the assignment name, e.g. m1_frame.")


@contextlib.contextmanager
def exclusive_with_autograde(root: Path):
    """Hold the course's lock while collecting, so that collect and autograde exclude each other
    (a submission replaced mid-grading would be journalled with the old file's grade).
    The lock is course.grading.lock.course_lock, shared with `course autograde`; its refusal names
    the command that holds it."""
    from course.grading.lock import course_lock

    with course_lock(root, "course collect"):
        yield


def collect_zip(root: Path, assignment: str, zip_path: Path, *, roster_path: Path | None = None,
                match_column: str | None = None, new_students: bool = False) -> CollectReport:
    """Run nbgrader's zip collect on one LMS download; return what it placed and what it left out.

    The download is checked entry by entry (BoundedExtractor) before anything is written; collect
    holds the course's run lock, so it never runs while autograde does (and the other way round)."""
    from nbgrader.apps import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    from course.grading.cohort import load_config

    root, zip_path = Path(root).resolve(), Path(zip_path)
    if not zip_path.is_file():
        raise CourseError(f"The file {zip_path} does not exist.", hint="Give the path of the LMS download (.zip).")
    if not zipfile.is_zipfile(zip_path):
        raise CourseError(f"{zip_path} is not a zip file.",
                          hint="Download the submissions from the LMS as one zip and pass that file.")
    try:
        cfg = load_config(root)
    except OSError as exc:
        from course.grading.gradebook import config_os_error

        raise config_os_error(root, exc) from None
    except Exception as exc:
        raise CourseError(f"{root / 'nbgrader_config.py'} could not be read ({type(exc).__name__}: {exc}).",
                          hint="Fix the file (the error names the line) or restore it from git.") from None
    cfg.CourseDirectory.assignment_id = assignment
    coursedir = CourseDirectory(config=cfg)
    notebooks = _assignment_notebooks(root, assignment, coursedir)
    if roster_path is not None:
        _read_roster(roster_path, match_column)  # plain errors before anything is touched
        cfg.LmsFileNameCollector.roster = str(Path(roster_path).resolve())
    if match_column:
        cfg.LmsFileNameCollector.match_column = match_column
    cfg.LmsFileNameCollector.new_students = bool(new_students)
    cfg.ZipCollectApp.collector_plugin = LmsFileNameCollector
    cfg.ZipCollectApp.extractor_plugin = BoundedExtractor
    BoundedExtractor(config=cfg).check_file(zip_path)  # a hostile zip is refused before anything is written
    # force: a student in this download gets their earlier submitted/ folder replaced (and
    # extracted/ is rebuilt); strict: a notebook name nbgrader does not know is never copied.
    cfg.ZipCollectApp.force = True
    cfg.ExtractorPlugin.force = True
    released = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    cfg.ZipCollectApp.strict = any(released.glob("*.ipynb"))

    with exclusive_with_autograde(root):
        report = _run_collect(ZipCollectApp(coursedir=coursedir, config=cfg), root, assignment, zip_path, coursedir)
        if roster_path is not None:
            _record_names(root, _read_roster(roster_path, match_column), report.students)
        return report


def _record_names(root: Path, roster: _RosterIndex | None, students) -> None:
    """Put the roster's names and emails on the gradebook's students, so `course review`, the report
    and the exports show who a student is (a Moodle or Canvas id alone says nothing to a grader).
    Fields the roster leaves blank keep what the gradebook had."""
    if roster is None or not (Path(root) / "gradebook.db").exists():
        return
    from nbgrader.api import MissingEntry

    from course.grading.gradebook import open_gradebook

    try:
        with open_gradebook(root) as gb:
            for sid in sorted(set(students)):
                first, last, email = roster.people.get(sid, ("", "", ""))
                if not (first or last or email):
                    continue
                try:
                    st = gb.find_student(sid)
                    old = (st.first_name, st.last_name, st.email)
                except MissingEntry:
                    old = (None, None, None)
                gb.update_or_create_student(sid, first_name=first or old[0], last_name=last or old[1],
                                            email=email or old[2])
    except Exception:   # names are a convenience: never fail a collect over them
        pass


def _run_collect(app, root: Path, assignment: str, zip_path: Path, coursedir) -> CollectReport:
    archive = Path(app._format_collect_path(app.archive_directory))
    if archive.is_dir():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    shutil.copyfile(zip_path, archive / (zip_path.stem + ".zip"))
    submitted = lambda sid: Path(coursedir.format_path(coursedir.submitted_directory, sid, assignment))  # noqa: E731
    existed = {p.parent.name for p in root.glob(f"{coursedir.submitted_directory}/*/{assignment}") if p.is_dir()}

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.ERROR)
    app.log.addHandler(handler)
    old_level = app.log.level
    app.log.setLevel(logging.ERROR)
    try:
        app.start()
    except SystemExit:
        msg = log.getvalue().strip().splitlines()
        raise CourseError(f"nbgrader's zip collect stopped: {msg[-1] if msg else 'no reason given'}.",
                          hint="Fix the download (or the roster) and run the same command again.") from None
    finally:
        app.log.removeHandler(handler)
        app.log.setLevel(old_level)

    plugin = app.collector_plugin_inst
    if not hasattr(plugin, "report"):  # nothing was extracted: nbgrader never asked the plugin
        plugin._setup()
    report = plugin.report
    for info in plugin.plan.values():
        dest = submitted(info["student_id"]) / info["file_id"]
        if not dest.is_file():
            report.unmatched.append((info["source"], "nbgrader did not copy it to submitted/"))
            continue
        ts_file = dest.parent / "timestamp.txt"
        report.placed.append(Placed(info["student_id"], Path(info["file_id"]).stem, info["source"], info["late"],
                                    ts_file.read_text().strip() if ts_file.is_file() else None))
    report.placed.sort(key=lambda p: (p.student, p.notebook))
    report.replaced = sorted(existed & set(report.students))
    if plugin.roster_index is not None:
        report.notes = list(plugin.roster_index.notes)
        report.no_file = sorted(plugin.roster_index.ids - set(report.students))
    report.unmatched.sort()
    return report
