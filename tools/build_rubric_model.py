"""Build course/rubric_model.json: the learned estimate and review model of the reflection scorer.

    .venv/bin/python tools/build_rubric_model.py            # writes course/rubric_model.json
    .venv/bin/python tools/build_rubric_model.py --check    # exit 1 when the stored file differs
    .venv/bin/python tools/build_rubric_model.py --cross-writer   # each writer group scored by a model without it

Trained on every expert-scored calibration answer the scorer may learn from: the course team's sets
(tests/calibration/<question>.yml, tuning/, dev/, reserve/) and every outside writers' folder
(outside*/). The frozen test split, independent/, is never opened here: it measures what the
scorer does on writers it has not read (tests/test_calibration.py, docs/grading-pipeline.md).

Each folder is a writer group. The estimate that the blend, the red-flag trust level and the review
model are fitted on is out-of-group: it comes from a model that never saw that answer's writers,
because a student is a writer the model has never read. `--cross-writer` leaves each group out of
the whole build in turn and prints how the scorer does on it: the settings here were chosen on
those figures, never on the test split.

Deterministic: folds by writer group, closed-form ridge, Newton steps for the logistic
model, coefficients rounded. numpy is used at build time only (it comes with matplotlib); scoring
reads the JSON in pure Python (course/rubric_model.py).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course import rubric, rubric_eval, rubric_model  # noqa: E402
from course.rubric_text import analyse, normalise  # noqa: E402

TEAM_SPLITS = ("legacy", "tuning", "dev", "reserve")   # written by the course team ("team" group)
RIDGE = 0.5            # ridge penalty of the text estimate (chosen by the cross-writer check, see docs)
MIN_DF = 2             # a feature must occur in at least this many training answers
LOGIT_L2 = 1.0
HONEST_BUDGET = 0.2    # at most this share of honest training answers (strong, good) goes to review, all reasons
NO_DECISION_REVIEW = False  # chosen by the team-only -> outside-tune check: the learned router beats this hand rule
REVIEW_COST = 0.25     # one honest answer sent to a person costs a quarter of a missed score (round 3's check within outside-tune)
SIG = 6                # significant digits kept in the JSON


def outside_splits(cal_dir: Path | None = None) -> list[str]:
    """The outside writers' folders (outside/, outside2/, ...): one writer group each."""
    cal_dir = Path(cal_dir or rubric_eval.CAL_DIR)
    return sorted(d.name for d in cal_dir.iterdir()
                  if d.is_dir() and d.name.startswith("outside") and any(d.glob("*.yml")))


def training_rows(cal_dir: Path | None = None, exclude: tuple = ()) -> list[dict]:
    """Every expert-scored answer the scorer may learn from, each tagged with its writer group
    ("team" for the course team's sets, else the outside folder's name); groups in `exclude` are
    left out (the cross-writer check). The frozen test split (independent/) is never opened: only
    the team's splits and outside*/ folders are read."""
    rows = []
    for s in TEAM_SPLITS:
        rows += [{**r, "group": "team"} for r in rubric_eval.load(s, cal_dir)]
    for s in outside_splits(cal_dir):
        rows += [{**r, "group": s} for r in rubric_eval.load(s, cal_dir)]
    return [r for r in rows if r["group"] not in exclude]


def analysed(text: str):
    text = (text or "")[:rubric.MAX_CHARS]
    return analyse(normalise(text)[0])


def fit_text(docs: list[dict], y: np.ndarray, ridge: float = RIDGE) -> dict:
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
    alpha = np.linalg.solve(X @ X.T + ridge * np.eye(n), y - mu)
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


