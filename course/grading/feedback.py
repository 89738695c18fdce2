"""What goes back to students: only their feedback files, checked for leaks, matching the grade.

    ReconcileFeedback                               # GenerateFeedback step: a person's manual score
                                                    # and matching comments replace the scorer's text

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

from nbformat.notebooknode import from_dict
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

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


# --------------------------------------------------------------------------- the grade of record
from course.grading.pipeline import REVIEW_COMMENT as AUTO_REVIEW_COMMENT  # noqa: E402


def _strip_provisional(text: str) -> str:
    return "\n".join(ln for ln in (text or "").splitlines()
                     if "points above are provisional" not in ln and "before the grade is final" not in ln
                     and not ln.startswith("Scored by the course grader:")).strip()


def reconciled_text(*, manual: float, auto: float | None, max_points: float, kind: str, question: str | None,
                    machine_feedback: str, ticked: list[str] | None, lens: str = "all", root=None,
                    flags: list[str] | None = None) -> str:
    """What the feedback says under an answer a person has scored.

    * The person's score comes first, always.
    * Scored in the review workbench (the concepts the grader ticked are on record, with this very
      score): the concept comments are regenerated from the ticked concepts, so they match the
      person's judgment, and so are the red flags: the concern is shown for each flag the grader
      judged to apply (`flags`), and not for one the grader set aside.
    * Scored elsewhere (formgrader) at the automatic score: the automatic reading, labelled as
      confirmed by the instructor.
    * Scored elsewhere at another score: the machine's concept list would contradict the person, so
      it is not shown; the question's ideas are listed neutrally, and the grader's comment (shown by
      nbgrader with the answer) carries the judgment.
    """
    head = f"Score given by your instructor: {manual:g} of {max_points:g} points."
    same = auto is not None and abs(float(auto) - float(manual)) < 1e-9
    body: list[str] = []
    if kind == "reflection" and question:
        from course.grading.mycode import codes_line
        from course.rubric import load_rubric

        try:
            rub = load_rubric(question, root)
        except Exception:
            rub = None
        if ticked is not None and rub is not None:
            yes = [c for c in rub.concepts if c.id in set(ticked)]
            no = [c for c in rub.concepts if c.id not in set(ticked)]
            if yes:
                body.append("What your answer shows (your instructor's reading):")
                body += [f"- {c.feedback_found or c.label}" for c in yes]
            if no:
                body.append("What to develop:" if yes else "Ideas to bring into your answer:")
                body += [f"- {c.feedback_missing or c.label}" for c in no]
            if flags:
                from course.rubric import _citations

                chosen = set(flags)
                for f in rub.red_flags:
                    if f.id in chosen:
                        body.append(f"An important concern (your instructor's reading): {f.feedback}"
                                    f"{_citations(tuple(f.codes))}")
        elif same and machine_feedback:
            body.append("Your instructor read this answer and confirmed the automatic reading:")
            body.append(_strip_provisional(machine_feedback))
        else:
            body.append("Your instructor read this answer and scored it by hand; their comment is with your answer.")
            if rub is not None:
                body.append("The ideas this question looks for: " + "; ".join(c.label for c in rub.concepts) + ".")
        try:
            line = codes_line(question, lens, root)
        except Exception:
            line = ""
        if line and line not in "\n".join(body):
            body.append(line)
    elif same and machine_feedback:
        body.append(_strip_provisional(machine_feedback))
    else:
        body.append("Your instructor scored this answer by hand; their comment, if any, is with your answer.")
    return "\n".join([head] + [b for b in body if b])




class ReconcileFeedback(NbGraderPreprocessor):
    """GenerateFeedback step (after GetGrades): the feedback matches the grade of record.

    Autograde wrote the scorer's reading into each test cell's output ("Scored by the course
    grader: 1.8 of 4 points" and its concept comments). Once a person has given a manual score,
    that text contradicts the score nbgrader shows above it. Here each test cell whose grade has
    a manual score gets the person's score and matching comments (`reconciled_text`), its
    numeric result becomes the manual score, and the answer cell loses the automatic "a grader
    will read this answer" note. Answers still waiting for a person keep the provisional text.
    """

    def preprocess(self, nb, resources):
        import json

        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.coursedir import CourseDirectory

        from course.grading import items as itemlib
        from course.grading.pipeline import REVIEW_FILE
        from course.grading.workbench import decision_for, flags_for

        info = resources["nbgrader"]
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        cd = CourseDirectory(config=self.config)
        root = Path(cd.root)
        grades, comments = {}, {}
        try:
            with Gradebook(info["db_url"]) as gb:
                sub = gb.find_submission_notebook(notebook, assignment, student)
                for g in sub.grades:
                    grades[g.name] = (g.manual_score, g.auto_score, g.max_score)
                for c in sub.comments:
                    comments[c.name] = (c.manual_comment, c.auto_comment)
        except (MissingEntry, Exception) as exc:  # never stop feedback over this
            self.log.warning("course: could not read grades for %s: %s", student, exc)
            return nb, resources
        side_path = Path(cd.format_path(cd.autograded_directory, student, assignment)) / REVIEW_FILE
        try:
            side = json.loads(side_path.read_text(encoding="utf-8")).get(notebook) or {}
        except (OSError, ValueError, AttributeError):
            side = {}
        items = side.get("items") or {}
        lens = side.get("lens") or "all"
        try:
            key = itemlib.item_by_id(itemlib.load_items(assignment, root))
        except Exception:
            key = {}
        manual_items = set()
        for cell in nb.cells:
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            gid = meta.get("grade_id")
            if cell.cell_type != "code" or not utils.is_grade(cell) or gid not in grades:
                continue
            manual, auto, mx = grades[gid]
            if manual is None:
                continue
            item_id = gid[: -len("-check")] if gid.endswith("-check") else gid
            manual_items.add(item_id)
            it = items.get(gid) or {}
            kit = key.get(item_id) or {}
            text = reconciled_text(
                manual=float(manual), auto=auto, max_points=float(mx or 0), kind=str(it.get("kind") or kit.get("kind") or ""),
                question=kit.get("question"), machine_feedback=str(it.get("feedback") or ""),
                ticked=decision_for(root, assignment, student, notebook, gid, manual), lens=lens, root=root,
                flags=flags_for(root, assignment, student, notebook, gid, manual))
            kept = [o for o in cell.get("outputs") or [] if o.get("output_type") == "display_data"]
            cell.outputs = kept + [
                from_dict({"output_type": "stream", "name": "stdout", "text": text + "\n"}),
                from_dict({"output_type": "execute_result", "execution_count": None, "metadata": {},
                           "data": {"text/plain": repr(float(manual))}}),
            ]
        for cell in nb.cells:
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            gid = meta.get("grade_id")
            if gid in manual_items and utils.is_solution(cell):
                man, auto_c = comments.get(gid, (None, None))
                if not man and auto_c == AUTO_REVIEW_COMMENT:   # the "a grader will read it" note
                    meta["comment"] = None
        return nb, resources
