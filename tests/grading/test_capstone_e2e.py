"""The capstone assignment (m6_capstone) end to end with real nbgrader: generate, submit, autograde
through the API, read the gradebook. The model answer earns (nearly) full marks, a partly right
submission earns less, an empty one nothing, and a reflection that recommends what the codes rule
out (accepting the follow request, coffee after the placement) is capped and put in front of a person."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "m6_capstone"
KEY = {"choice_2": "D", "multi_3": "B, C, E",
       "match_4": {"a": "transference", "b": "countertransference", "c": "parallel process", "d": "multiple relationship"},
       "order_5": "C, E, A, D, B"}
PARTIAL = {
    "answer_1": ("I would plan the ending with Hala several weeks ahead, review her progress and introduce her to the "
                 "next counselor at the clinic. I would also leave the follow request unanswered, because my personal "
                 "account should stay separate from my work, and talk it through with her in session."),
    "choice_2": "A", "multi_3": "B, C", "match_4": {"a": "transference", "b": "parallel process", "c": "", "d": "multiple relationship"},
    "order_5": "C, A, E, D, B",
}
HARMFUL = (
    "Hala's caretaking is transference and my urge to rescue her is countertransference, and I would talk about it "
    "with my supervisor. Because we really connect, I would accept her follow request on my account and tell her that "
    "once my placement ends and I graduate we can stay friends and meet for coffee, so that the ending does not feel "
    "like one more person leaving her. I would review her progress in the last session.")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, grading_kit):
    kit = grading_kit
    course = kit.make_course(tmp_path_factory.mktemp("capstone"), assignments=[A], cell_timeout=5)
    course.generate(A)
    cases = {"strong": kit.source_answers(A), "partial": PARTIAL, "empty": {},
             "harmful": {**KEY, "answer_1": HARMFUL}}
    for student, answers in cases.items():
        kit.make_submission(course, A, student, answers)
    results = {s: course.api.autograde(A, s, force=True) for s in cases}
    return course, results


def _grades(kit, course, student):
    return kit.grades(course, A, student)


def _total(g):
    return sum(v["score"] or 0 for v in g.values())


def test_every_item_is_autograded(graded, grading_kit):
    course, results = graded
    for student, res in results.items():
        assert res["success"], (student, res.get("error"))
        g = _grades(grading_kit, course, student)
        assert set(g) == {"answer_1-check", "choice_2-check", "multi_3-check", "match_4-check", "order_5-check"}
        assert all(v["auto_score"] is not None for v in g.values()), student
        assert sum(v["max_score"] for v in g.values()) == 11


def test_model_beats_partial_beats_empty(graded, grading_kit):
    course, _ = graded
    strong, partial, empty = (_total(_grades(grading_kit, course, s)) for s in ("strong", "partial", "empty"))
    assert strong >= 10.0            # structured items full, the reflection (rubric-scored) near full
    assert strong > partial > empty == 0
    g = _grades(grading_kit, course, "strong")
    assert all(g[k]["score"] == g[k]["max_score"] for k in ("choice_2-check", "multi_3-check", "match_4-check", "order_5-check"))


def test_harmful_reflection_is_capped_and_reviewed(graded, grading_kit):
    course, _ = graded
    r = _grades(grading_kit, course, "harmful")["answer_1-check"]
    strong = _grades(grading_kit, course, "strong")["answer_1-check"]
    assert r["score"] <= 1.0 < strong["score"]
    side = grading_kit.review_sidecar(course, A, "harmful")[A]
    assert "answer_1-check" in side["needs_review"]
