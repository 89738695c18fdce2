"""Grading without running student code: nbgrader preprocessors for the autograde pipeline.

nbgrader normally runs the submission in a kernel and takes a test cell's score from what it
printed, so the student's code runs with the grader's rights and anything it patched could change
a grade. This module replaces that:

* `ConfinedExecute` (in place of nbgrader's Execute) starts no kernel for answer-template
  assignments (`needs_execution` is False); an assignment that must execute runs confined in
  `course.grading.sandbox` (bubblewrap), or is refused with `ExecutionRefused` where confinement is
  unavailable. Student code never runs unconfined.
* `RestoreCells` (sanitize step) is nbgrader's OverwriteCells made safe for any submission: edited
  grade ids and edited nbgrader metadata (e.g. "grade": true on an answer cell) are corrected from
  the gradebook and noted, instead of aborting the student.
* `ScoreFromSource` (before SaveAutoGrades) reads each answer from the SOURCE of the submitted
  notebook with `ast` (literals only), scores it with the reflection rubric (`course.rubric.score`)
  or the structured answer key (`course.grading.items`), clamps it to [0, points] and replaces the
  test cell's outputs with one line of feedback and one `execute_result` holding the float.
  SaveAutoGrades then records our score. Submission-level notes (edited metadata, another notebook
  such as `-Copy1.ipynb` in the folder, code added outside the answer cells, a reflection typed in
  a Markdown cell) become review reasons.
* `RecordReview` (after SaveAutoGrades) marks flagged grades `needs_manual_grade` in the gradebook
  (unless a grader already gave a manual score, which nbgrader uses instead of the auto score),
  sets a neutral comment on the answer cell, and writes `.course-review.json` next to the
  autograded notebook for `course review`.
* `GuardFiles` / `CheckFiles` (snapshot and restore instructor files around executed student
  code) remain for configs that still name them; the course's config no longer does.

All of it is wired through `grading/nbgrader_config.py`, so any caller of nbgrader's API or CLI
gets it. Nothing here ever raises on a student's submission (except the deliberate refusal to run
code unconfined): a problem becomes 0 points plus a reason a grader can read.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode, from_dict
from traitlets import List as TList, Unicode

from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells

from course.grading import items as itemlib
from course.selfcheck import assigned_value  # the one rule for reading an answer, shared with the self-check

REVIEW_FILE = ".course-review.json"
REVIEW_COMMENT = "A grader will read this answer before the grade is final."   # on a flagged answer cell
CHECK_SUFFIX = itemlib.CHECK_SUFFIX


# --------------------------------------------------------------------------- answer extraction
@dataclass
class Extracted:
    """What the submitted source says about one answer variable."""

    name: str
    found: bool = False          # a literal assignment was found and is the last word
    value: Any = None
    cell_index: int | None = None
    review: list[str] = field(default_factory=list)   # reasons a grader should look
    problem: str = ""           # why no value could be read (student-facing)


_SAFE_EXTRA = (ast.Expr,)  # a bare string or comment-like expression in the answer cell is fine


def _binds(node: ast.AST, name: str) -> bool:
    """True if `node` binds/deletes `name` anywhere (loops, imports, defs, walrus, del, global)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and sub.name == name:
            return True
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in sub.names):
                return True
        if isinstance(sub, (ast.Global, ast.Nonlocal)) and name in sub.names:
            return True
        if isinstance(sub, ast.Constant) and sub.value == name:
            return True  # globals()["answer_1"] = ..., exec("answer_1 = ...")
    return False


