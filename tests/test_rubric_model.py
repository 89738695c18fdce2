"""The learned part of the reflection scorer (course/rubric_model.py, round 3 of issue 13).

The stored model (course/rubric_model.json) must be what tools/build_rubric_model.py builds from the
calibration files today, it must never have been trained on the answers that measure it
(outside/ even ids, independent/), a red flag must still cap, and the feedback must say when the
overall reading moved a score away from the rubric checklist's.
"""
from __future__ import annotations

import importlib.util
import json
import math
import re
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


def test_the_model_never_trains_on_the_answers_that_measure_it():
    rows = _builder().training_rows()
    outside = [r for r in rows if r["set"] == "outside"]
    assert outside and all(int(re.search(r"(\d+)$", r["id"]).group(1)) % 2 == 1 for r in outside)
    assert not any(r["set"] == "independent" for r in rows)
    assert len(outside) == 90


def _calibration_results():
    rows = rubric_eval.score_rows(rubric_eval.load("tuning") + rubric_eval.load("dev"))
    return [r["result"] for r in rows]


def test_red_flags_still_cap_and_feedback_explains_a_moved_score():
    results = _calibration_results()
    flagged = [r for r in results if r.red_flags]
    assert flagged and all(r.points <= r.rubric_points + 1e-9 and r.needs_review for r in flagged)
    moved = [r for r in results if r.estimate is not None and abs(r.points - r.rubric_points) >= r.max_points / 8]
    still = [r for r in results if r.estimate is not None and abs(r.points - r.rubric_points) < 0.05]
    assert moved and still
    for r in moved:
        assert f"the checklist above alone gives {r.rubric_points:g} of {r.max_points:g}" in r.feedback
        assert f"Your score, {r.points:g}," in r.feedback
    for r in still:
        assert "How the score was reached" not in r.feedback


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
