"""Grades out of the nbgrader gradebook, into a spreadsheet or an LMS import file.

Three layouts (`FORMATS`):

* ``csv``: one row per student; per-question columns (``<assignment>/<question>``), each
  assignment's total, and a status column. Row 2 gives the points possible.
* ``canvas``: Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login ID, Section``
  then one column per assignment, and a ``Points Possible`` row under the header (the layout of
  Canvas's own gradebook export, which its importer reads back). Canvas needs the student
  identity columns: pass the Canvas gradebook export as ``--roster``.
* ``moodle``: Moodle's CSV grade import: ``First name, Last name, ID number, Email address`` then
  one column per assignment named ``<grade item> (Real)``, the form of Moodle's own grade export
  (a grade item's column is its name followed by " (Real)"; Moodle's import mapping form pre-selects
  the grade item whose name matches, and "ID number" / "Email address" are the labels of its
  "Map to" user fields). With a Moodle grade export as --roster, its existing column for the
  assignment (e.g. ``Assignment: m1_frame (Real)``) is reused. A blank cell means "no grade" to
  Moodle; every row must identify a Moodle user, or Moodle stops the whole import.

Per-question columns in the LMS layouts are off by default (each column becomes a grade item in
the LMS); `items=True` adds them. Nobody is dropped silently: the `ExportReport` lists gradebook
students missing from the roster and roster students without a submission.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import CourseError

FORMATS = ("csv", "canvas", "moodle")
CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_ID_COLUMNS = ["First name", "Last name", "ID number", "Email address"]
# roster columns that may hold the id a student has in nbgrader, in order of preference
MATCH_COLUMNS = ["student_id", "Student ID", "SIS Login ID", "SIS User ID", "ID number", "Username", "username",
                 "Login ID", "Email address", "email", "Email", "ID"]


# ----------------------------------------------------------------------------- gradebook side
@dataclass
class Item:
    assignment: str
    notebook: str
    name: str
    max_score: float

    def column(self, single_notebook: bool) -> str:
        return (f"{self.assignment}/{self.name}" if single_notebook
                else f"{self.assignment}/{self.notebook}/{self.name}")


@dataclass
class Scores:
    assignments: list[str]
    items: dict[str, list[Item]]  # assignment -> items in notebook/cell order
    max_total: dict[str, float]
    students: dict[str, dict]  # id -> {first_name, last_name, email}
    # (student, assignment) -> {"items": {(notebook, name): score}, "total": float, "penalty": float}
    submissions: dict[tuple[str, str], dict] = field(default_factory=dict)

    def single_notebook(self, assignment: str) -> bool:
        return len({i.notebook for i in self.items[assignment]}) <= 1


def source_order(root: Path | None, assignment: str) -> dict[tuple[str, str], int]:
    """(notebook, grade_id) -> position in the source notebook, so columns follow the assignment."""
    import json as _json

    order: dict[tuple[str, str], int] = {}
    if root is None:
        return order
    for nbp in sorted((Path(root) / "source" / assignment).glob("*.ipynb")):
        try:
            cells = _json.loads(nbp.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for i, c in enumerate(cells):
            gid = (c.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
            if gid:
                order[(nbp.stem, gid)] = i
    return order


def load_scores(db_file: Path, assignments: list[str] | None = None, root: Path | None = None) -> Scores:
    """Read every score from an nbgrader gradebook (manual score over auto score, plus extra credit,
    minus late penalty: nbgrader's own arithmetic)."""
    from nbgrader.api import Gradebook

    from course.grading.gradebook import check_gradebook

    db_file = Path(db_file)
    if not db_file.exists():
        raise CourseError(f"There is no gradebook at {db_file}.",
                          hint="Autograde some submissions first (course autograde <assignment>).")
    check_gradebook(db_file)  # empty, not SQLite, or tables dropped: refuse before nbgrader "repairs" it
    with Gradebook(f"sqlite:///{db_file}?timeout=30") as gb:
        known = [a.name for a in gb.assignments]
        if assignments:
            unknown = [a for a in assignments if a not in known]
            if unknown:
                raise CourseError(f"The gradebook has no assignment called {', '.join(unknown)}.",
                                  hint=f"Known assignments: {', '.join(known) or 'none yet'}.")
            names = list(assignments)
        else:
            names = sorted(known)
        scores = Scores(names, {}, {}, {})
        for st in gb.students:
            scores.students[st.id] = {"first_name": st.first_name or "", "last_name": st.last_name or "",
                                      "email": st.email or ""}
        for a in names:
            asg = gb.find_assignment(a)
            items = []
            for nb in sorted(asg.notebooks, key=lambda n: n.name):
                for cell in sorted(nb.grade_cells, key=lambda c: _cell_order(nb, c)):
                    items.append(Item(a, nb.name, cell.name, float(cell.max_score or 0)))
                for cell in sorted(nb.task_cells, key=lambda c: c.name):
                    items.append(Item(a, nb.name, cell.name, float(cell.max_score or 0)))
            order = source_order(root, a)
            if order:
                items.sort(key=lambda it: (it.notebook, order.get((it.notebook, it.name), 10**6)))
            scores.items[a] = items
            scores.max_total[a] = sum(i.max_score for i in items)
            for sub in asg.submissions:
                vals = {}
                for snb in sub.notebooks:
                    for g in snb.grades:
                        vals[(snb.name, g.name)] = float(g.score or 0.0)
                penalty = float(sub.late_submission_penalty or 0.0)
                raw = sum(vals.values())
                scores.submissions[(sub.student.id, a)] = {"items": vals, "total": max(raw - penalty, 0.0),
                                                           "penalty": penalty}
    return scores


def _cell_order(nb, cell):
    # nbgrader keeps no cell order; source cells carry none either. Keep ids in natural order.
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", cell.name)]


# ----------------------------------------------------------------------------- roster side
@dataclass
class Roster:
    columns: list[str]
    rows: list[dict]
    key: str  # the column that holds the nbgrader student id
    notes: list[str] = field(default_factory=list)  # what reading it left out or assumed, one line each

    def by_id(self) -> dict[str, dict]:
        return {r[self.key].strip(): r for r in self.rows if r.get(self.key, "").strip()}


def read_roster(path: Path, known_ids: set[str], key: str | None = None) -> Roster:
    """Read a roster CSV (a Canvas or Moodle gradebook export works as is; see course/grading/roster.py
    for encodings). The id column must match the gradebook's students and hold each id once."""
    from course.grading.roster import read_table, reject_duplicates

    table = read_table(path)
    cols, rows = table.columns, table.rows
    if key:
        if key not in cols:
            raise CourseError(f"The roster has no column '{key}'.", hint=f"Its columns are: {', '.join(cols)}.")
        if known_ids and not any(r.get(key, "") in known_ids for r in rows):
            sample = ", ".join(sorted(known_ids)[:3])
            raise CourseError(
                f"No value in the roster column '{key}' is a student id of the gradebook (its ids look like: "
                f"{sample}), so every grade would be left blank.",
                hint="Pass --match-column with the roster column that holds those ids (roster columns: "
                     f"{', '.join(cols)}), or leave --match-column out to have it found.")
    else:
        best, hits = None, -1
        for c in MATCH_COLUMNS + [c for c in cols if c not in MATCH_COLUMNS]:
            if c not in cols:
                continue
            n = sum(1 for r in rows if r.get(c, "") in known_ids)
            if n > hits:
                best, hits = c, n
        if not hits:
            raise CourseError(
                f"No column of the roster {path} holds the student ids used in the gradebook.",
                hint="Pass --match-column NAME to say which roster column holds them "
                     f"(roster columns: {', '.join(cols)}).")
        key = best
    reject_duplicates(table, key)
    notes = list(table.dropped) + ([table.note()] if table.note() else [])
    return Roster(cols, rows, key, notes)


def lms_column(roster: Roster | None, assignment: str) -> str | None:
    """The roster's existing column for `assignment` (Canvas exports name it 'Title (12345)'): the
    one whose title, without the '(id)', is the assignment's name or starts with it followed by a
    space or punctuation (compared ignoring case, '_' and '-'). None when there is none; an error
    when several match."""
    import re

    if roster is None:
        return None
    want = re.sub(r"[\s_-]+", " ", assignment).strip().lower()
    hits = []
    for c in roster.columns:
        if c in CANVAS_ID_COLUMNS or c in MOODLE_ID_COLUMNS or re.search(r"\((Feedback|Percentage|Letter)\)\s*$", c):
            continue
        bare = c
        if re.search(r"\s\(Real\)\s*$", c):       # Moodle: "Assignment: m1_frame (Real)"
            bare = re.sub(r"^[^:]{1,40}:\s*", "", re.sub(r"\s*\(Real\)\s*$", "", c))
        title = re.sub(r"[\s_-]+", " ", re.sub(r"\s*\(\d+\)\s*$", "", bare)).strip().lower()
        if title == want or (title.startswith(want) and not title[len(want)].isalnum()):
            hits.append(c)
    if len(hits) > 1:
        raise CourseError(f"Several roster columns could be the LMS column of {assignment}: {', '.join(hits)}.",
                          hint="Rename the nbgrader assignment or the LMS assignment so that one matches.")
    return hits[0] if hits else None


# ----------------------------------------------------------------------------- building the file
@dataclass
class ExportReport:
    path: Path | None = None
    rows: int = 0
    not_on_roster: list[str] = field(default_factory=list)  # graded, but no roster row
    no_submission: dict[str, list[str]] = field(default_factory=dict)  # assignment -> roster ids
    warnings: list[str] = field(default_factory=list)
    pending: str = ""   # answers still waiting for a person (course review), with the names

    def text(self) -> str:
        out = [f"Wrote {self.rows} student row(s) to {self.path}."]
        if self.pending:
            out.append("REVIEWS PENDING: " + self.pending + " Their scores in this file are provisional "
                       "(the csv status column says 'review pending'); score them (course review), then export again.")
        if self.not_on_roster:
            out.append(f"{len(self.not_on_roster)} graded student(s) are NOT on the roster"
                       " (left out of the LMS file; check their ids or add them to the roster): "
                       + ", ".join(self.not_on_roster))
        for a, ids in self.no_submission.items():
            if ids:
                out.append(f"{len(ids)} roster student(s) have no submission of {a} (left blank): " + ", ".join(ids))
        out += self.warnings
        return "\n".join(out)


def _num(x: float | None) -> str:
    if x is None:
        return ""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def build_table(scores: Scores, fmt: str, *, roster: Roster | None = None, items: bool | None = None,
                missing_as_zero: bool = False, pending: set[str] | None = None
                ) -> tuple[list[str], list[list[str]], ExportReport]:
    """Header, rows (the first row is points possible) and a report of who was left out or blank."""
    if fmt not in FORMATS:
        raise CourseError(f"Unknown export format '{fmt}'.", hint=f"Choose one of: {', '.join(FORMATS)}.")
    items = (fmt == "csv") if items is None else items
    report = ExportReport()
    graded_ids = sorted({s for (s, _a) in scores.submissions})
    columns: list[tuple[str, str, Item | None]] = []  # (header, assignment, item or None for total)
    for a in scores.assignments:
        if items:
            single = scores.single_notebook(a)
            columns += [(it.column(single), a, it) for it in scores.items[a]]
        columns.append((a if fmt != "csv" else f"{a}/total", a, None))

    def values(sid: str) -> list[str]:
        out = []
        for _h, a, it in columns:
            sub = scores.submissions.get((sid, a))
            if sub is None:
                out.append("0" if missing_as_zero else "")
            elif it is None:
                out.append(_num(sub["total"]))
            else:
                out.append(_num(sub["items"].get((it.notebook, it.name), 0.0)))
        return out

    possible = [_num(it.max_score if it else scores.max_total[a]) for _h, a, it in columns]

    # who is in the file
    if roster is not None:
        report.warnings += roster.notes
        by_id = roster.by_id()
        report.not_on_roster = [s for s in graded_ids if s not in by_id]
        people = list(by_id)
        for a in scores.assignments:
            report.no_submission[a] = [s for s in people if (s, a) not in scores.submissions]
    else:
        by_id = {}
        people = graded_ids
        if fmt != "csv":
            report.warnings.append(
                f"No --roster given: the {fmt} file identifies students by their nbgrader id only. "
                + ("Canvas matches rows on SIS Login ID; pass the Canvas gradebook export as --roster to fill "
                   "ID and Section." if fmt == "canvas" else
                   "On upload, map 'ID number' to the user field that holds these ids."))

    rows: list[list[str]] = []
    if fmt == "csv":
        header = ["student_id", "first_name", "last_name", "email", "status"] + [h for h, _a, _i in columns]
        rows.append(["(points possible)", "", "", "", ""] + possible)
        everyone = sorted(set(people) | set(graded_ids))
        for sid in everyone:
            st = scores.students.get(sid, {})
            r = by_id.get(sid, {})
            status = ("not on roster" if roster is not None and sid not in by_id
                      else "review pending" if pending and sid in pending
                      else "graded" if any((sid, a) in scores.submissions for a in scores.assignments)
                      else "no submission")
            rows.append([sid, st.get("first_name") or r.get("First name", ""),
                         st.get("last_name") or r.get("Last name", ""),
                         st.get("email") or r.get("Email address", r.get("email", "")), status] + values(sid))
    elif fmt == "canvas":
        heads = []
        for h, a, it in columns:
            existing = lms_column(roster, a) if it is None else None
            if it is None and roster is not None and existing is None:
                report.warnings.append(
                    f"The roster has no Canvas column for {a}: on import Canvas will create a NEW assignment called "
                    f"'{a}'. To fill the existing one, name the Canvas assignment '{a}' (or rename this file's "
                    "column to the Canvas column, e.g. 'Title (12345)') before uploading.")
            heads.append(existing or h)
        header = CANVAS_ID_COLUMNS + heads
        rows.append(["    Points Possible", "", "", "", ""] + possible)
        for sid in people:
            r = by_id.get(sid)
            if r is not None:
                ident = [r.get(c, "") for c in CANVAS_ID_COLUMNS]
                if not any(ident[1:4]):
                    ident[3] = sid  # nothing else identifies them: fall back to the login id
            else:
                st = scores.students.get(sid, {})
                name = ", ".join(x for x in (st.get("last_name"), st.get("first_name")) if x) or sid
                ident = [name, "", "", sid, ""]
            rows.append(ident + values(sid))
    else:  # moodle
        heads = []
        for h, a, it in columns:
            existing = lms_column(roster, a) if it is None else None
            heads.append(existing or (f"{a} (Real)" if it is None else f"{a} {it.name} (Real)"))
        header = MOODLE_ID_COLUMNS + heads
        for sid in people:
            r = by_id.get(sid)
            st = scores.students.get(sid, {})
            if r is not None:
                ident = [r.get("First name") or st.get("first_name", ""), r.get("Last name") or st.get("last_name", ""),
                         r.get("ID number", ""), r.get("Email address") or r.get("email") or st.get("email", "")]
                if not ident[2] and not ident[3]:
                    ident[2] = sid
            else:
                ident = [st.get("first_name", ""), st.get("last_name", ""), sid, st.get("email", "")]
            rows.append(ident + values(sid))
    report.rows = len(rows) - (1 if fmt in ("csv", "canvas") else 0)
    return header, rows, report


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = __import__("re").compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's CSV-injection rule): text that starts
    with =, +, -, @, a tab or a carriage return gets a leading apostrophe ('=2+5 shows as =2+5).
    Plain numbers (the scores) are left as they are."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write the CSV (csv module, CRLF, minimal quoting) with every cell escaped by `safe_cell`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow([safe_cell(c) for c in header])
        w.writerows([safe_cell(c) for c in row] for row in rows)
    tmp.replace(path)


def export(db_file: Path, fmt: str, out: Path, *, assignments: list[str] | None = None,
           roster_path: Path | None = None, match_column: str | None = None, items: bool | None = None,
           missing_as_zero: bool = False) -> ExportReport:
    scores = load_scores(db_file, assignments, root=Path(db_file).parent)
    if not scores.assignments:
        raise CourseError("The gradebook has no assignments yet.", hint="Generate and autograde one first.")
    roster = None
    if roster_path is not None:
        roster = read_roster(roster_path, set(scores.students) | {s for s, _ in scores.submissions}, match_column)
    waiting = pending_reviews(Path(db_file).parent, scores.assignments)
    header, rows, report = build_table(scores, fmt, roster=roster, items=items, missing_as_zero=missing_as_zero,
                                       pending={e.student for e in waiting})
    write_table(out, header, rows)
    report.path = Path(out)
    if waiting:
        from course.grading.review import pending_summary

        report.pending = pending_summary(waiting)
    return report


def pending_reviews(root: Path, assignments: list[str]) -> list:
    """Answers of these assignments still waiting for a person (course.grading.review.review)."""
    from course.grading.review import review

    out = []
    for a in assignments:
        if (Path(root) / "source" / a).is_dir():
            try:
                out += review(a, root)
            except CourseError:
                continue
    return out