def extract_answer(nb: NotebookNode, name: str) -> Extracted:
    """Find the value the student gave `name`, reading cell sources statically.

    The last top-level `name = <literal>` in notebook order wins (that is what running the
    notebook top to bottom would leave). Any other way of setting the name, or a cell that
    mentions it but is not valid Python, means the value cannot be trusted: no value, and a
    reason for the grader.
    """
    out = Extracted(name)
    mention = re.compile(rf"\b{re.escape(name)}\b")
    last_kind = None  # "literal" | "code" | "broken"
    for idx, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if (meta.get("grade") or meta.get("locked")) and not meta.get("solution"):
            continue  # instructor cells (restored from the gradebook at autograde)
        src = cell.get("source") or ""
        if isinstance(src, list):
            src = "".join(src)
        if not mention.search(src):
            continue
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError) as exc:
            last_kind = "broken"
            out.cell_index = idx
            line = getattr(exc, "lineno", None)
            out.problem = ("The cell with your answer is not valid Python"
                           + (f" (near line {line})" if line else "")
                           + "; perhaps a quote was deleted. A grader will read it.")
            continue
        other_code = False
        for stmt in tree.body:
            simple = assigned_value(stmt, name)
            if simple is not None:
                out.cell_index = idx
                try:
                    out.value = ast.literal_eval(simple)
                    last_kind = "literal"
                    out.problem = ""
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    last_kind = "code"
                    out.problem = (f"`{name}` is set by code rather than written out, so it cannot be "
                                   "scored automatically. A grader will read it.")
                if _binds(simple, name):
                    last_kind = "code"
                continue
            if _binds(stmt, name):
                out.cell_index = idx
                last_kind = "code"
                out.problem = (f"`{name}` is changed by code after the answer, so it cannot be scored "
                               "automatically. A grader will read it.")
                continue
            if isinstance(stmt, ast.Assign) and all(
                    isinstance(t, ast.Name) and re.match(itemlib.ID_RE.pattern, t.id) for t in stmt.targets):
                continue  # another answer variable written out in the same cell
            if isinstance(stmt, _SAFE_EXTRA) and isinstance(getattr(stmt, "value", None), ast.Constant):
                continue
            other_code = True
        if other_code and out.cell_index == idx:
            msg = "The answer cell also contains code besides the answer; a grader should look at it."
            if msg not in out.review:
                out.review.append(msg)
    if last_kind == "literal":
        out.found = True
    elif last_kind is None:
        out.problem = (f"No answer was found: the line `{name} = ...` is missing from the notebook "
                       "(was the answer cell deleted?).")
        out.review.append(out.problem)
    else:
        out.found = False
        out.value = None
        out.review.append(out.problem)
    return out


# --------------------------------------------------------------------------- scoring one item
@dataclass
class Scored:
    item: str
    kind: str
    points: float
    max_points: float
    feedback: str
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    text: str = ""          # a reflection's text, shown wrapped under it (never written to the sidecar)

    def to_dict(self) -> dict:
        return {"item": self.item, "kind": self.kind, "points": self.points, "max_points": self.max_points,
                "feedback": self.feedback, "found": self.found, "missing": self.missing,
                "needs_review": bool(self.review), "review_reasons": self.review}


def _labels(tags) -> list[str]:
    """Concept labels (what a student sees) from tags or the scorer's {concept, label} entries."""
    try:
        from course.codes import concept_label
    except Exception:  # pragma: no cover
        def concept_label(t):
            return t
    out = []
    for t in tags or []:
        if isinstance(t, dict):
            out.append(str(t.get("label") or concept_label(str(t.get("concept", "")))))
        else:
            out.append(concept_label(str(t)))
    return [o for o in out if o]


def score_answer(item: dict, ex: Extracted, max_points: float, root: Path | None = None,
                 lens: str = "all") -> Scored:
    """Score one extracted answer against its key (reflections with the rubric of the course at
    `root`, default the course in use); never raises. `lens` is the learner's ethics code from the
    submission's `my_code` line: a reflection's feedback cites it first (course.grading.mycode)."""
    kind = item["kind"]
    review = list(ex.review)
    if not ex.found:
        return Scored(item["id"], kind, 0.0, max_points, ex.problem, review=review)
    try:
        if kind == "reflection":
            text = ex.value
            if not isinstance(text, str):
                review.append("The reflection is not text between quotes; a grader should read it.")
                return Scored(item["id"], kind, 0.0, max_points,
                              "Your reflection should be text between the triple quotes.", review=review)
            if not text.strip():
                return Scored(item["id"], kind, 0.0, max_points, "No reflection was written.", review=review)
            from course.rubric import score as rubric_score
            res = rubric_score(item["question"], text, root)
            frac = (float(res.points) / float(res.max_points)) if float(res.max_points) > 0 else 0.0
            if getattr(res, "needs_review", False):
                reasons = list(getattr(res, "review_reasons", None) or []) or ["The automatic scorer is unsure."]
                review.extend(f"Reflection: {r}" for r in reasons)
            found, missing = list(res.found or []), list(res.missing or [])
            fb = str(getattr(res, "feedback", "") or "").strip() or _reflection_feedback(found, missing)
            from course.grading.mycode import cite_first
            fb = cite_first(fb, item["question"], lens, root)
            pts = _clamp(frac, max_points)
            return Scored(item["id"], kind, pts, max_points, fb, _labels(found), _labels(missing), review, text)
        r = itemlib.score_item(item, ex.value)
        review.extend(r.review)
        return Scored(item["id"], kind, _clamp(r.fraction, max_points), max_points, r.feedback,
                      _labels(item.get("concepts") or []) if r.fraction >= 1 else [],
                      _labels(item.get("concepts") or []) if r.fraction < 1 else [], review)
    except Exception as exc:  # a scorer bug must never crash a student's grading
        review.append(f"Automatic scoring failed ({type(exc).__name__}: {exc}); grade this by hand.")
        return Scored(item["id"], kind, 0.0, max_points,
                      "This answer could not be scored automatically; a grader will read it.", review=review)


