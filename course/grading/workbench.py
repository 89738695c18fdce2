"""The review workbench: grade, in JupyterLab, the reflections the scorer did not auto-accept.

    from course.grading.workbench import Workbench
    Workbench("m1_frame")                 # the course's grading/ folder; or root="path/to/grading"

One answer at a time, the full text wrapped, each sentence that showed a rubric concept
highlighted with that concept's name, the concepts as checkboxes pre-ticked by the scorer (ticking
them updates the suggested score), the red flags and the decisions the answer recommends, the
review reasons, reusable comments per question, and progress. The queue is ordered by
uncertainty (answers with a harmful recommendation first, then the least confident), with
similar answers (same flags or decisions) next to each other. "Save and next" writes the manual
score and comment into nbgrader's gradebook (the same fields formgrader writes: the grade's
manual score, needs_manual_grade cleared, the answer cell's manual comment), so formgrader and
`course review` agree.

Keyboard: Tab moves score -> comment -> saved comments -> Save and next -> Skip -> Back; type the
score, Tab to "Save and next", press Enter. Everything stays on this machine.

The queue logic (`load_queue`, `save_grade`, `highlight`) is plain Python, tested without a
browser; `Workbench` is the ipywidgets view, tested in JupyterLab by keyboard alone.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import CourseError

COMMENTS_FILE = "review-comments.json"      # reusable comments per question, in the course root
DECISIONS_FILE = "review-decisions.json"    # the concepts a grader ticked with each manual score


@dataclass
class Entry:
    student: str
    notebook: str
    grade_id: str               # the graded (test) cell, e.g. answer_1-check
    item: str                   # the answer cell, e.g. answer_1
    question: str               # the reflection question id
    text: str
    auto: float | None
    max_points: float
    reasons: list = field(default_factory=list)
    result: object = None       # course.rubric.ScoreResult (re-scored: evidence spans, decisions)
    manual: float | None = None
    comment: str = ""

    @property
    def group(self) -> tuple:
        r = self.result
        if r is None:
            return ("unreadable",)
        return tuple(sorted(r.red_flags)) or tuple(sorted(r.decisions)) or ("no decision",)


def _reflection_questions(root: Path, assignment: str) -> dict[str, str]:
    from course.grading.report import _reflection_questions as rq

    return rq(root, assignment)


def _answer_text(folder: Path, notebook: str, item: str) -> str:
    import nbformat

    from course.grading.pipeline import extract_answer

    root, student, assignment = folder.parents[2], folder.parent.name, folder.name
    for sub in ("autograded", "submitted"):
        f = root / sub / student / assignment / f"{notebook}.ipynb"
        if f.exists():
            try:
                ex = extract_answer(nbformat.read(str(f), as_version=4), item)
            except Exception:
                continue
            if ex.found and isinstance(ex.value, str):
                return ex.value
    return ""


def _manual(root: Path, assignment: str) -> dict[tuple, tuple]:
    """(student, notebook, grade id) -> (manual score, manual comment of the answer cell)."""
    if not (root / "gradebook.db").exists():
        return {}
    from course.grading import gradebook as gbmod

    out = {}
    with gbmod.open_gradebook(root) as gb:
        try:
            a = gb.find_assignment(assignment)
        except Exception:
            return out
        for sub in a.submissions:
            for nb in sub.notebooks:
                comments = {c.name: c.manual_comment for c in nb.comments}
                for g in nb.grades:
                    base = g.name[:-len("-check")] if g.name.endswith("-check") else g.name
                    out[(sub.student.id, nb.name, g.name)] = (g.manual_score, comments.get(base) or "")
    return out


def load_queue(assignment: str, root: str | Path | None = None, *, include_graded: bool = False) -> list[Entry]:
    """The reflections of `assignment` that need a person, most uncertain first.

    include_graded=True also lists flagged answers a grader has already scored, and every other
    reflection (to check an auto-accepted score)."""
    from course.grading import gradebook as gbmod
    from course.grading.pipeline import REVIEW_FILE
    from course.rubric import score

    root = gbmod.course_root(root)
    questions = _reflection_questions(root, assignment)
    manual = _manual(root, assignment)
    entries: list[Entry] = []
    for side in sorted((root / "autograded").glob(f"*/{assignment}/{REVIEW_FILE}")):
        student = side.parent.parent.name
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for notebook, info in sorted(data.items()):
            if not isinstance(info, dict):
                continue
            for gid, it in sorted((info.get("items") or {}).items()):
                if not isinstance(it, dict) or it.get("kind") != "reflection":
                    continue
                flagged = bool(it.get("needs_review"))
                man, com = manual.get((student, notebook, gid), (None, ""))
                if not include_graded and (not flagged or man is not None):
                    continue
                item = str(it.get("item") or gid.replace("-check", ""))
                q = questions.get(item, "")
                text = _answer_text(side.parent, notebook, item)
                res = None
                if q and text.strip():
                    try:
                        res = score(q, text, root)
                    except CourseError:
                        res = None
                entries.append(Entry(student, notebook, gid, item, q, text, it.get("points"),
                                     float(it.get("max_points") or (res.max_points if res else 4)),
                                     list(it.get("review_reasons") or []), res, man, com))
    return order(entries)


def order(entries: list[Entry]) -> list[Entry]:
    """Harmful recommendations first, then by group (similar answers together), least confident first."""
    def conf(e):
        return e.result.confidence if e.result is not None else 0.0

    groups: dict[tuple, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    ranked = sorted(groups.values(), key=lambda g: (0 if any(e.result is not None and e.result.red_flags for e in g) else 1,
                                                     min(conf(e) for e in g)))
    out = []
    for g in ranked:
        out += sorted(g, key=lambda e: (conf(e), e.student))
    return out


def highlight(text: str, result) -> str:
    """The answer as HTML: wrapped, each piece of evidence marked with its concept's name."""
    spans = sorted(((f["start"], f["end"], f["label"]) for f in (getattr(result, "found", None) or [])),
                   key=lambda s: s[0])
    out, pos = [], 0
    for s0, s1, label in spans:
        if s0 < pos:
            continue
        out.append(html.escape(text[pos:s0]))
        out.append(f'<mark class="wb-evidence" title="{html.escape(label)}">{html.escape(text[s0:s1])}'
                   f'<sup> {html.escape(label)}</sup></mark>')
        pos = s1
    out.append(html.escape(text[pos:]))
    return ('<div class="wb-text" style="white-space: pre-wrap; overflow-wrap: anywhere; max-width: 60em; '
            'line-height: 1.5">' + "".join(out) + "</div>")


