"""The second reading of reflection answers (course/rubric_second.py) and its review routing."""
from __future__ import annotations

import builtins
import io
import json
import warnings
from pathlib import Path

import pytest

from course import rubric_second as S
from course.errors import CourseError
from course.rubric import load_rubric, score, score_with

Q = "frame.why-not-friends"


# --- look-alike folding ------------------------------------------------------------------------
def test_fold_text_turns_lookalike_letters_into_latin():
    cyr = "Тhе сlіеnt аsks Jоrdаn tо bе hеr frіеnd"          # Cyrillic е, с, і, а, о, Т
    assert cyr != "The client asks Jordan to be her friend"
    assert S.fold_text(cyr) == "the client asks jordan to be her friend"
    assert S.fold_text("ρower and bοundaries") == "power and boundaries"          # Greek rho, omicron
    assert S.fold_text("ｂｏｕｎｄａｒｙ\u200b") == "boundary"                       # full width, zero width space
    assert S.fold_text("don\u2019t") == "don't"


def test_features_of_a_disguised_copy_equal_the_plain_text():
    plain = "Jordan should decline the lunch and explain the boundary warmly."
    disguised = plain.replace("o", "о").replace("e", "е").replace("a", "а")   # Cyrillic
    assert disguised != plain
    (k1, v1), (k2, v2) = S.text_features(disguised, 4096), S.text_features(plain, 4096)
    assert list(k1) == list(k2) and list(v1) == list(v2) and len(k1) > 50


# --- apply(): a reason only when the two readings disagree ----------------------------------------
class StubModel:
    def __init__(self, second: float, threshold: float = 1.0):
        self.second, self.thresholds, self.blend_weight = second, {Q: threshold}, 0.0

    def predict(self, question_id, text, result):
        return self.second


TEXT = ("Jordan should decline warmly: a friendship would blur the frame and the power difference stays "
        "after therapy; she can name Priya's wish, explore it in session and talk it over with a supervisor.")


def test_apply_adds_a_plain_reason_when_the_readings_disagree():
    r = score(Q, TEXT)
    a = 4 * r.points / r.max_points
    far = 0.0 if a > 2 else 4.0
    out = S.apply(r, Q, TEXT, model=StubModel(far))
    assert out is not r and out.needs_review
    assert out.review_reasons[:-1] == r.review_reasons
    assert out.review_reasons[-1].startswith("a second reading of this answer disagrees with the rubric score")
    assert f"rubric {a:.1f} of 4" in out.review_reasons[-1] and f"second reading {far:.1f} of 4" in out.review_reasons[-1]
    assert out.points == r.points                      # routing never changes the points
    assert S.reason_text(a, far) not in r.review_reasons   # the given result is not modified


def test_apply_adds_nothing_when_the_readings_agree_within_the_threshold():
    r = score(Q, TEXT)
    a = 4 * r.points / r.max_points
    for second in (a, min(4.0, a + 0.9), max(0.0, a - 0.9)):
        assert S.apply(r, Q, TEXT, model=StubModel(second, threshold=1.0)) is r
    assert S.apply(r, Q, TEXT, model=StubModel(a + 1.5, threshold=2.0)) is r
    assert S.apply(r, "no.such-question", TEXT, model=StubModel(0.0)) is r     # a question it does not know


def test_apply_leaves_an_empty_answer_alone():
    r = score(Q, "")
    assert S.apply(r, Q, "", model=StubModel(4.0)) is r


def test_apply_with_blend_uses_the_blended_points_and_reads_the_same_twice():
    m = S.load_model()
    r = score(Q, TEXT)
    pts, why = S.blended(r, Q, TEXT, model=m)
    out = S.apply(r, Q, TEXT, model=m, blend=True)
    assert out.points == pts and "second reading" in why
    assert S.apply(r, Q, TEXT, model=m).points == r.points          # without blend: points untouched
    # our own review reason does not change what the model reads
    tagged = S.apply(r, Q, TEXT, model=StubModel(0.0 if r.points > r.max_points / 2 else 4.0))
    assert tagged.review_reasons[-1].startswith(S.REASON_START)
    assert m.predict(Q, TEXT, tagged) == m.predict(Q, TEXT, r)


