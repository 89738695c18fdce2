"""Issue 13, item 6: the feedback shows the final score and the comments that match it; feedback and
exports say, with the count and the names, when answers still wait for a person; `course review`,
`course report` and the autograde summary count the same queue."""
from __future__ import annotations

import html as _html
import re
import shutil

import pytest

pytestmark = pytest.mark.nbgrader
A = "m1_frame"
Q = "frame.why-not-friends"
ANSWERS = {
    # a harmful recommendation in professional words: flagged for a person
    "ada": ("Jordan can validate Priya and explore the loneliness. Then he can say yes and grab lunch on "
            "Saturday, even if some people would call that a boundary violation."),
    "bo": ("Textbooks claim the hour has to belong only to Priya. I think that is false. Jordan should just "
           "be her friend and have lunch with her."),
}


@pytest.fixture(scope="module")
def graded(grading_kit, tmp_path_factory):
    course = grading_kit.make_course(tmp_path_factory.mktemp("consistency"), assignments=[A])
    course.generate(A)
    for student, text in ANSWERS.items():
        grading_kit.make_submission(course, A, student, {"answer_1": text, "choice_2": "A"})
        assert course.api.autograde(A, student, force=True)["success"]
    grading_kit.make_submission(course, A, "cy", {"choice_2": "B"})      # left the reflection empty
    assert course.api.autograde(A, "cy", force=True)["success"]
    return course


@pytest.fixture
def course(graded, grading_kit, tmp_path):
    root = tmp_path / "grading"
    shutil.copytree(graded.root, root)
    return grading_kit.Course(root)


def _text(course, student) -> str:
    res = course.api.generate_feedback(A, student, force=True)
    assert res["success"], res.get("error")
    page = (course.root / "feedback" / student / A / f"{A}.html").read_text()
    page = re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
    return _html.unescape(re.sub(r"<[^>]+>", " ", page))


def _reflection_block(text: str) -> str:
    """The feedback under the reflection: from its score line to the next question."""
    start = text.index("Question 1")
    end = text.index("Question 2", start)
    return " ".join(text[start:end].split())


def test_pending_reviews_are_named_by_feedback_export_report_and_autograde(course, capsys):
    from course.cli import main
    from course.grading.cohort import Summary, format_summary
    from course.grading.export import export
    from course.grading.report import gather
    from course.grading.review import review

    queue = review(A, course.root)
    assert {e.student for e in queue} == {"ada", "bo"} and all(e.item == "answer_1" for e in queue)
    # course report's queue is course review's queue
    data = gather(course.root, A, course.root / "gradebook.db")
    assert sorted((r.student, r.item) for r in data.review) == sorted((e.student, e.item) for e in queue)
    # the autograde summary counts everyone waiting, not only the students graded in this run
    assert "In all: 2 answer(s) from 2 student(s) still need a person: ada, bo." in format_summary(
        Summary(A, results=[]), course.root)
    # course feedback refuses, naming them; --allow-pending sends it with a warning
    assert main(["feedback", A, "--root", str(course.root)]) != 0
    out = capsys.readouterr()
    assert "Feedback not generated: 2 answer(s) from 2 student(s) still need a person: ada, bo." in out.out + out.err
    assert not list((course.root / "feedback").rglob("*.html"))
    assert main(["feedback", A, "--root", str(course.root), "--allow-pending"]) == 0
    assert "WARNING: 2 answer(s)" in capsys.readouterr().out
    # course export writes the file and says so loudly; the csv marks the provisional rows
    rep = export(course.root / "gradebook.db", "csv", course.root / "g.csv")
    assert "REVIEWS PENDING: 2 answer(s) from 2 student(s) still need a person: ada, bo." in rep.text()
    rows = (course.root / "g.csv").read_text().splitlines()
    assert sum("review pending" in r for r in rows) == 2


def test_after_a_workbench_score_the_feedback_follows_the_person(course):
    from course.grading.review import review
    from course.grading.workbench import load_queue, save_grade
    from course.rubric import load_rubric

    rub = load_rubric(Q, course.root)
    ada = next(e for e in load_queue(A, course.root) if e.student == "ada")
    before = _reflection_block(_text(course, "ada"))
    assert "Scored by the course grader" in before and "provisional" in before
    ticked = [rub.concepts[0].id, rub.concepts[1].id]
    save_grade(course.root, A, ada, 3.0, "You name the loneliness well; the lunch is the problem.", ticked)
    block = _reflection_block(_text(course, "ada"))
    assert "Score given by your instructor: 3 of 4 points." in block
    assert "Scored by the course grader" not in block and "provisional" not in block
    assert "before the grade is final" not in block
    # the concept comments are the person's: ticked ones shown as present, the others to develop
    for c in rub.concepts[:2]:
        assert " ".join((c.feedback_found or c.label).split()) in block
    for c in rub.concepts[2:]:
        assert " ".join((c.feedback_missing or c.label).split()) in block
    assert "the lunch is the problem" in block
    assert "ada" not in {e.student for e in review(A, course.root)}


