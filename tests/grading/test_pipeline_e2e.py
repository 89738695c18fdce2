"""End to end with real nbgrader: generate, submit, autograde through the API, read the gradebook.

One course copy, one submission per case listed in the grading issue, graded once per session.
Every submission must end graded or flagged with a reason, none may crash the batch, and no
cheat may gain points over the same answers submitted honestly.
"""
from __future__ import annotations

import json
import shutil
import sqlite3

import nbformat
import pytest

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

A = "m1_frame"
KEY_RIGHT = {"choice_2": "B", "multi_3": "A, B, C",
             "match_4": {"a": "transference", "b": "countertransference", "c": "boundary crossing",
                         "d": "boundary violation"}}
PARTIAL_TEXT = (
    "Jordan could thank Priya for saying this and then say kindly that they cannot meet for lunch. "
    "Counseling is a professional relationship, and being friends would mix two roles. "
    "Jordan could explain that the sessions are there for Priya.")
STUFFED_TEXT = ("frame asymmetry boundary dual relationship objectivity power differential working alliance "
                "exploration validation loneliness friendship ACA A.5.d A.6.e warm explore meaning " * 4)
NEGATED_TEXT = (
    "Jordan does not need to think about the frame at all, because the frame is not important here. "
    "There is no power differential between them, they are the same age. Exploring what the request means "
    "is not necessary. Jordan should simply say yes and meet her for lunch on Saturday.")
PARAPHRASE_TEXT = (
    "I would let Priya know I'm touched that she trusts me this much, and that it took courage to ask. "
    "I would tell her gently that I can't meet her outside our sessions, and that it isn't because of "
    "anything about her. Our hour works because it is entirely hers: she doesn't have to look after me, "
    "listen to my troubles or worry about how I feel, which a friendship would ask of her. If we became "
    "friends, I could no longer see her situation clearly, and she might find it hard to disagree with me. "
    "Then I would ask what it has been like to feel so alone since the move, and how we might help her "
    "build friendships with people she meets at work or in the neighbourhood.")


def _nb_cell(nb, gid):
    for i, c in enumerate(nb.cells):
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid:
            return i, c
    raise KeyError(gid)


def _delete(gid):
    def mutate(nb):
        i, _ = _nb_cell(nb, gid)
        del nb.cells[i]
    return mutate


def _rename(gid):
    def mutate(nb):
        _, c = _nb_cell(nb, gid)
        c.metadata["nbgrader"]["grade_id"] = "my-own-id"
    return mutate


def _tamper_locked(nb):
    _, c = _nb_cell(nb, "answer_1-check")
    c.source = "print('all good')\n4.0"
    c.metadata["nbgrader"]["points"] = 40
    _, c = _nb_cell(nb, "choice_2-check")
    c.source = "99.0"          # above max: would abort this student's grading if it were kept
    _, c = _nb_cell(nb, "instructions")
    c.source = "I changed the instructions."