# --- a missing or damaged model never stops grading ------------------------------------------------
def test_load_model_missing_or_damaged_is_a_plain_course_error(tmp_path):
    with pytest.raises(CourseError, match="is missing.*python -m course.rubric_second build"):
        S.load_model(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    for content in ("{not json", json.dumps({"format": 99}), "[]"):
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(CourseError, match="is damaged"):
            S.load_model(bad)
    good = json.loads(S.MODEL_FILE.read_text(encoding="utf-8"))
    q = next(iter(good["weights"]))
    good["weights"][q]["text"] = good["weights"][q]["text"][: len(good["weights"][q]["text"]) // 2]   # truncated
    bad.write_text(json.dumps(good), encoding="utf-8")
    with pytest.raises(CourseError, match="is damaged"):
        S.load_model(bad)


def test_grading_goes_on_without_the_model_and_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "MODEL_FILE", tmp_path / "second_opinion.json")
    monkeypatch.setattr(S, "_MODEL", {})
    r = score_with(load_rubric(Q), TEXT)      # the rubric alone (score() would already consult the model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert S.apply(r, Q, TEXT) is r
        assert S.apply(r, Q, TEXT) is r
        assert S.second_score(Q, TEXT, r) is None
        assert S.blended(r, Q, TEXT) == (r.points, "The score is the rubric's.")
    said = [w for w in caught if "without the second reading" in str(w.message)]
    assert len(said) == 1 and "missing" in str(said[0].message)
    assert "missing" in S.model_problem()


def test_the_stored_model_loads_and_reads_answers():
    m = S.load_model()
    r = score(Q, TEXT)
    s = m.predict(Q, TEXT, r)
    assert 0.0 <= s <= 4.0
    assert set(m.thresholds) == set(m.weights)
    pts, why = S.blended(r, Q, TEXT, model=m)
    assert 0.0 <= pts <= r.max_points and why.endswith(".")


# --- the build: never reads independent/, reproducible, cross-writer floors ---------------------------
def test_the_build_skips_the_frozen_split_even_when_it_is_there(tmp_path):
    for split, q in (("", "a.b"), ("tuning", "a.b"), ("outside", "a.b"), ("outside2", "a.b")):
        d = tmp_path / split
        d.mkdir(exist_ok=True)
        (d / f"{q}.yml").write_text(f"question: {q}\nanswers:\n- {{id: {split or 'legacy'}1, kind: good, score: 3, "
                                    f"text: hello}}\n", encoding="utf-8")
    (tmp_path / "independent").mkdir()
    (tmp_path / "independent" / "a.b.yml").write_text(": not yaml at all [", encoding="utf-8")
    files = S.calibration_files(tmp_path)
    assert files and not any("independent" in f.parts for f in files)
    rows = S.load_rows(tmp_path)
    assert sorted(r["id"] for r in rows) == ["legacy1", "outside1", "outside21", "tuning1"]
    assert {r["group"] for r in rows} == {"TEAM", "OUTSIDE", "OUTSIDE2"}


@pytest.fixture(scope="module")
def built():
    """One real build, recording every file it opens."""
    opened: list[str] = []
    real_open, real_io_open = builtins.open, io.open

    def spy_open(file, *a, **k):
        opened.append(str(file))
        return real_open(file, *a, **k)

    def spy_io_open(file, *a, **k):
        opened.append(str(file))
        return real_io_open(file, *a, **k)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", spy_open)
        mp.setattr(io, "open", spy_io_open)
        mp.setattr(Path, "read_text", lambda self, *a, **k: (opened.append(str(self)),
                                                            Path.read_bytes(self).decode(k.get("encoding") or "utf-8"))[1])
        lines: list[str] = []
        keep: dict = {}
        model, folds = S.build(log=lines.append, keep=keep)
    return model, folds, opened, lines, keep


@pytest.mark.slow
def test_the_build_never_opens_the_independent_split(built):
    _, _, opened, _, _ = built
    cal = [p for p in opened if "calibration" in p]
    assert any("outside2" in p for p in cal) and any("tuning" in p for p in cal)   # the spy saw the reads
    assert not [p for p in opened if "independent" in Path(p).parts]


@pytest.mark.slow
def test_rebuilding_reproduces_the_stored_model(built):
    model, _, _, _, _ = built
    assert S.dumps(model) == S.MODEL_FILE.read_text(encoding="utf-8"), (
        "course/content/second_opinion.json is out of date (the rubric scorer or the calibration answers "
        "changed): run  python -m course.rubric_second build")


@pytest.mark.slow
def test_cross_writer_folds_stay_above_what_was_measured(built):
    # Regression guards, set just under what was measured on 2026-12-02 (rubric scorer of that day):
    # second reading alone rho TEAM 0.849, OUTSIDE 0.887, OUTSIDE2 0.886; blended points (w=0.5) with
    # routing: mean rho 0.847, mean silent misses 2.8%. A better rubric scorer should only raise these.
    model, folds, _, lines, _ = built
    by = {f["fold"]: f for f in folds}
    assert by["TEAM"]["rho_second"] >= 0.83
    assert by["OUTSIDE"]["rho_second"] >= 0.86
    assert by["OUTSIDE2"]["rho_second"] >= 0.86
    blend = model["blend_weight"]
    routed = [f["by_blend"][blend]["routed"] for f in folds]
    assert sum(r["rho"] for r in routed) / 3 >= 0.82
    assert sum(r["silent"] for r in routed) / 3 <= 0.033
    # blending is shipped only when it raised the mean cross-writer Spearman over the rubric alone
    if blend > 0:
        assert sum(r["rho"] for r in routed) / 3 >= sum(f["base"]["rho"] for f in folds) / 3 + 0.01
    assert any(line.startswith("held-out") for line in lines)        # the fold table was printed


def test_an_edited_rubric_turns_the_second_reading_off_and_says_so_once(tmp_path, monkeypatch):
    from course.rubric import load_rubric, load_rubric_file

    monkeypatch.setattr(S, "_STALE_SAID", set())
    real = load_rubric(Q)
    m = S.load_model()
    r = score(Q, TEXT)
    disagree = StubModel(0.0 if r.points > r.max_points / 2 else 4.0)
    disagree.data = m.data
    assert S.apply(r, Q, TEXT, model=disagree, rubric=real).needs_review     # the shipped rubric: read
    edited = tmp_path / f"{Q}.yml"
    edited.write_text(real.path.read_text(encoding="utf-8") + "\n# an instructor's note\n", encoding="utf-8")
    other = load_rubric_file(edited)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert S.apply(r, Q, TEXT, model=disagree, rubric=other) is r
        assert S.apply(r, Q, TEXT, model=disagree, rubric=other) is r
    assert len([w for w in caught if "differs from the one the second reading was built with" in str(w.message)]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("held_out", ["OUTSIDE", "OUTSIDE2"])
def test_the_runtime_path_reproduces_the_fold_measurement(built, held_out):
    """A model stored and loaded like the shipped one, trained without `held_out`, applied through
    apply(..., blend=True) and measured by course.rubric_eval.metrics, gives the fold's numbers."""
    import numpy as np

    from course import rubric_eval

    model, folds, _, _, keep = built
    data, design = keep["data"], keep["design"]
    blend = model["blend_weight"]
    fold = next(f for f in folds if f["fold"] == held_out)["by_blend"][blend]
    tr, te = np.where(data.group != held_out)[0], np.where(data.group == held_out)[0]
    stored = S.model_data(data, S.fit(data, tr, design), np.array(fold["thresholds"]), blend, design)
    m = S.SecondOpinion(json.loads(S.dumps(stored)))
    rows = []
    for i in te:
        row, res = data.rows[i], data.results[i]
        out = S.apply(res, row["question"], row["text"], model=m, blend=True)
        rows.append({**row, "auto": out.points, "max": out.max_points, "review": out.needs_review})
    got = rubric_eval.metrics(rows)
    want = fold["routed"]
    assert abs(got["rho"] - want["rho"]) < 0.005
    assert abs(got["silent_miss"] - want["silent"]) <= 1.5 / len(te)
    assert got["harmful_ok"] == pytest.approx(want["harm_ok"])
    assert abs(got["honest_review"] - want["honest_rev"]) <= 1.5 / max(1, int(np.sum(data.honest[te])))