def test_after_a_formgrader_score_the_machine_reading_is_not_shown_as_the_judgment(course):
    from course.rubric import load_rubric

    with course.gradebook() as gb:
        g = gb.find_grade("answer_1-check", A, A, "bo")
        auto = g.auto_score
        g.manual_score = 2.5 if auto != 2.5 else 2.0
        g.needs_manual_grade = False
        gb.db.commit()
    block = _reflection_block(_text(course, "bo"))
    assert f"Score given by your instructor: {2.5 if auto != 2.5 else 2.0:g} of 4 points." in block
    assert "Scored by the course grader" not in block and "What to develop" not in block
    assert "scored it by hand" in block
    assert "The ideas this question looks for: " + "; ".join(c.label for c in load_rubric(Q, course.root).concepts) in block
    assert "Ethics codes on this question:" in block


def test_concept_counts_cover_every_submission_and_follow_the_grader(course, monkeypatch):
    from course.figures import report as figs
    from course.grading.report import build_report, gather
    from course.grading.workbench import load_queue, save_grade
    from course.rubric import load_rubric

    rub = load_rubric(Q, course.root)
    data = gather(course.root, A, course.root / "gradebook.db")
    by = {r["student"]: r for r in data.reflections}
    assert sorted(by) == ["ada", "bo", "cy"] and not data.left_out
    assert by["cy"]["source"] == "empty" and by["cy"]["found"] == [] and len(by["cy"]["missing"]) == len(rub.concepts)
    ada = next(e for e in load_queue(A, course.root) if e.student == "ada")
    save_grade(course.root, A, ada, 4.0, "", [c.id for c in rub.concepts])
    data = gather(course.root, A, course.root / "gradebook.db")
    by = {r["student"]: r for r in data.reflections}
    assert by["ada"]["source"] == "grader" and by["ada"]["found"] == [c.label for c in rub.concepts]
    seen = {}
    real_hist, real_items = figs.score_histogram, figs.item_chart
    monkeypatch.setattr(figs, "score_histogram", lambda dist, *a, **k: (seen.update(dist=dist), real_hist(dist, *a, **k))[1])
    monkeypatch.setattr(figs, "item_chart", lambda names, *a, **k: (seen.update(names=names), real_items(names, *a, **k))[1])
    text = build_report(course.root, A, course.root / "gradebook.db").read_text()
    assert ("Counted: 3 of 3 submission(s); for 1 of them a grader's ticked concepts (review workbench) replace "
            "the scorer's reading; 1 empty reflection(s) count as missing every concept. Nobody was left out.") in text
    # figures: score bins on whole points, items named by question number and kind, not cell ids
    assert all(float(e).is_integer() for e in seen["dist"]["edges"]) and seen["dist"]["edges"][-1] == data.max_total
    assert seen["names"][:2] == ["Q1 reflection", "Q2 single choice"]
    # the review queue in the report is `course review`'s: ada has left it, bo still waits
    assert "| bo | answer_1 |" in text and "| ada | answer_1 |" not in text


def test_the_reflection_is_shown_wrapped_under_it_for_formgrader(course):
    """formgrader shows the answer cell's source, where a paragraph is one line scrolled sideways; the
    graded cell under it shows the same text as wrapped paragraphs (sanitized HTML)."""
    import nbformat

    nb = nbformat.read(str(course.root / "autograded" / "ada" / A / f"{A}.ipynb"), as_version=4)
    check = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_1-check")
    shown = [o for o in check.outputs if o.output_type == "display_data"]
    assert len(shown) == 1
    page = shown[0].data["text/html"]
    assert page.startswith('<div class="course-reflection">') and "grab lunch on Saturday" in page
    assert page.count("<p>") >= 2
    empty = nbformat.read(str(course.root / "autograded" / "cy" / A / f"{A}.ipynb"), as_version=4)
    check = next(c for c in empty.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_1-check")
    assert not [o for o in check.outputs if o.output_type == "display_data"]
