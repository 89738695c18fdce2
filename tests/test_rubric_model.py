"""The learned part of the reflection scorer (course/rubric_model.py, round 3 of issue 13).

The stored model (course/rubric_model.json) must be what tools/build_rubric_model.py builds from the
calibration files today, it must never read the answers that measure it (independent/), a red flag
must still send the answer to a person and cap its score (unless the overall reading is above every
red-flagged harmful answer's: then the person decides, and the feedback says so), and the feedback
must say when the overall reading moved a score away from the rubric checklist's.
"""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from course import rubric, rubric_eval, rubric_model

REPO = Path(__file__).resolve().parents[1]


def _builder():
    spec = importlib.util.spec_from_file_location("build_rubric_model", REPO / "tools" / "build_rubric_model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _close(a, b, path="model"):
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, sorted(set(a) ^ set(b))[:10])
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        # same machine: identical; another BLAS may differ in the last digits of a solve
        assert math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.mark.slow
def test_stored_model_is_what_the_build_script_produces():
    built = json.loads(_builder().dumps(_builder().build()))
    stored = json.loads(rubric_model.MODEL_PATH.read_text(encoding="utf-8"))
    _close(built, stored)   # on failure: .venv/bin/python tools/build_rubric_model.py, and commit the JSON


def test_the_model_never_reads_the_answers_that_measure_it(monkeypatch):
    builder = _builder()
    rows = builder.training_rows()
    groups = {r["group"] for r in rows}
    assert {"team", "outside", "outside2", "outside3"} <= groups and "independent" not in groups
    assert not any(r["set"] == "independent" for r in rows)
    # nothing under independent/ is opened while building
    opened = []
    real = Path.read_text

    def spy(self, *a, **k):
        opened.append(self)
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "read_text", spy)
    builder.training_rows()
    assert opened and not [p for p in opened if "independent" in p.parts]


def test_out_of_group_estimates_never_come_from_the_answers_writers(monkeypatch):
    """The blend and the review model are fitted on estimates from models that never saw the
    answer's writer group: the text model is fitted once per group, without that group."""
    builder = _builder()
    fitted = []
    real = builder.fit_text

    def spy(docs, y, ridge=builder.RIDGE):
        fitted.append(len(docs))
        return real(docs, y, ridge)

    monkeypatch.setattr(builder, "fit_text", spy)
    rows = builder.training_rows()
    sizes = {g: sum(1 for r in rows if r["group"] == g) for g in {r["group"] for r in rows}}
    builder.build()
    assert sorted(fitted) == sorted([len(rows) - n for n in sizes.values()] + [len(rows)])


def _calibration_results():
    rows = rubric_eval.score_rows(rubric_eval.load("tuning") + rubric_eval.load("dev"))
    return [r["result"] for r in rows]


def test_red_flags_still_cap_and_feedback_explains_a_moved_score():
    results = _calibration_results()
    trust = rubric_model.model()["flag_trust"]
    flagged = [r for r in results if r.red_flags]
    assert flagged and all(r.needs_review for r in flagged)
    capped = [r for r in flagged if not r.flag_uncapped]
    assert capped and all(r.points <= r.rubric_points + 1e-9 for r in capped)
    for r in flagged:     # uncapped only where the overall reading is above every harmful answer's
        blended = r.estimate is not None      # integrity checks (copied, stuffed, ...) keep the rubric's cap
        assert r.flag_uncapped == (blended and r.estimate * 4 / r.max_points >= trust - 0.01), r
        assert ("Your instructor will check whether your answer really recommends this" in r.feedback) == r.flag_uncapped
    moved = [r for r in results if r.estimate is not None and abs(r.points - r.rubric_points) >= r.max_points / 8]
    still = [r for r in results if r.estimate is not None and abs(r.points - r.rubric_points) < 0.05]
    assert moved and still
    for r in moved:
        assert f"the checklist above alone gives {r.rubric_points:g} of {r.max_points:g}" in r.feedback
        assert f"Your score, {r.points:g}," in r.feedback
    for r in still:
        assert "How the score was reached" not in r.feedback


def test_a_red_flag_on_a_sound_answer_goes_to_a_person_uncapped():
    """An honest answer that a red flag's phrase match catches: the overall reading is that of a
    sound answer, so the provisional score is not capped, and a person reads it."""
    rows = rubric_eval.load("outside2") + rubric_eval.load("outside3")
    res = [(r, rubric.score(r["question"], r["text"])) for r in rows]
    uncapped = [(r, x) for r, x in res if x.flag_uncapped]
    assert uncapped, "no red-flagged answer with a sound overall reading in outside2/outside3"
    assert all(x.needs_review and x.points > x.rubric_points for r, x in uncapped)
    assert sum(r["kind"] in ("strong", "good") for r, x in uncapped) > len(uncapped) / 2
    # and every red-flagged harmful answer there stays capped
    assert all(not x.flag_uncapped for r, x in res if x.red_flags and r["kind"] in ("harmful", "rejection"))


def test_integrity_checks_keep_the_rubrics_score():
    text = ("Countertransference transference frame boundaries supervision consult document power differential "
            "dual relationship informed consent termination repair rupture explore meaning asymmetry.")
    res = rubric.score("frame.why-not-friends", text)
    assert res.estimate is None and res.points == res.rubric_points


def test_without_the_model_file_the_rubric_scores_alone(monkeypatch, tmp_path):
    text = ("Jordan should thank Priya warmly and say no to Saturday's lunch, because the sessions work only "
            "while they are hers; a friendship would give Jordan needs of their own. Then Jordan can ask what "
            "the lunch would have meant to her and how she might find that with friends outside.")
    with_model = rubric.score("frame.why-not-friends", text)
    monkeypatch.setattr(rubric_model, "MODEL_PATH", tmp_path / "missing.json")
    alone = rubric.score("frame.why-not-friends", text)
    assert alone.estimate is None and alone.points == alone.rubric_points == with_model.rubric_points
    assert with_model.estimate is not None


def test_the_pooled_dot_product_is_the_plain_one():
    m = rubric_model.model()
    raw = json.loads(rubric_model.MODEL_PATH.read_text(encoding="utf-8"))
    table = {t: tuple(v) for t, v in raw["terms"].items()}
    from course.rubric_text import analyse, normalise
    for q, text in [("frame.why-not-friends", "Jordan should not meet her. Jordan should not meet her for lunch."),
                    ("power.dual-relationship", "Robin can go to the party briefly but declines the discount.")]:
        a = analyse(normalise(text)[0])
        plain = raw["intercept"] + rubric_model.tfidf_dot(rubric_model.terms(q, a), table, raw["oov_idf"])
        assert abs(rubric_model.estimate(m, q, a) - plain) < 1e-9