@pytest.fixture(scope="module")
def graded(tmp_path_factory, grading_kit):
    kit = grading_kit
    Raw = kit.Raw
    course = kit.make_course(tmp_path_factory.mktemp("e2e"), assignments=[A, "m2_transference"], cell_timeout=3)
    course.generate(A)
    course.generate("m2_transference")
    model = kit.source_answers(A)
    strong = {**model}
    honest_partial = {"answer_1": PARTIAL_TEXT, "choice_2": "B", "multi_3": "A, B, D",
                      "match_4": {"a": "boundary crossing", "b": "boundary crossing", "c": "", "d": "boundary violation"}}
    db = course.root / "gradebook.db"
    cases = {
        "strong": dict(answers=strong),
        "partial": dict(answers=honest_partial),
        "empty": dict(answers={}),
        "stuffing": dict(answers={**KEY_RIGHT, "answer_1": STUFFED_TEXT}),
        "negated": dict(answers={**KEY_RIGHT, "answer_1": NEGATED_TEXT}),
        "paraphrase": dict(answers={**KEY_RIGHT, "answer_1": PARAPHRASE_TEXT}),
        "corrupt": dict(raw_text='{"cells": [ {"cell_type": "code", "source": "answer_1 = '),
        "tampered": dict(answers={}, mutate=_tamper_locked),
        "deleted-test": dict(answers=strong, mutate=_delete("answer_1-check")),
        "deleted-readonly": dict(answers=strong, mutate=lambda nb: (_delete("instructions")(nb),
                                                                    _delete("question_1")(nb))),
        "deleted-answer-and-test": dict(answers=strong, mutate=lambda nb: (_delete("answer_1")(nb),
                                                                          _delete("answer_1-check")(nb))),
        "renamed-metadata": dict(answers=strong, mutate=_rename("choice_2")),
        "loop": dict(answers={**honest_partial, "choice_2": Raw('choice_2 = "B"\nwhile True:\n    pass\n')}),
        "kernel-killer": dict(answers={**honest_partial, "multi_3": Raw('multi_3 = "A, B, D"\nimport os\nos._exit(1)\n')}),
        "huge": dict(answers={**honest_partial,
                              "multi_3": Raw('multi_3 = "A, B, D"\nfor i in range(200000):\n    print("x" * 80)\n')}),
        "stderr": dict(answers={**honest_partial, "choice_2": Raw(
            'import sys, warnings\nprint("noise", file=sys.stderr)\nwarnings.warn("careful")\nchoice_2 = "B"\n')}),
        # cheats: the same answers as `partial`, plus code aimed at the grader
        "cheat-redefine": dict(answers={**honest_partial, "answer_1": Raw(
            'answer_1 = """\n' + PARTIAL_TEXT + '\n"""\nCONCEPTS = []\nrubric = {"frame": ["lunch"]}\n'
            'def score(*a, **k):\n    return 4.0\n')}),
        "cheat-min": dict(answers={**honest_partial, "choice_2": Raw(
            'choice_2 = "B"\nmin = lambda *a, **k: 1000.0\nmax = lambda *a, **k: 1000.0\n')}),
        "cheat-kernel": dict(answers={**honest_partial, "multi_3": Raw(
            'multi_3 = "A, B, D"\nimport builtins\nbuiltins.float = lambda *a: 2.0\n'
            'get_ipython().events.register("post_run_cell", lambda *a: print(2.0))\n')}),
        "cheat-code-answer": dict(answers={**honest_partial, "answer_1": Raw(
            'answer_1 = " ".join(["frame", "asymmetry", "objectivity", "power"] * 30)\n')}),
        "cheat-gradebook": dict(answers={**honest_partial, "choice_2": Raw(
            'choice_2 = "B"\nimport sqlite3\n'
            f'_c = sqlite3.connect({str(db)!r})\n'
            '_c.execute("UPDATE grade SET manual_score = 100")\n_c.commit()\n_c.close()\n')}),
    }
    results = {}
    for student, spec in cases.items():
        kit.make_submission(course, A, student, spec.get("answers"), mutate=spec.get("mutate"),
                            raw_text=spec.get("raw_text"))
    for student in cases:
        try:
            res = course.api.autograde(A, student, force=True)
        except Exception as exc:  # the batch must go on whatever one submission does
            res = {"success": False, "error": repr(exc)}
        results[student] = res
    # module 2 is released and autograded too: its model answer and an untouched notebook
    kit.make_submission(course, "m2_transference", "strong", kit.source_answers("m2_transference"))
    kit.make_submission(course, "m2_transference", "empty", {})
    m2 = {s: course.api.autograde("m2_transference", s, force=True) for s in ("strong", "empty")}
    return course, results, m2


