"""Build course/rubric_model.json: the learned estimate and review model of the reflection scorer.

    .venv/bin/python tools/build_rubric_model.py            # writes course/rubric_model.json
    .venv/bin/python tools/build_rubric_model.py --check    # exit 1 when the stored file differs

Trained on the expert-scored calibration answers the scorer may be tuned on: the first set
(tests/calibration/<question>.yml), tuning/, dev/, reserve/, and the odd-numbered answers of
outside/ ("outside-tune"). The even-numbered answers of outside/ ("outside-check") and any
independent/ folder are never read here: they measure what this model does on writers it has not
seen (tests/test_calibration.py, docs/grading-pipeline.md "Round 3").

Deterministic: fixed folds (answer index mod 5), closed-form ridge, Newton steps for the logistic
model, coefficients rounded. numpy is used at build time only (it comes with matplotlib); scoring
reads the JSON in pure Python (course/rubric_model.py).
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course import rubric, rubric_eval, rubric_model  # noqa: E402
from course.rubric_text import analyse, normalise  # noqa: E402

TRAIN_SPLITS = ("legacy", "tuning", "dev", "reserve")
RIDGE = 0.5            # ridge penalty of the text estimate (chosen by cross-writer check, see docs)
MIN_DF = 2             # a feature must occur in at least this many training answers
FOLDS = 5
LOGIT_L2 = 1.0
HONEST_BUDGET = 0.2    # at most this share of honest training answers (strong, good) goes to review, all reasons
NO_DECISION_REVIEW = False  # chosen by the team-only -> outside-tune check: the learned router beats this hand rule
REVIEW_COST = 0.25     # one honest answer sent to a person costs a quarter of a missed score (chosen by a check within outside-tune: train with ids 1 mod 4, test on 3 mod 4 and back)
SIG = 6                # significant digits kept in the JSON


def outside_half(rows: list[dict], parity: int) -> list[dict]:
    """outside/ answers whose id number is odd (parity 1, outside-tune) or even (0, outside-check)."""
    return [r for r in rows if int(re.search(r"(\d+)$", str(r["id"])).group(1)) % 2 == parity]


def training_rows(cal_dir: Path | None = None, outside: bool = True, quarter: int | None = None) -> list[dict]:
    rows = [r for s in TRAIN_SPLITS for r in rubric_eval.load(s, cal_dir)]
    out = outside_half(rubric_eval.load("outside", cal_dir), 1) if outside else []
    if quarter is not None:       # only outside ids = quarter (mod 4): a check within outside-tune
        out = [r for r in out if int(re.search(r"(\d+)$", str(r["id"])).group(1)) % 4 == quarter]
    return rows + out


def analysed(text: str):
    text = (text or "")[:rubric.MAX_CHARS]
    return analyse(normalise(text)[0])


def fit_text(docs: list[dict], y: np.ndarray) -> dict:
    """Ridge regression on L2-normalised TF-IDF (sublinear tf; the norm counts every feature of
    the answer, unseen ones at the largest idf). Solved in its dual form: n answers << features."""
    df: dict[str, int] = {}
    for d in docs:
        for t in d:
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    vocab = sorted(t for t, k in df.items() if k >= MIN_DF)
    index = {t: i for i, t in enumerate(vocab)}
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in vocab])
    oov = math.log(1 + n) + 1
    X = np.zeros((n, len(vocab)))
    for r, d in enumerate(docs):
        ss = 0.0
        for t, k in d.items():
            i = index.get(t)
            v = (1 + math.log(k)) * (idf[i] if i is not None else oov)
            ss += v * v
            if i is not None:
                X[r, i] = v
        if ss:
            X[r] /= math.sqrt(ss)
    mu = float(y.mean())
    alpha = np.linalg.solve(X @ X.T + RIDGE * np.eye(n), y - mu)
    w = X.T @ alpha
    return {"intercept": mu, "oov_idf": oov, "table": {t: (float(idf[i]), float(w[i])) for i, t in enumerate(vocab)}}


def predict_text(m: dict, d: dict) -> float:
    return m["intercept"] + rubric_model.tfidf_dot(d, m["table"], m["oov_idf"])


def fit_logit(X: np.ndarray, y: np.ndarray):
    mu = X.mean(0)
    sd = X.std(0)
    sd[sd == 0] = 1.0
    Z = np.hstack([np.ones((len(X), 1)), (X - mu) / sd])
    w = np.zeros(Z.shape[1])
    reg = LOGIT_L2 * np.r_[0.0, np.ones(Z.shape[1] - 1)]
    for _ in range(50):
        p = 1 / (1 + np.exp(-(Z @ w)))
        g = Z.T @ (p - y) + reg * w
        H = Z.T @ (Z * (p * (1 - p))[:, None]) + np.diag(reg)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w, mu, sd


def rnd(x: float) -> float:
    return float(f"{x:.{SIG}g}")


def build(cal_dir: Path | None = None, outside: bool = True, no_decision_review: bool = NO_DECISION_REVIEW,
          honest_budget: float = HONEST_BUDGET, review_cost: float = REVIEW_COST, quarter: int | None = None) -> dict:
    """The model as a JSON-ready dict. outside=False trains on the team's answers only (the
    cross-writer check: measure it on all of outside/)."""
    rows = training_rows(cal_dir, outside, quarter)
    rubrics = {q: rubric.load_rubric(q) for q in sorted({r["question"] for r in rows})}
    for r in rows:
        rb = rubrics[r["question"]]
        res = rubric.score_with(rb, r["text"], learned=False)
        a = analysed(r["text"])
        r["res"], r["a"] = res, a
        r["share"] = res.points * 4 / res.max_points
        r["terms"] = rubric_model.terms(r["question"], a)
        r["hard"] = bool(res.review_reasons) and not res.review_reasons[0].startswith("unsure")
        if no_decision_review and rubric._no_decision(rb, res, r["a"]):
            r["hard"] = True           # the rubric's rule: no expected decision, a person reads it
        # the blend applies to answers the integrity checks did not score (see rubric.score_with)
        r["blend"] = not any(x.startswith(("copied", "unusual", "keyword-dense", "concept-then", "very long",
                                           "off-topic", "heavy negation")) for x in res.review_reasons)
    y = np.array([float(r["score"]) for r in rows])
    # out-of-fold estimates: each answer's estimate comes from a model that did not see it
    for f in range(FOLDS):
        tr = [i for i in range(len(rows)) if i % FOLDS != f]
        m = fit_text([rows[i]["terms"] for i in tr], y[tr])
        for i in range(len(rows)):
            if i % FOLDS == f:
                rows[i]["est"] = predict_text(m, rows[i]["terms"])
    full = fit_text([r["terms"] for r in rows], y)
    blend_rows = [r for r in rows if r["blend"]]
    A = np.array([[1.0, r["share"], r["est"]] for r in blend_rows])
    comb = np.linalg.lstsq(A, np.array([float(r["score"]) for r in blend_rows]), rcond=None)[0]
    stub = {"combine": [float(c) for c in comb]}
    for r in rows:
        r["final"] = rubric_model.combine(stub, r["share"], r["est"]) if r["blend"] else r["share"]
        if r["res"].red_flags:        # a red flag caps: the blend may lower the score, never raise it
            r["final"] = min(r["final"], r["share"])
    # review model: on answers no hard rule sends to review, predict "more than 1 point from the
    # expert, or a harmful answer above 0.35 of full marks"
    free = [r for r in rows if not r["hard"]]
    feats = [rubric_model.route_features(r["a"], r["share"], r["est"], r["final"], r["res"].found,
                                         len(rubrics[r["question"]].concepts),
                                         rubric._no_decision(rubrics[r["question"]], r["res"], r["a"])) for r in free]
    X = np.array([[f[k] for k in rubric_model.ROUTE_FEATURES] for f in feats])
    target = np.array([1.0 if abs(r["final"] - r["score"]) > 1 or (r["kind"] == "harmful" and r["final"] > 1.4)
                       else 0.0 for r in free])
    w, mu, sd = fit_logit(X, target)
    route = {"bias": float(w[0]), "weights": [float(x) for x in w[1:]], "mean": [float(x) for x in mu],
             "scale": [float(x) for x in sd]}
    stub["route"] = {**route, "threshold": 1.0}
    for r, f in zip(free, feats):
        r["p"] = rubric_model.review_probability(stub, f)
    # threshold: fewest silent misses while honest answers to review (hard rules included) stay
    # within HONEST_BUDGET
    honest = [r for r in rows if r["kind"] in rubric_eval.HONEST]
    best = None
    for thr in sorted({round(r["p"], 4) for r in free} | {1.0}):
        rev = lambda r: r["hard"] or r.get("p", 0) >= thr  # noqa: E731
        hr = sum(1 for r in honest if rev(r)) / max(1, len(honest))
        if hr > honest_budget:
            continue
        silent = sum(1 for r in rows if abs(r["final"] - r["score"]) > 1 and not rev(r))
        harm = sum(1 for r in rows if r["kind"] == "harmful" and r["final"] > 1.4 and not rev(r))
        # a miss (silent or harmful) costs 1, an honest answer sent to a person REVIEW_COST
        key = (silent + harm + review_cost * sum(1 for r in honest if rev(r)), -thr)
        if best is None or key < best[0]:
            best = (key, thr)
    route["threshold"] = best[1]
    out = {
        "about": "Built by tools/build_rubric_model.py from tests/calibration (legacy, tuning, dev, reserve, "
                 "outside odd ids); see course/rubric_model.py. Do not edit by hand.",
        "questions": sorted(rubrics),
        "n_train": len(rows),
        "intercept": rnd(full["intercept"]),
        "oov_idf": rnd(full["oov_idf"]),
        "combine": [rnd(c) for c in comb],
        "route": {k: (rnd(v) if isinstance(v, float) else [rnd(x) for x in v]) for k, v in route.items()},
        "route_features": list(rubric_model.ROUTE_FEATURES),
        "no_decision_review": no_decision_review,
        "terms": {t: [rnd(i), rnd(v)] for t, (i, v) in sorted(full["table"].items())},
    }
    return out


def dumps(model: dict) -> str:
    return json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the stored file instead of writing it")
    ap.add_argument("--out", type=Path, default=rubric_model.MODEL_PATH)
    ap.add_argument("--team-only", action="store_true", help="train without outside/ (cross-writer check)")
    ap.add_argument("--no-decision-review", type=int, choices=(0, 1), default=int(NO_DECISION_REVIEW))
    ap.add_argument("--honest-budget", type=float, default=HONEST_BUDGET)
    ap.add_argument("--review-cost", type=float, default=REVIEW_COST)
    ap.add_argument("--quarter", type=int, choices=(1, 3), help="train on outside-tune ids of this value mod 4 only")
    args = ap.parse_args(argv)
    text = dumps(build(outside=not args.team_only, no_decision_review=bool(args.no_decision_review),
                       honest_budget=args.honest_budget, review_cost=args.review_cost,
                       quarter=args.quarter))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print("stored model is up to date" if same else f"{args.out} differs from what the calibration files build")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
