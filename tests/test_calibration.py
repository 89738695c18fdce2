"""Rank agreement between the reflection scorer and expert scores (tests/calibration/*.yml).

Each calibration file holds answers to one anchor question with an expert score (0-4) and a
split: `tune` answers were used while writing the rubrics, `holdout` answers were written before
the scorer and never used to tune it. We report Spearman's rho between scorer and expert, and
rho with answer length (words) partialled out, so that a scorer which simply rewards long answers
cannot look good. Run with -s to see the table.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from course.rubric import list_questions, score

CAL_DIR = Path(__file__).resolve().parent / "calibration"
HELDOUT_DIR = CAL_DIR / "heldout"      # frozen test answers (issue 13): never tune to these
TUNING_DIR = CAL_DIR / "tuning"
# sha256 of each frozen file, recorded when it was committed, before the scorer was changed for
# issue 13. A failing hash means someone edited the held-out answers: that voids the held-out figures.
FROZEN_SHA256 = {
    "countertransference.irritation.yml": "ded9812fb7d2835b4e5089acb7bd81819ef6f3ce756c79bf0d954e63b3d22d43",
    "frame.why-not-friends.yml": "87689a063a535740ff7b15f9985b67f2650cec89789b1bae30beb8a6e8107df7",
    "power.dual-relationship.yml": "dd6edb8187de748e19cc1e0fad4f836ab9771b2b5d5639f2df6efae2bf1b5c5f",
    "termination.friends-after.yml": "a8f8841f1ee0eeff381ca178dcbd80c42c77d1eccb0250bf4dfe99e62de670f3",
    "transference.do-you-like-me.yml": "7c12b5a064ccfcea8290133a956e995ade5def949409f0546d89fea0ad479193",
}
HOLDOUT_FLOOR = 0.7        # what we defend on unseen answers (target 0.8)
ALL_FLOOR = 0.8
PARTIAL_FLOOR = 0.6        # once length is partialled out


def ranks(xs: list[float]) -> list[float]:
    """Average ranks (1-based), ties share the mean rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / math.sqrt(sxx * syy)


def spearman(x, y) -> float:
    return pearson(ranks(x), ranks(y))


def partial_spearman(x, y, z) -> float:
    """Spearman correlation of x and y with z (length) partialled out."""
    rxy, rxz, ryz = spearman(x, y), spearman(x, z), spearman(y, z)
    den = math.sqrt(max(1e-12, (1 - rxz ** 2) * (1 - ryz ** 2)))
    return (rxy - rxz * ryz) / den


def load_calibration() -> list[dict]:
    rows = []
    for f in sorted(CAL_DIR.glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for a in data["answers"]:
            rows.append({"question": data["question"], **a})
    return rows


@pytest.fixture(scope="module")
def scored():
    rows = load_calibration()
    for r in rows:
        res = score(r["question"], r["text"])
        r["auto"] = res.points
        r["words"] = res.words
        r["result"] = res
    return rows


def _stats(rows):
    e = [r["score"] for r in rows]
    a = [r["auto"] for r in rows]
    n = [r["words"] for r in rows]
    return spearman(e, a), partial_spearman(e, a, n), spearman(e, n)


def test_heldout_answers_are_frozen():
    import hashlib

    files = {p.name: p for p in HELDOUT_DIR.glob("*.yml")}
    assert set(files) == set(FROZEN_SHA256), "the frozen held-out set lost or gained a file"
    for name, digest in FROZEN_SHA256.items():
        assert hashlib.sha256(files[name].read_bytes()).hexdigest() == digest, (
            f"{name} was edited after it was frozen; restore it from git (the held-out figures depend on it)")


def test_calibration_set_is_complete():
    rows = load_calibration()
    qs = {r["question"] for r in rows}
    assert qs == set(list_questions()), "every anchor question needs a calibration file"
    for q in qs:
        mine = [r for r in rows if r["question"] == q]
        assert len(mine) >= 12, q
        assert sum(r["split"] == "holdout" for r in mine) >= 4, q
        kinds = {r["kind"] for r in mine}
        assert {"strong", "negated", "harmful", "short-strong", "stuffed", "off-topic"} <= kinds, q
        for r in mine:
            assert 0 <= r["score"] <= 4 and r["reason"].strip() and r["split"] in ("tune", "holdout")


def test_rank_agreement(scored):
    lines = [f"{'set':34} {'n':>3} {'rho':>6} {'rho|len':>8} {'len~expert':>10}"]
    results = {}
    for name, rows in [("holdout", [r for r in scored if r["split"] == "holdout"]),
                       ("tune", [r for r in scored if r["split"] == "tune"]),
                       ("all", scored)] + [(q, [r for r in scored if r["question"] == q]) for q in list_questions()]:
        rho, prho, len_rho = _stats(rows)
        results[name] = (rho, prho)
        lines.append(f"{name:34} {len(rows):>3} {rho:6.3f} {prho:8.3f} {len_rho:10.3f}")
    print("\n" + "\n".join(lines))
    assert results["holdout"][0] >= HOLDOUT_FLOOR
    assert results["all"][0] >= ALL_FLOOR
    assert results["holdout"][1] >= PARTIAL_FLOOR
    assert results["all"][1] >= PARTIAL_FLOOR


def test_length_alone_does_not_rank_answers(scored):
    """Equal-length negated, stuffed, off-topic and harmful answers score well below the strong one."""
    for q in list_questions():
        mine = [r for r in scored if r["question"] == q]
        strong = max(r["auto"] for r in mine if r["kind"] == "strong")
        for r in mine:
            if r["kind"] in ("negated", "stuffed", "off-topic", "harmful", "list", "copied"):
                assert r["auto"] <= strong - 2, (q, r["id"], r["auto"], strong)


def test_red_flag_answers_are_capped_and_flagged(scored):
    for r in scored:
        if r["kind"] == "harmful":
            assert r["result"].red_flags, (r["question"], r["id"])
            assert r["result"].needs_review
        if r["kind"] in ("strong", "short-strong"):
            assert not r["result"].red_flags, (r["question"], r["id"], r["result"].red_flags)


def test_short_strong_answers_score_well(scored):
    for r in scored:
        if r["kind"] == "short-strong":
            assert r["auto"] >= 2.0, (r["question"], r["id"], r["auto"])