def _clamp(frac: float, max_points: float) -> float:
    try:
        frac = float(frac)
    except (TypeError, ValueError):
        return 0.0
    if frac != frac:  # NaN
        return 0.0
    return round(min(max(frac, 0.0), 1.0) * float(max_points), 3)


def _reflection_feedback(found: list, missing: list) -> str:
    """Concepts found and missing, by label (used when the scorer gives no feedback of its own)."""
    parts = ["Concepts your reflection showed: " + (", ".join(_labels(found)) or "none yet") + "."]
    if missing:
        parts.append("Concepts to develop: " + ", ".join(_labels(missing)) + ".")
    return " ".join(parts)


def wrapped_reflection(text: str) -> dict:
    """A display output holding the reflection as wrapped paragraphs: in the answer cell it is one
    long line per paragraph (formgrader scrolls it sideways), here it reads like prose."""
    import html as _html

    paras = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    body = "".join(f"<p>{_html.escape(' '.join(p.split()))}</p>" for p in paras)
    return from_dict({"output_type": "display_data", "metadata": {},
                      "data": {"text/html": '<div class="course-reflection"><p><strong>The reflection, wrapped for '
                                            f"reading:</strong></p>{body}</div>",
                               "text/plain": "The reflection, wrapped for reading:\n\n" + "\n\n".join(paras)}})


def _result_outputs(s: Scored) -> list:
    text = f"Scored by the course grader: {s.points:g} of {s.max_points:g} points.\n{s.feedback}".strip()
    if s.review and "instructor will read" not in text and "grader will" not in text:
        text += "\nA grader will review this answer before the grade is final."
    shown = [wrapped_reflection(s.text)] if s.kind == "reflection" and (s.text or "").strip() else []
    return shown + [
        from_dict({"output_type": "stream", "name": "stdout", "text": text + "\n"}),
        from_dict({"output_type": "execute_result", "execution_count": None, "metadata": {},
                   "data": {"text/plain": repr(float(s.points))}}),
    ]


def _course_root(config) -> Path:
    from nbgrader.coursedir import CourseDirectory
    try:
        return Path(CourseDirectory(config=config).root)
    except Exception:
        return Path.cwd()


# --------------------------------------------------------------------------- preprocessors
class SafeExecute(Execute):
    """nbgrader's Execute, except that a submission whose code kills the kernel (os._exit, a
    crash) is still graded: execution stops there, the scores come from the source as always,
    and the answers are flagged. Kernel start-up problems still raise, so nbgrader (and the
    cohort tools) can retry them."""

    def preprocess(self, nb, resources, km=None):
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        try:
            return super().preprocess(nb, resources, km=km)
        except (DeadKernelError, CellTimeoutError, CellExecutionError) as exc:
            self.log.warning("course: the submission's code stopped the kernel (%s); grading from source", exc)
            resources.setdefault("course", {})["execute_error"] = type(exc).__name__
            return nb, resources


def scores_from_source(config) -> bool:
    """True when the configured autograde pipeline scores from the answer cells' source."""
    try:
        pre = config.Autograde.autograde_preprocessors
    except Exception:
        return False
    return any("ScoreFromSource" in (p if isinstance(p, str) else getattr(p, "__name__", "")) for p in pre or [])


def needs_execution(config, assignment: str, root: Path) -> bool:
    """Does grading this assignment need its notebooks' code run?

    No for every answer-template assignment (all of the course's): the pipeline scores from the
    source and the answer key does not ask for execution. Yes when the answer key says
    `execute: true`, or when the course's pipeline does not score from the source at all (a plain
    nbgrader assignment whose test cells compute the score in the kernel)."""
    if not scores_from_source(config):
        return True
    try:
        key = itemlib.load_items(assignment, root)
    except Exception:
        return False  # ScoreFromSource flags a missing/broken key; running code would not help
    return bool(key.get("execute"))


