"""Import an LMS bulk download of submissions with nbgrader's zip collect.

`collect_zip` drives `nbgrader.apps.ZipCollectApp` with the course's own config
(`grading/nbgrader_config.py`), exactly as `nbgrader zip_collect <assignment>` would:

1. the download is copied into ``downloaded/<assignment>/archive/`` (this folder is course collect's
   copy of the download and is replaced on every run; the original zip is not touched);
2. nbgrader's default `ExtractorPlugin` unpacks it (and any zip inside it) into
   ``downloaded/<assignment>/extracted/``; it skips members whose path is absolute or contains
   ``..`` (zip-slip), and we list those in the report;
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
in the gradebook: Canvas files by the roster's ``ID`` column, Moodle folders by full name.

The collector also works from nbgrader's own command line, in the course root:
``nbgrader zip_collect m1_frame --collector=course.grading.collect.LmsFileNameCollector --force``.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

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


def _unsafe(name: str) -> bool:
    """True for a zip member nbgrader's extractor refuses to write (absolute path or `..`)."""
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
    parts = rel.split("/")
    m = MOODLE.match(rel) or (MOODLE.match("/".join(parts[1:])) if len(parts) > 1 else None)
    if m:
        name, fname = m.group("name"), Path(m.group("file")).name
        if roster is None:
            return _slug(name) or None, fname, False, "", None
        sid = roster.by_name.get(_slug(name))
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


class LmsFileNameCollector(FileNameCollectorPlugin):
    """nbgrader collector plugin for Canvas, Moodle and plain-folder downloads (see module docstring).

    On its first call it reads every extracted file once, so that it can give each (student,
    notebook) exactly one file: the newest copy. Everything it leaves out lands in `self.report`.
    """

    roster = Unicode("", help="Roster CSV mapping LMS ids/names to gradebook student ids.").tag(config=True)
    match_column = Unicode("", help="Roster column holding the gradebook student ids (default: detected)."
                           ).tag(config=True)

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
                    with zipfile.ZipFile(z) as zf:
                        for info in zf.infolist():
                            if _unsafe(info.filename):
                                self.report.unmatched.append(
                                    (info.filename, "refused: its path leads outside the download folder"))
                            else:
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
            if rel.endswith(ARCHIVE_EXT):  # nbgrader's extractor has unpacked it beside itself
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
        # every older copy is listed against the copy that finally won
        self.report.superseded = sorted((rel, chosen[k][2]["source"]) for rel, k in losers)

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


def collect_zip(root: Path, assignment: str, zip_path: Path, *, roster_path: Path | None = None,
                match_column: str | None = None) -> CollectReport:
    """Run nbgrader's zip collect on one LMS download; return what it placed and what it left out."""
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
    except Exception as exc:
        raise CourseError(f"{root / 'nbgrader_config.py'} could not be read ({exc}).",
                          hint="Fix the file or restore it from git.") from None
    cfg.CourseDirectory.assignment_id = assignment
    coursedir = CourseDirectory(config=cfg)
    notebooks = _assignment_notebooks(root, assignment, coursedir)
    if roster_path is not None:
        _read_roster(roster_path, match_column)  # plain errors before anything is touched
        cfg.LmsFileNameCollector.roster = str(Path(roster_path).resolve())
    if match_column:
        cfg.LmsFileNameCollector.match_column = match_column
    cfg.ZipCollectApp.collector_plugin = LmsFileNameCollector
    # force: a student in this download gets their earlier submitted/ folder replaced (and
    # extracted/ is rebuilt); strict: a notebook name nbgrader does not know is never copied.
    cfg.ZipCollectApp.force = True
    cfg.ExtractorPlugin.force = True
    released = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    cfg.ZipCollectApp.strict = any(released.glob("*.ipynb"))

    app = ZipCollectApp(coursedir=coursedir, config=cfg)
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
        report.no_file = sorted(plugin.roster_index.ids - set(report.students))
    report.unmatched.sort()
    return report