def load_rubric_for(question: str, root):
    from course.rubric import load_rubric

    return load_rubric(question, root)


def flags_applied(result) -> set[str]:
    """The red flags the scorer applied to its score: all of them, unless it left them to a person
    (`flag_uncapped`: the flag did not match the counselor's own recommendation and the rest of the
    answer reads as a sound one)."""
    return set() if getattr(result, "flag_uncapped", False) else set(result.red_flags or [])


def suggested(result, ticked: set[str], rubric=None, flags: set[str] | None = None) -> float:
    """Points the ticked concepts are worth (weights from the rubric), capped by the red flags that
    apply: `flags`, the ones the grader confirmed, or by default the ones the scorer applied."""
    from course.rubric import load_rubric

    rubric = rubric or load_rubric(result.question)
    total = sum(c.weight for c in rubric.concepts) or 1.0
    pts = rubric.max_points * sum(c.weight for c in rubric.concepts if c.id in ticked) / total
    applies = flags_applied(result) if flags is None else set(flags)
    caps = [f.cap for f in rubric.red_flags if f.id in applies and f.id in (result.red_flags or [])]
    if caps:
        pts = min(pts, min(caps))
    return round(pts, 2)


def save_grade(root: str | Path | None, assignment: str, entry: Entry, points: float, comment: str = "",
               ticked: list[str] | None = None, flags: list[str] | None = None) -> None:
    """Write the manual score and comment, as formgrader would. `ticked`: the rubric concepts the
    grader judged present (concept ids); `flags`: the red flags the grader judged to apply. Both are
    kept in review-decisions.json so that the feedback and the report's concept counts follow the
    person's judgment, not the scorer's first reading."""
    from course.grading import gradebook as gbmod

    if not 0 <= points <= entry.max_points:
        raise CourseError(f"A score must be between 0 and {entry.max_points:g}.", hint="Type a number in that range.")
    with gbmod.open_gradebook(root) as gb:
        grade = gb.find_grade(entry.grade_id, entry.notebook, assignment, entry.student)
        grade.manual_score = float(points)
        grade.needs_manual_grade = False
        try:
            c = gb.find_comment(entry.item, entry.notebook, assignment, entry.student)
            c.manual_comment = comment.strip() or None
        except Exception:
            pass
        gb.db.commit()
    entry.manual, entry.comment = float(points), comment.strip()
    record_decision(gbmod.course_root(root), assignment, entry.student, entry.notebook, entry.grade_id,
                    float(points), ticked, flags)