class ExecutionRefused(RuntimeError):
    """An assignment needs execution and this machine cannot confine it."""


LAST_EXECUTION: dict[str, Any] = {}   # what the last ConfinedExecute did (read by the cohort worker)


class ConfinedExecute(Execute):
    """Autograde's execution step: none at all for answer-template assignments, else confined.

    Takes the place of nbgrader's Execute. For an assignment graded from its source (see
    `needs_execution`) no kernel is started and the notebook is left as submitted: nothing the
    student wrote runs. Otherwise the notebook runs in `course.grading.sandbox` (bubblewrap: no
    network, no course files, limits, every process killed afterwards), and only its outputs come
    back. Where confinement is not available the student's grading stops with a plain message
    (ExecutionRefused): student code never runs unconfined.
    """

    def preprocess(self, nb, resources, km=None):
        LAST_EXECUTION.clear()
        assignment = resources["nbgrader"]["assignment"]
        root = _course_root(self.config)
        if not needs_execution(self.config, assignment, root):
            LAST_EXECUTION.update(executed=False, reasons=[])
            resources.setdefault("course", {})["executed"] = False
            return nb, resources
        from course.grading import sandbox

        why = sandbox.available()
        if why:
            raise ExecutionRefused(
                f"Assignment {assignment} needs its code run to be graded, and this machine cannot run student "
                f"code confined ({why}). The course never runs student code unconfined, so it was not graded.")
        kernel = ((nb.metadata.get("kernelspec") or {}).get("name")) or "python3"
        outcome = sandbox.execute(nb, cell_timeout=int(self.timeout or 10), kernel=kernel,
                                  total_timeout=int(os.environ.get("COURSE_SANDBOX_TIMEOUT", "0") or 0)
                                  or max(30, int(self.timeout or 10) * 6 + 20))
        sandbox.merge_outputs(nb, outcome.notebook)
        from course.grading.sanitize import sanitize_outputs
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, _ = sanitize_outputs(cell.get("outputs"))
        LAST_EXECUTION.update(executed=True, status=outcome.status, reasons=list(outcome.reasons))
        resources.setdefault("course", {})["executed"] = True
        if outcome.reasons:
            resources["course"]["execute_error"] = "; ".join(outcome.reasons)
        return nb, resources


_EDITED: dict[tuple, list[str]] = {}  # cells whose nbgrader metadata a submission edited, per notebook


def _nb_key(resources) -> tuple:
    info = resources.get("nbgrader") or {}
    return (info.get("student"), info.get("assignment"), info.get("notebook"))


def _edited_cells(resources) -> list[str]:
    """The sanitize and autograde passes get separate `resources`: the note lives here between them."""
    return _EDITED.setdefault(_nb_key(resources), [])


_CARRIED: dict[tuple, list[str]] = {}  # what a submission brought besides its answers, per notebook
_ACTIVE = re.compile(r"<\s*script|\son[a-z]+\s*=|javascript\s*:|<\s*iframe|<\s*object|<\s*embed", re.I)
OUTPUT_NOTE_BYTES = 100_000


class NoteSubmittedContent(NbGraderPreprocessor):
    """First sanitize step, before ClearOutput: note what the submission carried besides its answers
    (cell outputs, script or event handlers in text cells or outputs). Nothing is kept or run; the
    notes become review reasons, so a grader learns that the notebook tried something."""

    def preprocess(self, nb, resources):
        import json as _json

        notes = []
        carried = 0
        active = []
        for i, cell in enumerate(nb.cells):
            outs = cell.get("outputs") or []
            if outs:
                text = _json.dumps(outs)
                carried += len(text)
                if _ACTIVE.search(text) or "application/javascript" in text:
                    active.append(i + 1)
            if cell.get("cell_type") in ("markdown", "raw"):
                src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
                if _ACTIVE.search(src):
                    active.append(i + 1)
        if carried > OUTPUT_NOTE_BYTES:
            notes.append(f"Submission: the notebook arrived carrying {carried // 1000:,} kB of cell outputs; "
                         "they were cleared before grading and never shown.")
        if active:
            cells = ", ".join(map(str, sorted(set(active))[:5]))
            notes.append(f"Submission: cell {cells} held script, event handlers or javascript: links; they were "
                         "removed from the notebook graders and the student see.")
        if notes:
            _CARRIED[_nb_key(resources)] = notes
        else:
            _CARRIED.pop(_nb_key(resources), None)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # pragma: no cover - preprocess does the work
        return cell, resources


