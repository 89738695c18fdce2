"""Self-check questions: validation, loading, pure grading, and the widget's API."""
from __future__ import annotations

from pathlib import Path

import pytest

from course import questions as Q
from course.errors import CourseError
from course.recorder import set_recorder

FIX = Path(__file__).parent / "fixtures" / "questions"
GOOD, BAD = FIX / "good", FIX / "bad"




# ----------------------------------------------------------------- validation
def test_good_file_validates_with_counts():
    report = Q.validate_files([GOOD / "frame.yml"])
    assert report.ok, [str(p) for p in report.problems]
    assert report.counts == {"question files": 1, "questions": 2}


def test_bad_file_reports_every_problem_with_lines():
    report = Q.validate_files([BAD / "frame.yml"])
    text = "\n".join(str(p) for p in report.problems)
    expected = [
        "a single-answer question has 2 correct options",
        "option id 'a' is used twice",
        "no feedback",
        "unknown concept tag 'not-a-concept'",
        "unknown code id 'aca-9999-zz'",
        "duplicate question id 'frame.two-right'",
        "'correct' is 'no-idea'",
        "no explanation",
        "no option is marked correct",
        "id 'Bad Id' is not lowercase-with-hyphens",
        "kind is 'essay'",
        "unknown key 'explaination'",
        "did you mean 'explanation'",
        "has 1 options",
        "the concept tag list is empty",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, f"not reported: {missing}\n{text}"
    # lines point at the offending place, not at line 1
    lines = {p.what.split(":")[-1].strip(): p.line for p in report.problems}
    dup = next(p for p in report.problems if "duplicate question id" in p.what)
    assert dup.line == 23
    essay = next(p for p in report.problems if "kind is 'essay'" in p.what)
    assert essay.line == 42
    assert lines  # every problem has a line
    assert all(p.fix for p in report.problems)


def test_module_must_match_file_name_and_syntax_errors_are_reported():
    report = Q.validate_files([BAD / "wrong-name.yml", BAD / "broken.yml"])
    text = "\n".join(str(p) for p in report.problems)
    assert "does not match the file name 'wrong-name.yml'" in text
    assert "no questions found" in text
    assert "broken.yml:" in text and "YAML syntax error" in text


def test_validator_never_raises_on_garbage(tmp_path):
    odd = tmp_path / "frame.yml"
    odd.write_text("- just\n- a list\n")
    empty = tmp_path / "power.yml"
    empty.write_text("")
    weird = tmp_path / "termination.yml"
    weird.write_text("module: termination\nquestions:\n  - 42\n  - id: q\n    options: {a: 1}\n")
    report = Q.validate_files([odd, empty, weird, tmp_path / "missing.yml"])
    assert len(report.problems) >= 4


def test_course_validate_routes_question_files(tmp_path):
    from course.cli import main

    assert main(["validate", str(GOOD / "frame.yml")]) == 0
    assert main(["validate", str(BAD / "frame.yml")]) == 1


def test_shipped_question_files_are_valid():
    files = sorted(Q.paths.QUESTIONS_DIR.glob("*.yml"))
    report = Q.validate_files(files)
    assert report.ok, "\n".join(str(p) for p in report.problems)


# ----------------------------------------------------------------- loading
def test_load_and_get_question():
    qs = Q.load_questions("frame", GOOD)
    assert [q.ref for q in qs] == ["frame.asymmetry", "frame.frame-elements"]
    q = Q.get_question("frame.frame-elements", GOOD)
    assert q.kind == "multiple" and q.correct_ids == ("a", "b", "d")
    assert q.concepts == ("frame",)


def test_unknown_refs_are_course_errors_listing_what_exists():
    with pytest.raises(CourseError) as e:
        Q.get_question("frame.nope", GOOD)
    assert "frame.asymmetry" in str(e.value)
    with pytest.raises(CourseError) as e:
        Q.load_questions("power", GOOD)
    assert "frame" in str(e.value)
    with pytest.raises(CourseError):
        Q.get_question("frame", GOOD)


def test_invalid_file_loads_as_course_error():
    with pytest.raises(CourseError) as e:
        Q.load_questions("frame", BAD)
    assert "course validate" in str(e.value)


# ----------------------------------------------------------------- grading
@pytest.fixture
def single():
    return Q.get_question("frame.asymmetry", GOOD)


@pytest.fixture
def multiple():
    return Q.get_question("frame.frame-elements", GOOD)


def test_grade_single(single):
    r = Q.grade(single, ["a"])
    assert (r.score, r.correct, r.answer) == (1.0, True, ("a",))
    r = Q.grade(single, "b")
    assert (r.score, r.correct) == (0.0, False)
    chosen = [f for f in r.feedback if f.selected]
    assert len(chosen) == 1 and chosen[0].id == "b" and not chosen[0].judged_right
    assert "have reactions" in chosen[0].feedback
    assert r.explanation.startswith("The asymmetry")


def test_grade_single_needs_exactly_one(single):
    with pytest.raises(CourseError):
        Q.grade(single, [])
    with pytest.raises(CourseError):
        Q.grade(single, ["a", "b"])
    with pytest.raises(CourseError):
        Q.grade(single, ["z"])


def test_grade_multiple_is_fraction_judged_correctly(multiple):
    assert Q.grade(multiple, ["a", "b", "d"]).score == 1.0
    assert Q.grade(multiple, ["a", "b", "d"]).correct
    r = Q.grade(multiple, ["a"])          # a right; b, d missed; c right (left blank)
    assert r.score == 0.5 and not r.correct
    assert Q.grade(multiple, ["c"]).score == 0.0
    assert Q.grade(multiple, ["a", "b", "c", "d"]).score == 0.75
    assert Q.grade(multiple, []).score == 0.25
    r = Q.grade(multiple, ["d", "a"])
    assert r.answer == ("a", "d")          # option order, not click order


def test_feedback_panel_covers_every_option_in_plain_words(multiple, single):
    """The notebooks promise feedback on every option: each one is listed with what the learner did,
    whether it applies, and why; no 'You left blank ...: Correct: ...' and no doubled quotes."""
    html = Q.render_feedback(multiple, Q.grade(multiple, ["a", "c"]))
    assert "You ticked this. It applies." in html                       # a: ticked, right
    assert "You ticked this. It does not apply." in html                # c: weekend plans
    assert html.count("You left this unticked. It applies.") == 2      # b and d
    assert "You left blank" not in html
    for text in ("regular meeting time", "limits of confidentiality", "weekend plans", "fee and how"):
        assert text in html
    # the panel states the verdict itself, so the feedback's own "Yes:"/"No:" opener goes
    assert "Yes:" not in html and "No:" not in html and ">This is the counselor&#x27;s private life" in html
    assert "Why it matters" in html and "role='status'" in html
    html = Q.render_feedback(single, Q.grade(single, ["a"]))
    assert "Correct" in html and "ACA Code of Ethics (2014), A.5.d" in html
    assert "Your answer: the best one." in html
    assert html.count("Another option, not the best one.") == len(single.options) - 1
    assert all(Q._esc(o.text) in html for o in single.options)          # the options not chosen too


def test_option_text_is_quoted_once():
    assert Q._quoted("\u201cI'm glad you came.\u201d") == "\u201cI&#x27;m glad you came.\u201d"
    assert Q._quoted("The fee.") == "\u201cThe fee.\u201d"
    real = Q.load_questions("countertransference")
    q = next(q for q in real if any(o.text.startswith("\u201c") for o in q.options))
    html = Q.render_feedback(q, Q.grade(q, [q.options[0].id] if q.kind == "single" else [q.options[0].id]))
    assert "\u201c\u201c" not in html and "<q>" not in html


# ----------------------------------------------------------------- widget
def test_widget_single_check_records_and_try_again(rec, single):
    sc = Q.self_check("frame.asymmetry", GOOD)
    assert len(sc) == 1
    qw = sc[0]
    assert "selfcheck" in qw.box._dom_classes
    assert "selfcheck-option" in qw.radio._dom_classes
    assert sorted(o[1] for o in qw.radio.options) == ["a", "b", "c"]
    assert [o[1] for o in qw.radio.options] == qw.order  # shown in the widget's (shuffled) order
    assert qw.check_button.description == "Check my answer"
    assert "selfcheck-check" in qw.check_button._dom_classes
    assert "selfcheck-feedback" in qw.feedback._dom_classes

    # nothing chosen: a gentle prompt, nothing recorded
    assert qw.check() is None
    assert "Choose an answer first" in qw.feedback.value and not rec.events

    qw.select("b")
    qw.check_button.click()
    assert qw.result is not None and not qw.result.correct
    assert qw.radio.disabled and qw.check_button.disabled
    assert qw.retry_button.layout.display != "none"
    assert "Not this one" in qw.feedback.value
    ev = rec.of_kind("selfcheck.answer")
    assert len(ev) == 1
    assert ev[0].module == "frame" and ev[0].item == "asymmetry"
    assert ev[0].data == {"question": "frame.asymmetry", "answer": ["b"], "correct": False, "score": 0.0,
                          "concepts": ["frame", "asymmetry"]}

    qw.retry_button.click()
    assert qw.radio.value is None and not qw.radio.disabled and qw.feedback.value == ""
    qw.select("a")
    qw.check()
    assert rec.events[-1].data["correct"] is True


def test_widget_multiple_uses_labelled_checkboxes(rec):
    sc = Q.self_check("frame", GOOD)
    assert len(sc) == 2
    qw = sc[1]
    assert qw.radio is None
    box = dict(zip(qw.order, qw.checkboxes))  # option id -> its checkbox, wherever it is shown
    assert box["b"].description == "The limits of confidentiality."
    assert all("selfcheck-option" in cb._dom_classes for cb in qw.checkboxes)
    box["a"].value = True
    box["d"].value = True
    r = qw.check()
    assert r.score == 0.75 and "Partly right" in qw.feedback.value
    assert rec.events[-1].data["answer"] == ["a", "d"]
    assert "selfcheck-set" in sc.widget._dom_classes
    bundle = sc._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_widget_survives_a_failing_recorder(single):
    class Broken:
        def record(self, event):
            raise OSError("disk gone")

    set_recorder(Broken())
    try:
        qw = Q.self_check("frame.asymmetry", GOOD)[0]
        qw.select("a")
        assert qw.check().correct
    finally:
        set_recorder(None)


def test_self_check_unknown_module_lists_modules():
    with pytest.raises(CourseError) as e:
        Q.self_check("nonsense", GOOD)
    assert "frame" in str(e.value)


# ----------------------------------------------------------------- order carries no information
def test_options_are_shuffled_per_visit_and_stable_within_it(rec):
    q = Q.get_question("frame.frame-elements", GOOD)
    orders = {tuple(Q.self_check("frame.frame-elements", GOOD)[0].order) for _ in range(30)}
    assert len(orders) > 1  # a fresh order per visit (30 visits all alike would be 1 in ~10^40)
    assert all(sorted(o) == ["a", "b", "c", "d"] for o in orders)
    # a fixed seed gives a fixed order; seed=None keeps the author's order
    assert Q.self_check("frame", GOOD, seed=7)[1].order == Q.self_check("frame", GOOD, seed=7)[1].order
    assert Q.self_check("frame", GOOD, seed=None)[1].order == [o.id for o in q.options]
    # within a visit: checking and trying again keep the order the learner saw
    qw = Q.self_check("frame.frame-elements", GOOD)[0]
    shown = [cb.description for cb in qw.checkboxes]
    qw.select(["a", "b", "d"])
    assert qw.check().correct
    qw.try_again()
    assert [cb.description for cb in qw.checkboxes] == shown


def test_answers_and_feedback_name_options_by_id_not_position(rec):
    q = Q.get_question("frame.asymmetry", GOOD)
    for seed in range(12):  # whatever position the right answer is shown in
        qw = Q.self_check("frame.asymmetry", GOOD, seed=seed)[0]
        qw.radio.value = "a"
        assert qw.check().correct
        assert rec.events[-1].data["answer"] == ["a"]
    # the feedback lists options in the order the learner saw them
    qw = Q.self_check("frame.frame-elements", GOOD, seed=3)[0]
    qw.select(["a", "b", "c", "d"])
    qw.check()
    html = qw.feedback.value
    texts = [Q.get_question("frame.frame-elements", GOOD).option(i).text for i in qw.order]
    positions = [html.find(Q._esc(t)) for t in texts]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