def _decisions_path(root: Path) -> Path:
    return Path(root) / DECISIONS_FILE


def load_decisions(root: Path) -> dict:
    """{assignment: {student: {notebook: {grade_id: {"score": float, "ticked": [concept ids]}}}}}."""
    try:
        data = json.loads(_decisions_path(root).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def record_decision(root: Path, assignment: str, student: str, notebook: str, grade_id: str, score: float,
                    ticked: list[str] | None, flags: list[str] | None = None) -> None:
    import os

    data = load_decisions(root)
    slot = data.setdefault(assignment, {}).setdefault(student, {}).setdefault(notebook, {})
    if ticked is None:
        slot.pop(grade_id, None)          # a score without ticks: the feedback uses the person's score only
    else:
        slot[grade_id] = {"score": float(score), "ticked": sorted(set(map(str, ticked)))}
        if flags is not None:
            slot[grade_id]["flags"] = sorted(set(map(str, flags)))
    path = _decisions_path(root)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _decision(root: Path, assignment: str, student: str, notebook: str, grade_id: str,
              manual_score: float | None) -> dict | None:
    """The grader's record for the manual score now in the gradebook; None when there is none or the
    score was changed since (for example in formgrader)."""
    if manual_score is None:
        return None
    rec = (((load_decisions(root).get(assignment) or {}).get(student) or {}).get(notebook) or {}).get(grade_id)
    if not isinstance(rec, dict) or not isinstance(rec.get("ticked"), list):
        return None
    try:
        if abs(float(rec.get("score")) - float(manual_score)) > 1e-9:
            return None
    except (TypeError, ValueError):
        return None
    return rec


def decision_for(root: Path, assignment: str, student: str, notebook: str, grade_id: str,
                 manual_score: float | None) -> list[str] | None:
    """The concepts a grader ticked with the manual score now in the gradebook; None when there is no
    such record or the score was changed since (for example in formgrader)."""
    rec = _decision(root, assignment, student, notebook, grade_id, manual_score)
    return None if rec is None else [str(t) for t in rec["ticked"]]


def flags_for(root: Path, assignment: str, student: str, notebook: str, grade_id: str,
              manual_score: float | None) -> list[str] | None:
    """The red flags a grader judged to apply with that manual score; None when not on record."""
    rec = _decision(root, assignment, student, notebook, grade_id, manual_score)
    if rec is None or not isinstance(rec.get("flags"), list):
        return None
    return [str(t) for t in rec["flags"]]


def load_comments(root: Path) -> dict[str, list[str]]:
    f = Path(root) / COMMENTS_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        return {str(k): [str(x) for x in v] for k, v in data.items() if isinstance(v, list)}
    except (OSError, ValueError, AttributeError):
        return {}


def add_comment(root: Path, question: str, text: str) -> list[str]:
    data = load_comments(root)
    lst = data.setdefault(question, [])
    if text.strip() and text.strip() not in lst:
        lst.append(text.strip())
    (Path(root) / COMMENTS_FILE).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return lst


class Workbench:
    """The ipywidgets view. Display it (last line of a cell) or use `.widget`."""

    def __init__(self, assignment: str, root: str | Path | None = None, *, include_graded: bool = False):
        import ipywidgets as w

        from course.grading import gradebook as gbmod

        self.assignment = assignment
        self.root = gbmod.course_root(root)
        self.entries = load_queue(assignment, self.root, include_graded=include_graded)
        self.i = 0
        self.saved = 0
        self.header = w.HTML()
        self.progress = w.IntProgress(min=0, max=max(1, len(self.entries)), value=0, description="Graded")
        self.progress_label = w.Label()
        self.text = w.HTML()
        self.info = w.HTML()
        self.concepts = w.VBox()
        self.suggestion = w.Label()
        self.score = w.BoundedFloatText(min=0, max=4, step=0.25, description="Score",
                                        style={"description_width": "initial"})
        self.score.add_class("wb-score")
        # continuous_update=False: the text reaches the kernel in one message when the focus leaves the
        # box (Tab or a click on Save), before the click. Keystroke updates can be held back by
        # ipywidgets' message throttle while the kernel is busy, and a button click is not: a fast
        # grader's "Save and next" then saved the first letters of the comment.
        self.comment = w.Textarea(placeholder="A comment for the student (optional)", description="Comment",
                                  continuous_update=False, layout=w.Layout(width="60em", height="5em"))
        self.comment.add_class("wb-comment")
        self.saved_comments = w.Dropdown(options=[("(saved comments)", "")], description="Reuse",
                                         layout=w.Layout(width="40em"))
        self.saved_comments.add_class("wb-saved-comments")
        self.keep_comment = w.Checkbox(value=False, description="Save this comment for this question",
                                       indent=False)
        self.save_btn = w.Button(description="Save and next", button_style="primary", tooltip="Save and next")
        self.save_btn.add_class("wb-save")
        self.skip_btn = w.Button(description="Skip", tooltip="Skip to the next answer")
        self.back_btn = w.Button(description="Back", tooltip="Back to the previous answer")
        self.status = w.HTML()
        self.status.add_class("wb-status")
        self.save_btn.on_click(lambda _b: self.save_and_next())
        self.skip_btn.on_click(lambda _b: self.go(self.i + 1))
        self.back_btn.on_click(lambda _b: self.go(self.i - 1))
        self.saved_comments.observe(self._reuse, names="value")
        self.widget = w.VBox([self.header, w.HBox([self.progress, self.progress_label]), self.text, self.info,
                              self.concepts, self.suggestion, self.score, self.comment, self.saved_comments,
                              self.keep_comment, w.HBox([self.save_btn, self.skip_btn, self.back_btn]), self.status])
        self.widget.add_class("review-workbench")
        self.show()

    # -- view ----------------------------------------------------------------------------------
    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def show(self) -> None:
        n = len(self.entries)
        self.progress.value = self.saved
        self.progress_label.value = f"{self.saved} of {n} saved in this session"
        if not n:
            self.header.value = (f"<h3>Nothing to review in {html.escape(self.assignment)}</h3><p>No reflection "
                                 "is waiting for a person (run the autograde first, or every flagged answer "
                                 "already has a manual score).</p>")
            for c in (self.text, self.info, self.concepts, self.suggestion, self.score, self.comment,
                      self.saved_comments, self.keep_comment, self.save_btn, self.skip_btn, self.back_btn):
                c.layout.display = "none"
            return
        if self.i >= n:
            self.header.value = f"<h3>All {n} answers in the queue have been seen</h3>"
            self.status.value = "<p>Run <code>course review</code> to see what still needs a person.</p>"
            for c in (self.text, self.info, self.concepts, self.suggestion, self.score, self.comment,
                      self.saved_comments, self.keep_comment, self.save_btn, self.skip_btn):
                c.layout.display = "none"
            return
        import ipywidgets as w

        e = self.entries[self.i]
        r = e.result
        self.header.value = (f"<h3>Answer {self.i + 1} of {n}: {html.escape(e.student)}, "
                             f"{html.escape(e.question or e.item)}</h3>")
        self.text.value = highlight(e.text, r) if e.text else "<p><em>The answer could not be read.</em></p>"
        bits = []
        if r is not None:
            from course.rubric import load_rubric

            rub = load_rubric(r.question, self.root)
            label = {x.id: x.label for x in list(rub.red_flags) + list(rub.decisions) + list(rub.misconceptions)}
            if r.red_flags:
                bits.append("<b>Red flags (harmful recommendation):</b> "
                            + "; ".join(html.escape(label.get(x, x)) for x in r.red_flags))
                if getattr(r, "flag_uncapped", False):
                    bits[-1] += (" <em>(not applied to the automatic score: the flag did not match the "
                                 "counselor's own recommendation and the rest of the answer reads as a sound one. "
                                 "Tick it below if the answer really recommends this.)</em>")
            dec = [label.get(d, d) for d in r.decisions if d not in r.red_flags]
            bits.append("<b>Also recommends:</b> " if r.red_flags else "<b>Recommends:</b> ")
            bits[-1] += "; ".join(html.escape(x) for x in dec) or "no clear decision"
            if r.misconceptions:
                bits.append("<b>Factual errors:</b> " + "; ".join(html.escape(label.get(x, x)) for x in r.misconceptions))
            bits.append(f"<b>Automatic score:</b> {e.auto if e.auto is not None else r.points:g} of "
                        f"{e.max_points:g} (confidence {r.confidence:.2f})")
        if e.reasons:
            bits.append("<b>Why a person:</b> " + "; ".join(html.escape(x) for x in e.reasons))
        if e.manual is not None:
            bits.append(f"<b>Manual score already given:</b> {e.manual:g}")
        self.info.value = "<br>".join(bits)
        boxes = []
        if r is not None:
            from course.rubric import load_rubric

            rub = load_rubric(r.question, self.root)
            found = {f["concept"] for f in r.found}
            ticked = decision_for(self.root, self.assignment, e.student, e.notebook, e.grade_id, e.manual)
            if ticked is not None:
                found = set(ticked)       # what this grader decided before, not the scorer's reading
            for c in rub.concepts:
                cb = w.Checkbox(value=c.id in found, description=c.label, indent=False)
                cb.concept = c.id
                cb.observe(lambda _ch: self._suggest(), names="value")
                boxes.append(cb)
            # a red flag caps the suggested score while its box is ticked: ticked where the scorer
            # applied it, unticked where it left the flag to a person (flag_uncapped)
            applied = flags_applied(r)
            confirmed = flags_for(self.root, self.assignment, e.student, e.notebook, e.grade_id, e.manual)
            if confirmed is not None:
                applied = set(confirmed)
            for fid in r.red_flags or []:
                cb = w.Checkbox(value=fid in applied, indent=False,
                                description=f"Red flag applies: {label.get(fid, fid)} (caps the score)")
                cb.flag = fid
                cb.add_class("wb-flag")
                cb.observe(lambda _ch: self._suggest(), names="value")
                boxes.append(cb)
        self.concepts.children = boxes
        for c in (self.text, self.info, self.concepts, self.suggestion, self.score, self.comment,
                  self.saved_comments, self.keep_comment, self.save_btn, self.skip_btn, self.back_btn):
            c.layout.display = None
        self.score.max = e.max_points
        self.score.description = f"Score (0-{e.max_points:g})"
        self.comment.value = e.comment or ""
        saved = load_comments(self.root).get(e.question, [])
        self.saved_comments.options = [("(saved comments)", "")] + [(s[:80], s) for s in saved]
        self.saved_comments.value = ""
        self._suggest()
        self.score.value = e.manual if e.manual is not None else self._suggested

    def _suggest(self) -> None:
        e = self.entries[self.i] if self.i < len(self.entries) else None
        if e is None or e.result is None:
            self._suggested = 0.0
            self.suggestion.value = ""
            return
        ticked, flags = self._ticks()
        self._suggested = suggested(e.result, set(ticked), load_rubric_for(e.result.question, self.root), set(flags))
        self.suggestion.value = f"The ticked concepts are worth {self._suggested:g} of {e.max_points:g}."

    def _ticks(self) -> tuple[list[str], list[str]]:
        """The concepts and the red flags whose boxes are ticked for the answer shown."""
        boxes = [cb for cb in self.concepts.children if cb.value]
        return ([cb.concept for cb in boxes if getattr(cb, "concept", None)],
                [cb.flag for cb in boxes if getattr(cb, "flag", None)])

    def _reuse(self, change) -> None:
        if change["new"]:
            self.comment.value = (self.comment.value + ("\n" if self.comment.value else "") + change["new"])

    # -- actions -------------------------------------------------------------------------------
    def go(self, i: int) -> None:
        self.i = max(0, min(len(self.entries), i))
        self.status.value = ""
        self.show()

    def save_and_next(self) -> None:
        if self.i >= len(self.entries):
            return
        e = self.entries[self.i]
        try:
            ticked, flags = self._ticks() if e.result is not None else (None, None)
            save_grade(self.root, self.assignment, e, float(self.score.value), self.comment.value, ticked, flags)
        except CourseError as exc:
            self.status.value = f"<p>{html.escape(str(exc))}</p>"
            return
        except Exception as exc:      # the gradebook is nbgrader's: report plainly, keep the answer
            self.status.value = f"<p>The score could not be saved ({html.escape(type(exc).__name__)}: {html.escape(str(exc))}).</p>"
            return
        if self.keep_comment.value and self.comment.value.strip():
            add_comment(self.root, e.question, self.comment.value)
            self.keep_comment.value = False
        self.saved += 1
        msg = f"Saved {e.manual:g} for {html.escape(e.student)}."
        self.go(self.i + 1)
        self.status.value = f"<p>{msg}</p>"