class RestoreCells(OverwriteCells):
    """nbgrader's OverwriteCells, made safe for any submission.

    * A cell whose grade_id the gradebook does not know (a student edited the metadata) becomes
      a plain cell instead of aborting that student's grading.
    * A deleted grade cell is put back after the nearest earlier cell still in the notebook,
      even when its neighbour (e.g. the answer cell) was deleted too; nbgrader 0.9 raises
      KeyError there.
    """

    def preprocess(self, nb, resources):
        self._truth = None
        _EDITED.pop(_nb_key(resources), None)
        return super().preprocess(nb, resources)

    def _source_truth(self) -> dict:
        """{grade_id: {grade, solution, locked, points, cell_type}} as the gradebook knows them."""
        if self._truth is None:
            source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            grade = {c.name: c.max_score for c in source_nb.grade_cells}
            solution = {c.name for c in source_nb.solution_cells}
            self._truth = {c.name: {"grade": c.name in grade, "solution": c.name in solution,
                                    "locked": bool(c.locked), "points": grade.get(c.name), "cell_type": c.cell_type}
                           for c in source_nb.source_cells}
        return self._truth

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and meta.get("grade_id"):
            truth = self._source_truth().get(meta["grade_id"])
            if truth is not None:
                # A student may edit a cell's nbgrader metadata ("grade": true on an answer cell,
                # other points): nbgrader would then look the cell up as something it is not and
                # abort. The gradebook's own record of the cell wins; the edit is noted for review.
                edited = [k for k in ("grade", "solution", "locked") if bool(meta.get(k)) != truth[k]]
                if truth["grade"] and meta.get("points") is not None and float(meta.get("points") or 0) != truth["points"]:
                    edited.append("points")
                if edited:
                    meta.update({k: truth[k] for k in ("grade", "solution", "locked")})
                    if truth["grade"]:
                        meta["points"] = truth["points"]
                    else:
                        meta.pop("points", None)
                    _edited_cells(resources).append(f"{meta['grade_id']} ({', '.join(edited)})")
            elif meta.get("grade") or meta.get("locked"):
                # an id the gradebook does not know, dressed up as a graded or locked cell
                del cell.metadata["nbgrader"]
                _edited_cells(resources).append(f"{meta['grade_id']} (unknown id)")
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is not None and "grade_id" not in meta:
            del cell.metadata["nbgrader"]
        return cell, resources

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = source_nb.source_cells
        order = [c.name for c in source_cells]
        grade_cells = {c.name: c for c in source_nb.grade_cells}
        solution_ids = {c.name for c in source_nb.solution_cells}

        def present() -> dict[str, int]:
            return {c.metadata["nbgrader"]["grade_id"]: i for i, c in enumerate(nb.cells)
                    if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}

        for gid in order:
            if gid not in grade_cells or gid in present():
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", gid)
            src = source_cells[order.index(gid)]
            cell = self.missing_cell_transform(src, grade_cells[gid].max_score, is_solution=gid in solution_ids)
            where = present()
            before = [where[g] for g in order[: order.index(gid)] if g in where]
            nb.cells.insert(max(before) + 1 if before else 0, cell)
        return nb, resources


_KEYS: dict[str, dict] = {}          # answer keys loaded before the student's code runs
_SNAPSHOT: dict[str, Any] = {}


def _watched(root: Path) -> list[Path]:
    files = [root / "nbgrader_config.py", root / "gradebook.db"]
    for sub in ("rubrics", "source"):
        d = root / sub
        if d.is_dir():
            files.extend(p for p in d.rglob("*") if p.is_file())
    return files


class GuardFiles(NbGraderPreprocessor):
    """Before the student's code runs: load answer keys, remember instructor files' bytes."""

    def preprocess(self, nb, resources):
        root = _course_root(self.config)
        assignment = resources["nbgrader"]["assignment"]
        try:
            _KEYS[assignment] = itemlib.load_items(assignment, root)
        except Exception as exc:
            _KEYS[assignment] = {"error": str(exc)}
        snap = {}
        for p in _watched(root):
            try:
                snap[str(p)] = p.read_bytes()
            except OSError:
                pass
        _SNAPSHOT.clear()
        _SNAPSHOT.update(files=snap, root=str(root))
        try:  # warm the reflection scorer so its rubrics are read before the student's code runs
            from course import rubric
            for it in _KEYS[assignment].get("items", []):
                if it["kind"] == "reflection":
                    rubric.score(it["question"], "")
        except Exception:
            pass
        return nb, resources


