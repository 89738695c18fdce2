"""A small nbgrader course with flagged reflections, built straight through nbgrader's Gradebook
API (no autograde run), for the review workbench tests."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from course.rubric import score

REPO = Path(__file__).resolve().parents[1]
A = "m1_frame"
Q = "frame.why-not-friends"
ANSWERS = {
    "ada": ("Jordan can validate Priya and explore the loneliness. Then he can say yes and grab lunch on "
            "Saturday, even if some people would call that a boundary violation."),
    "bo": ("I'd be kind about it. Priya is lonely and the city is new. Jordan knows her well and they like "
           "the same podcasts, so this is a hard moment for both of them and needs some thought."),
    "cy": ("Textbooks claim the hour has to belong only to Priya. I think that is false. Jordan should just "
           "be her friend and have lunch with her."),
    "di": ("Jordan can thank Priya warmly and say the wish makes sense. He won't meet her for lunch, because "
           "the hour is hers and friends look after each other while here she never has to look after him. "
           "A friendship would be a dual relationship (APA 3.05(a)). He can explore what the request says "
           "about her loneliness."),
}


def _answer_nb(text: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}
    cell = nbformat.v4.new_code_cell(f'answer_1 = """{text}"""')
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": "answer_1",
                                 "schema_version": 3}
    nb.cells = [cell]
    return nb


def build(root: Path) -> Path:
    """root/ becomes a course: config, items key, gradebook with four submissions, sidecars."""
    from nbgrader.api import Gradebook

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "grading" / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "source" / A).mkdir(parents=True, exist_ok=True)
    (root / "rubrics" / "items").mkdir(parents=True, exist_ok=True)
    # a course holds its own reflection rubrics: the workbench scores with those, not the repository's
    shutil.copytree(REPO / "grading" / "rubrics" / "reflections", root / "rubrics" / "reflections",
                    dirs_exist_ok=True)
    (root / "rubrics" / "items" / f"{A}.yml").write_text(
        f"items:\n  - id: answer_1\n    kind: reflection\n    question: {Q}\n    points: 4\n", encoding="utf-8")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "therapeutic-relationship") as gb:
        gb.add_assignment(A)
        gb.add_notebook(A, A)
        gb.add_grade_cell("answer_1-check", A, A, max_score=4, cell_type="code")
        gb.add_solution_cell("answer_1", A, A)
        for student, text in ANSWERS.items():
            gb.add_student(student)
            gb.add_submission(A, student)
            res = score(Q, text)
            g = gb.find_grade("answer_1-check", A, A, student)
            g.auto_score = res.points
            g.needs_manual_grade = res.needs_review
            folder = root / "autograded" / student / A
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(_answer_nb(text), folder / f"{A}.ipynb")
            (root / "submitted" / student / A).mkdir(parents=True, exist_ok=True)
            nbformat.write(_answer_nb(text), root / "submitted" / student / A / f"{A}.ipynb")
            item = {"item": "answer_1", "kind": "reflection", "points": res.points, "max_points": 4.0,
                    "feedback": "", "found": [], "missing": [], "needs_review": res.needs_review,
                    "review_reasons": res.review_reasons}
            side = {A: {"student": student, "assignment": A, "items": {"answer_1-check": item},
                        "needs_review": ["answer_1-check"] if res.needs_review else []}}
            (folder / ".course-review.json").write_text(json.dumps(side), encoding="utf-8")
        gb.db.commit()
    return root
