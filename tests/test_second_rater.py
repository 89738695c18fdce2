"""How well two human scorers agree: the ceiling the reflection scorer's agreement is measured against.

tests/second_rater/outside3.yml holds a second expert's blind scores (0-4) for the 180 answers of
tests/calibration/outside3/ (round 3's test split): the second scorer saw the prompts, the fact sheet
and each answer's text only. If two people agreed at Spearman 0.8, issue 13's 0.85 would ask more of
the scorer than of a person; they agree at 0.959 (docs/grading-pipeline.md, "Round 4").
"""
from __future__ import annotations

from pathlib import Path

import yaml

from course import rubric_eval

SECOND = Path(__file__).resolve().parent / "second_rater" / "outside3.yml"


def _pairs():
    data = yaml.safe_load(SECOND.read_text(encoding="utf-8"))
    first = {(r["question"], r["id"]): r for r in rubric_eval.load(data["split"])}
    pairs = []
    for q, scores in data["questions"].items():
        for s in scores:
            pairs.append((first[(q, s["id"])], float(s["score"]), s["reason"]))
    return first, pairs


def test_the_second_scorer_scored_every_answer_once():
    first, pairs = _pairs()
    keys = [(r["question"], r["id"]) for r, _, _ in pairs]
    assert len(keys) == len(set(keys)) == len(first) == 180
    assert all(0 <= s <= 4 and reason.strip() for _, s, reason in pairs)


def test_two_people_agree_closely():
    _, pairs = _pairs()
    e = [r["score"] for r, _, _ in pairs]
    h = [s for _, s, _ in pairs]
    rho = rubric_eval.spearman(e, h)
    apart = sum(1 for x, y in zip(e, h) if abs(x - y) > 1)
    print(f"\nfirst vs second expert on outside3/: Spearman {rho:.3f}; more than 1 point apart: {apart} of {len(e)}")
    for q in sorted({r["question"] for r, _, _ in pairs}):
        qe = [r["score"] for r, _, _ in pairs if r["question"] == q]
        qh = [s for r, s, _ in pairs if r["question"] == q]
        print(f"  {q:34} {rubric_eval.spearman(qe, qh):.3f}")
        assert rubric_eval.spearman(qe, qh) >= 0.9, q     # measured 0.943-0.986
    assert rho >= 0.94 and apart == 0                      # measured 0.959, 0 of 180