class CheckFiles(NbGraderPreprocessor):
    """After the student's code ran: restore instructor files it changed, and remember it."""

    def preprocess(self, nb, resources):
        snap = _SNAPSHOT.get("files") or {}
        changed = []
        for path, data in snap.items():
            p = Path(path)
            try:
                now = p.read_bytes() if p.exists() else None
            except OSError:
                now = None
            if now != data:
                changed.append(os.path.relpath(path, _SNAPSHOT.get("root", ".")))
                try:
                    tmp = p.with_name(p.name + ".course-restore")
                    tmp.write_bytes(data)
                    os.replace(tmp, p)
                except OSError:
                    pass
        resources.setdefault("course", {})["tampered"] = changed
        return nb, resources


class ScoreFromSource(NbGraderPreprocessor):
    """Score every autograded test cell from the submitted SOURCE, in the grader's process."""

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        key = _KEYS.get(assignment)
        if key is None:
            try:
                key = itemlib.load_items(assignment, _course_root(self.config))
            except Exception as exc:
                key = {"error": str(exc)}
        self._nb = nb
        self._key = key
        self._items = itemlib.item_by_id(key) if "items" in key else {}
        self._results: dict[str, Scored] = {}
        self._tampered = (resources.get("course") or {}).get("tampered") or []
        self._execute_error = (resources.get("course") or {}).get("execute_error")
        self._notes = submission_notes(nb, resources, self.config, key)
        from course.grading.mycode import read_lens
        self._lens = read_lens(nb)
        resources.setdefault("course", {})["lens"] = self._lens
        self._first = True
        nb, resources = super().preprocess(nb, resources)
        resources.setdefault("course", {})["scores"] = {k: v.to_dict() for k, v in self._results.items()}
        resources["course"]["key_error"] = key.get("error")
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        gid = cell.metadata["nbgrader"]["grade_id"]
        max_points = float(cell.metadata["nbgrader"].get("points") or 0)
        item_id = gid[: -len(CHECK_SUFFIX)] if gid.endswith(CHECK_SUFFIX) else gid
        item = self._items.get(item_id)
        if item is None:
            why = self._key.get("error") or f"the answer key has no item '{item_id}'"
            s = Scored(item_id, "unknown", 0.0, max_points,
                       "This question could not be scored automatically; a grader will read it.",
                       review=[f"Not scored automatically: {why}."])
        else:
            nb = self._nb
            s = score_answer(item, extract_answer(nb, item_id), max_points, _course_root(self.config), self._lens)
        if self._execute_error:
            s.review.append(f"Running the notebook's code (confined) went wrong: {self._execute_error}; "
                            "the score comes from the answer text, but a grader should look.")
        if self._first:  # what concerns the whole submission is said once, on its first question
            s.review.extend(self._notes)
            self._first = False
        for note in self._notes_for(item_id):
            if note not in s.review:
                s.review.append(note)
        if self._tampered:
            s.review.append("Code in this submission changed instructor files during grading "
                            f"(restored): {', '.join(self._tampered[:5])}.")
        cell.outputs = _result_outputs(s)
        self._results[gid] = s
        return cell, resources


    def _notes_for(self, item_id: str) -> list[str]:
        """Reasons that belong to one question: a reflection typed in a text cell."""
        item = self._items.get(item_id) or {}
        if item.get("kind") != "reflection":
            return []
        ex = extract_answer(self._nb, item_id)
        if ex.found and isinstance(ex.value, str) and len(ex.value.split()) >= 15:
            return []
        words = _student_markdown_words(self._nb)
        if words >= 15:
            return [f"The answer cell holds no reflection, but a text (Markdown) cell the student added holds "
                    f"{words} words: the reflection may have been typed there. A grader should read it."]
        return []


def _student_markdown_words(nb) -> int:
    """Words in Markdown cells that are not instructor cells (locked cells restored by nbgrader)."""
    n = 0
    for cell in nb.cells:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") == "markdown" and not meta.get("locked"):
            src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            n += len(re.findall(r"[A-Za-z\u00C0-\u024F']{2,}", src))
    return n