def build(cal_dir: Path | None = None, exclude: tuple = (), no_decision_review: bool = NO_DECISION_REVIEW,
          honest_budget: float = HONEST_BUDGET, review_cost: float = REVIEW_COST, ridge: float = RIDGE) -> dict:
    """The model as a JSON-ready dict, trained on every writer group except those in `exclude`."""
    rows = training_rows(cal_dir, exclude)
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
    # out-of-group estimates: each answer's estimate comes from a model that saw none of its writer
    # group's answers, so the blend and the review model below learn how far the estimate can be
    # trusted on a writer it has never read (a student), not on more answers by a writer it knows
    groups = sorted({r["group"] for r in rows})
    for g in groups:
        tr = [i for i, r in enumerate(rows) if r["group"] != g]
        m = fit_text([rows[i]["terms"] for i in tr], y[tr], ridge)
        for r in rows:
            if r["group"] == g:
                r["est"] = predict_text(m, r["terms"])
    full = fit_text([r["terms"] for r in rows], y, ridge)
    blend_rows = [r for r in rows if r["blend"]]
    A = np.array([[1.0, r["share"], r["est"]] for r in blend_rows])
    comb = np.linalg.lstsq(A, np.array([float(r["score"]) for r in blend_rows]), rcond=None)[0]
    stub = {"combine": [float(c) for c in comb]}
    # a red flag caps (the blend may lower the score, never raise it) unless it did not match the
    # counselor's own recommendation and the estimate is above that of every red-flagged harmful
    # answer here, each read by a model that had not seen its writer group: then the flag is more
    # likely a phrase match on an honest answer (it still goes to a person; see rubric.score_with)
    harmful_est = [r["est"] for r in rows if r["res"].red_flags and r["blend"] and r["kind"] in ("harmful", "rejection")]
    flag_trust = math.ceil(10 * max(harmful_est)) / 10 + 0.1 if harmful_est else math.inf
    for r in rows:
        r["final"] = rubric_model.combine(stub, r["share"], r["est"]) if r["blend"] else r["share"]
        if r["res"].red_flags and (r["est"] < flag_trust or r["res"].flag_firm):
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
        "about": "Built by tools/build_rubric_model.py from tests/calibration (the team's sets and every "
                 "outside*/ folder, never independent/); see course/rubric_model.py. Do not edit by hand.",
        "questions": sorted(rubrics),
        "n_train": len(rows),
        "groups": {g: sum(1 for r in rows if r["group"] == g) for g in groups},
        "intercept": rnd(full["intercept"]),
        "oov_idf": rnd(full["oov_idf"]),
        "combine": [rnd(c) for c in comb],
        "flag_trust": rnd(flag_trust),
        "route": {k: (rnd(v) if isinstance(v, float) else [rnd(x) for x in v]) for k, v in route.items()},
        "route_features": list(rubric_model.ROUTE_FEATURES),
        "no_decision_review": no_decision_review,
        "terms": {t: [rnd(i), rnd(v)] for t, (i, v) in sorted(full["table"].items())},
    }
    return out


def dumps(model: dict) -> str:
    return json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def cross_writer(cal_dir: Path | None = None, **kw) -> dict:
    """Leave one writer group out: for each group, build the model without it and score its answers
    with that model. {group: rubric_eval.metrics} plus "all" (every answer scored by a model that
    never saw its writer). This is how the build's settings are chosen; the test split is not used."""
    import tempfile

    rows_by_group: dict[str, list] = {}
    for r in training_rows(cal_dir):
        rows_by_group.setdefault(r["group"], []).append(r)
    out, every = {}, []
    saved = rubric_model.MODEL_PATH
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for g, rows in sorted(rows_by_group.items()):
                path = Path(tmp) / f"without-{g}.json"
                path.write_text(dumps(build(cal_dir, exclude=(g,), **kw)), encoding="utf-8")
                rubric_model.MODEL_PATH = path
                scored = rubric_eval.score_rows([dict(r) for r in rows])
                out[g] = rubric_eval.metrics(scored)
                every += scored
        finally:
            rubric_model.MODEL_PATH = saved
    out["all"] = rubric_eval.metrics(every)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the stored file instead of writing it")
    ap.add_argument("--cross-writer", action="store_true",
                    help="leave each writer group out in turn and print how the scorer does on it (writes nothing)")
    ap.add_argument("--out", type=Path, default=rubric_model.MODEL_PATH)
    ap.add_argument("--no-decision-review", type=int, choices=(0, 1), default=int(NO_DECISION_REVIEW))
    ap.add_argument("--honest-budget", type=float, default=HONEST_BUDGET)
    ap.add_argument("--review-cost", type=float, default=REVIEW_COST)
    ap.add_argument("--ridge", type=float, default=RIDGE)
    args = ap.parse_args(argv)
    kw = dict(no_decision_review=bool(args.no_decision_review), honest_budget=args.honest_budget,
              review_cost=args.review_cost, ridge=args.ridge)
    if args.cross_writer:
        print(rubric_eval.table(cross_writer(**kw), "each writer group scored by a model built without it"))
        return 0
    text = dumps(build(**kw))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print("stored model is up to date" if same else f"{args.out} differs from what the calibration files build")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
