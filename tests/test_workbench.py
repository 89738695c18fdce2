"""The review workbench's queue and gradebook writes (the browser test drives the view)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests import workbench_kit as kit


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    return kit.build(tmp_path_factory.mktemp("wb") / "grading")    # nbgrader's gradebook set-up is slow


@pytest.fixture
def course(_template, tmp_path):
    import shutil

    return Path(shutil.copytree(_template, tmp_path / "grading"))


def test_queue_holds_the_flagged_reflections_most_uncertain_first(course):
    from course.grading.workbench import load_queue

    q = load_queue(kit.A, course)
    # the two harmful recommendations first (between them, the less confident first), then bo
    assert {e.student for e in q[:2]} == {"ada", "cy"} and all(e.result.red_flags for e in q[:2])
    assert [e.student for e in q][2:] == ["bo"]                      # di was auto-accepted
    assert q[0].result.confidence <= q[1].result.confidence
    ada = next(e for e in q if e.student == "ada")
    assert ada.question == kit.Q and "grab lunch" in ada.text and "social-meeting" in ada.result.red_flags
    assert any("red flag" in r for r in ada.reasons)
    everything = load_queue(kit.A, course, include_graded=True)
    assert {e.student for e in everything} == {"ada", "bo", "cy", "di"}


def test_saving_writes_the_gradebook_and_clears_the_review(course):
    from course.grading.review import review
    from course.grading.workbench import load_queue, save_grade

    before = {e.student for e in review(kit.A, course)}
    assert {"ada", "bo", "cy"} <= before
    q = load_queue(kit.A, course)
    save_grade(course, kit.A, q[0], 1.0, "Lunch would add a second role.")
    from course.grading import gradebook as gbmod

    with gbmod.open_gradebook(course) as gb:
        g = gb.find_grade("answer_1-check", kit.A, kit.A, q[0].student)
        c = gb.find_comment("answer_1", kit.A, kit.A, q[0].student)
        assert (g.manual_score, g.needs_manual_grade, c.manual_comment) == (1.0, False, "Lunch would add a second role.")
    assert q[0].student not in {e.student for e in review(kit.A, course)}
    assert q[0].student not in {e.student for e in load_queue(kit.A, course)}
    with pytest.raises(Exception):
        save_grade(course, kit.A, q[1], 5.0)


def test_highlight_marks_evidence_with_the_concept_and_escapes_html():
    from course.grading.workbench import highlight
    from course.rubric import score

    text = kit.ANSWERS["di"] + " <script>x</script>"
    h = highlight(text, score(kit.Q, text))
    assert 'class="wb-evidence"' in h and "What the frame protects" in h
    assert "<script>" not in h and "&lt;script&gt;" in h and "pre-wrap" in h


def test_suggested_score_follows_the_ticked_concepts_and_the_cap():
    from course.grading.workbench import suggested
    from course.rubric import score

    r = score(kit.Q, kit.ANSWERS["di"])
    everything = {f["concept"] for f in r.found}
    assert suggested(r, everything) == r.points or abs(suggested(r, everything) - r.points) < 0.6
    assert suggested(r, set()) == 0
    harmful = score(kit.Q, kit.ANSWERS["ada"])
    assert suggested(harmful, {"warm-acknowledgment", "frame-protects", "asymmetry"}) <= 0.75


def test_reusable_comments_are_kept_per_question(course):
    from course.grading.workbench import add_comment, load_comments

    add_comment(course, kit.Q, "Say what the frame protects for Priya.")
    add_comment(course, kit.Q, "Say what the frame protects for Priya.")
    assert load_comments(course) == {kit.Q: ["Say what the frame protects for Priya."]}


def test_the_widget_grades_an_answer(course):
    from course.grading.workbench import Workbench

    wb = Workbench(kit.A, course)
    assert "Answer 1 of 3" in wb.header.value
    k = [e.student for e in wb.entries].index("ada")     # first or second: both harmful answers lead
    wb.go(k)
    assert f"Answer {k + 1} of 3" in wb.header.value and "ada" in wb.header.value
    assert any(cb.value for cb in wb.concepts.children)
    wb.score.value = 1.0
    wb.comment.value = "A second role."
    wb.keep_comment.value = True
    wb.save_and_next()
    assert f"Answer {k + 2} of 3" in wb.header.value and wb.saved == 1 and "Saved 1" in wb.status.value
    assert wb.entries[k].manual == 1.0
    wb.go(3)
    assert "All 3 answers" in wb.header.value
    again = Workbench(kit.A, course)             # the saved answer has left the queue
    assert "Answer 1 of 2" in again.header.value and "ada" not in again.header.value


def test_report_and_review_agree_after_a_manual_score(course):
    from course.grading.report import gather
    from course.grading.review import review
    from course.grading.workbench import load_queue, save_grade

    q = load_queue(kit.A, course)
    save_grade(course, kit.A, q[0], 1.0)
    data = gather(course, kit.A, course / "gradebook.db")
    assert sorted(r.student for r in data.review) == sorted(e.student for e in review(kit.A, course))
    assert q[0].student not in {r.student for r in data.review}
    assert data.reflection_items["answer_1"] == {"n": 4, "auto": 1}
    assert not data.left_out or all(why for _s, why in data.left_out)


def test_a_red_flag_caps_the_suggestion_only_while_it_applies():
    import dataclasses

    from course.grading.workbench import flags_applied, suggested
    from course.rubric import score

    harmful = score(kit.Q, kit.ANSWERS["ada"])
    concepts = {"warm-acknowledgment", "frame-protects", "asymmetry"}
    assert harmful.red_flags and not harmful.flag_uncapped
    assert flags_applied(harmful) == set(harmful.red_flags)
    capped = suggested(harmful, concepts)
    set_aside = suggested(harmful, concepts, flags=set())       # the grader judged the flag a false alarm
    assert capped <= 0.75 < set_aside
    assert suggested(harmful, concepts, flags=set(harmful.red_flags)) == capped
    # a flag the scorer left to a person (flag_uncapped) does not cap until the grader ticks it
    left = dataclasses.replace(harmful, flag_uncapped=True)
    assert flags_applied(left) == set() and suggested(left, concepts) == set_aside


def test_the_widget_lets_the_grader_set_a_red_flag_aside_and_the_feedback_follows(course):
    from course.grading.feedback import reconciled_text
    from course.grading.workbench import Workbench, decision_for, flags_for

    wb = Workbench(kit.A, course)
    k = [e.student for e in wb.entries].index("ada")
    wb.go(k)
    e = wb.entries[k]
    flag_boxes = [cb for cb in wb.concepts.children if getattr(cb, "flag", None)]
    assert flag_boxes and all(cb.value for cb in flag_boxes)            # the scorer applied the flag
    assert all("Red flag applies" in cb.description for cb in flag_boxes)
    before = wb._suggested
    for cb in flag_boxes:
        cb.value = False                                                # the grader sets it aside
    assert wb._suggested > before
    wb.score.value = 3.0
    wb.save_and_next()
    assert flags_for(course, kit.A, e.student, e.notebook, e.grade_id, 3.0) == []
    ticked = decision_for(course, kit.A, e.student, e.notebook, e.grade_id, 3.0)
    assert ticked is not None
    kw = dict(manual=3.0, auto=e.auto, max_points=4.0, kind="reflection", question=kit.Q, machine_feedback="",
              ticked=ticked)
    assert "An important concern" not in reconciled_text(**kw, flags=[])
    confirmed = reconciled_text(**kw, flags=list(e.result.red_flags))
    assert "An important concern (your instructor's reading)" in confirmed