def _private_copy(kit, course, tmp_path):
    """A copy of the graded course for a test that writes (a manual score, a release): the shared
    one stays as the fixture left it, so every test sees the same gradebook in any order."""
    root = tmp_path / "grading"
    shutil.copytree(course.root, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return kit.Course(root, dict(course.overrides))


def _g(kit, course, student, assignment=A):
    return kit.grades(course, assignment, student)


def _expected_checks() -> set[str]:
    from course.grading.items import load_items

    return {f"{it['id']}-check" for it in load_items(A)["items"]}


EXPECTED_CHECKS = _expected_checks()


def _total(g):
    return sum(v["score"] or 0 for v in g.values())


def test_every_submission_is_graded_or_flagged(graded, grading_kit):
    from course.grading.review import review

    course, results, _ = graded
    flagged = {e.student for e in review(A, course.root)}
    for student, res in results.items():
        if student == "corrupt":
            assert student in flagged
            continue
        assert res["success"], (student, res.get("error"))
        g = _g(grading_kit, course, student)
        assert set(g) == EXPECTED_CHECKS, student
        assert all(v["auto_score"] is not None for v in g.values()), student


def test_strong_beats_partial_beats_empty(graded, grading_kit):
    course, _, _ = graded
    kit = grading_kit
    strong, partial, empty = (_total(_g(kit, course, s)) for s in ("strong", "partial", "empty"))
    assert strong >= 8.0  # the model answer: structured items full, reflection (rubric-scored) near full
    assert strong > partial > empty == 0
    assert _g(kit, course, "empty")["answer_1-check"]["needs_manual_grade"] is False


def test_module_2_released_and_autograded(graded, grading_kit):
    course, _, m2 = graded
    assert all(r["success"] for r in m2.values())
    strong = _total(_g(grading_kit, course, "strong", "m2_transference"))
    empty = _total(_g(grading_kit, course, "empty", "m2_transference"))
    assert strong > empty == 0


def _reflection(kit, course, student):
    return _g(kit, course, student)["answer_1-check"]


def test_stuffing_and_negation_gain_nothing(graded, grading_kit):
    course, _, _ = graded
    kit = grading_kit
    strong = _reflection(kit, course, "strong")["score"]
    for student in ("stuffing", "negated"):
        r = _reflection(kit, course, student)
        assert r["score"] < strong, student
        assert r["score"] <= 2.0 or r["needs_manual_grade"], student


def test_paraphrase_gets_credit_or_a_person(graded, grading_kit):
    course, _, _ = graded
    r = _reflection(grading_kit, course, "paraphrase")
    assert r["score"] > 0 or r["needs_manual_grade"]


def test_tampered_locked_cells_are_restored_and_gain_nothing(graded, grading_kit):
    course, _, _ = graded
    g = _g(grading_kit, course, "tampered")
    assert _total(g) == 0
    assert g["answer_1-check"]["max_score"] == 4.0
    nb = nbformat.read(str(course.root / "autograded" / "tampered" / A / f"{A}.ipynb"), as_version=4)
    _, cell = _nb_cell(nb, "choice_2-check")
    assert "99.0" not in cell.source


def test_deleted_cells_do_not_zero_the_grade(graded, grading_kit):
    course, _, _ = graded
    kit = grading_kit
    strong = _g(kit, course, "strong")
    for student in ("deleted-test", "deleted-readonly"):
        g = _g(kit, course, student)
        assert {k: v["score"] for k, v in g.items()} == {k: v["score"] for k, v in strong.items()}, student


def test_deleted_answer_with_its_test_and_edited_metadata_still_grade(graded, grading_kit):
    course, results, _ = graded
    kit = grading_kit
    strong = _g(kit, course, "strong")
    g = _g(kit, course, "deleted-answer-and-test")
    assert g["answer_1-check"]["score"] == 0 and g["answer_1-check"]["needs_manual_grade"]
    assert g["choice_2-check"]["score"] == strong["choice_2-check"]["score"]
    g = _g(kit, course, "renamed-metadata")  # the answer is still read from its source
    assert {k: v["score"] for k, v in g.items()} == {k: v["score"] for k, v in strong.items()}


def test_loop_huge_output_and_stderr_do_not_change_scores(graded, grading_kit):
    course, _, _ = graded
    kit = grading_kit
    partial = {k: v["score"] for k, v in _g(kit, course, "partial").items()}
    for student in ("loop", "huge", "stderr", "kernel-killer"):
        assert {k: v["score"] for k, v in _g(kit, course, student).items()} == partial, student
    size = (course.root / "autograded" / "huge" / A / f"{A}.ipynb").stat().st_size
    assert size < 500_000
    side = kit.review_sidecar(course, A, "loop")[A]
    assert "choice_2-check" in side["needs_review"]  # code next to the answer is shown to a person
    side = kit.review_sidecar(course, A, "kernel-killer")[A]  # never run: flagged for the code next to the answer
    assert "code besides the answer" in " ".join(side["items"]["multi_3-check"]["review_reasons"])


@pytest.mark.parametrize("cheat", ["cheat-redefine", "cheat-min", "cheat-kernel", "cheat-code-answer",
                                   "cheat-gradebook"])
def test_no_cheat_gains_points(graded, grading_kit, cheat):
    course, results, _ = graded
    kit = grading_kit
    assert results[cheat]["success"]
    honest = _g(kit, course, "partial")
    g = _g(kit, course, cheat)
    for gid, v in g.items():
        assert v["score"] <= honest[gid]["score"], (cheat, gid)
        assert v["manual_score"] is None, (cheat, gid)
    side = kit.review_sidecar(course, A, cheat)[A]
    assert side["needs_review"], cheat  # every cheat is put in front of a person


def test_gradebook_tampering_code_never_runs(graded, grading_kit):
    course, _, _ = graded
    with sqlite3.connect(str(course.root / "gradebook.db")) as con:
        assert con.execute("SELECT COUNT(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0] == 0
    side = grading_kit.review_sidecar(course, A, "cheat-gradebook")[A]
    reasons = " ".join(r for it in side["items"].values() for r in it["review_reasons"])
    assert "code besides the answer" in reasons  # the attempt is shown to a person


def test_review_lists_flags_and_a_manual_score_overrides(graded, grading_kit, tmp_path):
    from course.grading.review import review

    course = _private_copy(grading_kit, graded[0], tmp_path)
    before = [e for e in review(A, course.root) if e.student == "cheat-code-answer"]
    assert before and before[0].item == "answer_1" and before[0].reasons
    with course.gradebook() as gb:
        grade = gb.find_grade("answer_1-check", A, A, "cheat-code-answer")
        grade.manual_score = 0.5
        grade.needs_manual_grade = False
        gb.db.commit()
    assert not [e for e in review(A, course.root) if e.student == "cheat-code-answer" and e.item == "answer_1"]
    assert _g(grading_kit, course, "cheat-code-answer")["answer_1-check"]["score"] == 0.5
    # grading again keeps the grader's decision
    assert course.api.autograde(A, "cheat-code-answer", force=True)["success"]
    assert _g(grading_kit, course, "cheat-code-answer")["answer_1-check"]["score"] == 0.5
    assert not [e for e in review(A, course.root) if e.student == "cheat-code-answer" and e.item == "answer_1"]


def test_commands_review_feedback_generate(graded, grading_kit, capsys, tmp_path):
    from course.cli import main

    course = _private_copy(grading_kit, graded[0], tmp_path)
    root = str(course.root)
    assert main(["review", A, "--root", root]) == 0
    out = capsys.readouterr().out
    assert "corrupt" in out and "damaged" in out and "stuffing" in out
    assert main(["review", A, "--root", root, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {"student", "item", "reasons"} <= set(entries[0])
    assert main(["feedback", A, "--student", "paraphrase", "--root", root]) == 0  # right answers are no leak
    assert "contains no solution" in capsys.readouterr().out
    assert main(["feedback", A, "--student", "strong", "--root", root]) == 1  # it pasted the model answer
    assert "solution text" in capsys.readouterr().out
    assert not list((course.root / "feedback" / "strong").rglob("*.html"))
    assert main(["generate", A, "--root", root]) == 0
    res = course.api.release_assignment(A)  # the course-local exchange is writable out of the box
    assert res["success"], res.get("error")
    assert (course.root / "exchange" / "therapeutic-relationship" / "outbound" / A / f"{A}.ipynb").exists()
    assert main(["review", "m9_nothing", "--root", root]) == 2  # a plain error, not a traceback


def test_feedback_teaches_without_leaking(graded, grading_kit):
    from course.grading.release_check import build_needles, scan_files

    course, _, _ = graded
    res = course.api.generate_feedback(A, "partial", force=True)
    assert res["success"], res.get("error")
    html = sorted((course.root / "feedback" / "partial" / A).glob("*.html"))
    assert html
    text = html[0].read_text()
    assert "Scored by the course grader" in text
    assert not scan_files(html, build_needles(course.root, A, feedback=True), course.root)
    assert "HIDDEN TESTS" not in text and "replaces this result" not in text
    # the review notes `course review` reads: one entry per graded item of this notebook
    sidecar = grading_kit.review_sidecar(course, A, "partial")
    assert set(sidecar) == {A}
    from course.grading.items import load_items

    assert set(sidecar[A]["items"]) == {f"{it['id']}-check" for it in load_items(A)["items"]}  # every item of m1
    assert isinstance(sidecar[A]["needs_review"], list)