def submission_notes(nb, resources, config, key) -> list[str]:
    """Reasons for a person that concern the whole submission, not one answer."""
    notes = list(_CARRIED.pop(_nb_key(resources), None) or [])
    course = resources.get("course") or {}
    for edited in _EDITED.pop(_nb_key(resources), None) or []:
        notes.append(f"Submission: the grading settings of cell {edited} were edited in the notebook; "
                     "the course's own settings were used.")
    # other notebooks in the submission folder (e.g. m2_transference-Copy1.ipynb): never graded
    try:
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        cd = CourseDirectory(config=config)
        folder = Path(cd.format_path(cd.submitted_directory, info["student"], info["assignment"]))
        mine = f"{info['notebook']}.ipynb"
        source = Path(cd.format_path(cd.source_directory, ".", info["assignment"]))
        known = {p.name for p in source.glob("*.ipynb")} | {mine}
        others = sorted(p.name for p in folder.glob("*.ipynb") if p.name not in known)
        if others:
            notes.append("Submission: the folder also holds " + ", ".join(others[:5])
                         + (" ..." if len(others) > 5 else "") + f", which is not graded (only {mine} is). "
                         "The student's work may be in that copy: open it, and grade by hand if so.")
    except Exception:
        pass
    # code the student added outside the answer cells: never run, but worth a look
    added = []
    for i, cell in enumerate(nb.cells):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") != "code" or meta.get("grade_id"):
            continue
        src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError):
            added.append(i + 1)
            continue
        if _is_my_code_cell(tree):
            continue  # the learner's ethics code (course/grading/mycode.py), read from its source
        if any(not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)) for st in tree.body):
            added.append(i + 1)
    if added and not course.get("executed"):
        notes.append("Submission: code the student added outside the answer cells (cell "
                     + ", ".join(map(str, added[:5])) + ") was not run; the grade does not depend on it, "
                     "but a grader may want to see what it tried.")
    return notes


def _is_my_code_cell(tree: ast.Module) -> bool:
    """Only `my_code = <literal>` lines (and bare strings): the template cell, edited or not."""
    from course.grading.mycode import VAR

    seen = False
    for st in tree.body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
            continue
        if assigned_value(st, VAR) is not None and isinstance(assigned_value(st, VAR), ast.Constant):
            seen = True
            continue
        return False
    return seen


class RecordReview(NbGraderPreprocessor):
    """After SaveAutoGrades: flag grades that need a human, and write the review sidecar."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        scores = (resources.get("course") or {}).get("scores") or {}
        flagged = {gid: s for gid, s in scores.items() if s["needs_review"]}
        from nbgrader.api import Gradebook, MissingEntry

        manual = {}
        try:
            with Gradebook(info["db_url"]) as gb:
                for gid, s in scores.items():
                    try:
                        grade = gb.find_grade(gid, info["notebook"], info["assignment"], info["student"])
                    except MissingEntry:
                        continue
                    manual[gid] = grade.manual_score
                    if s["needs_review"] and grade.manual_score is None:
                        grade.needs_manual_grade = True
                    try:
                        comment = gb.find_comment(s["item"], info["notebook"], info["assignment"], info["student"])
                        comment.auto_comment = REVIEW_COMMENT if s["needs_review"] else None
                    except MissingEntry:
                        pass
                gb.db.commit()
        except Exception as exc:  # the gradebook is nbgrader's; report, never crash
            self.log.error("course: could not record review flags: %s", exc)
        self._write_sidecar(info, scores, flagged, manual, (resources.get("course") or {}).get("lens") or "all")
        return nb, resources

    def _write_sidecar(self, info, scores, flagged, manual, lens="all") -> None:
        from nbgrader.coursedir import CourseDirectory
        try:
            cd = CourseDirectory(config=self.config)
            folder = Path(cd.format_path(cd.autograded_directory, info["student"], info["assignment"]))
        except Exception as exc:
            self.log.error("course: cannot locate the autograded folder: %s", exc)
            return
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / REVIEW_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError):
            data = {}
        data[info["notebook"]] = {
            "student": info["student"], "assignment": info["assignment"],
            "items": scores,
            "needs_review": sorted(flagged),
            "lens": lens,
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def digest(data: bytes) -> str:  # small helper shared by the release check
    return hashlib.sha256(data).hexdigest()
