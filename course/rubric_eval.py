"""Agreement between the reflection scorer and expert scores, as the issue-13 targets define it.

Calibration answers live in tests/calibration/<split>/<question>.yml, one folder per split (and the
older tests/calibration/<question>.yml, split 'legacy'). Each folder is one group of writers:

* legacy, tuning/, dev/, reserve/   written by the course team (issue 13 rounds 1-2)
* outside/, outside2/, outside3/, outside4/
                 written by outside writers who read only the students' prompts, the readings and
                 the fact sheet, never the rubrics or the scorer. outside/ and outside3/ were the
                 frozen test splits of rounds 2 and 3 (each then named independent/); once measured
                 they became training data, kept byte-for-byte as written
* independent/   the frozen test split of the current round (round 4): new writers, frozen by sha256
                 (tests/test_calibration.py) before any scorer change of the round was merged. The
                 scorer's learned parts never read it (tools/build_rubric_model.py)

`load("heldout")` is the frozen test split: the first of FROZEN_SPLITS that exists. `evaluate(split)`
scores a split and returns, per question and overall:

* rho         Spearman's rank correlation between scorer and expert (target >= 0.85)
* silent_miss share of answers more than 1 point (of 4) from the expert WITHOUT a review flag
              (target <= 3%)
* harmful_ok  share of harmful answers (kind harmful) that are flagged for review or scored at most
              0.35 of full marks (target 100%)
* honest_review share of honest answers (kind strong or good) sent to review (target <= 25%)
* auto        answers auto-accepted (not sent to review)

Used by tests/test_calibration.py, by `course report` (the agreement table) and by
docs/grading-pipeline.md. Pure stdlib + PyYAML; scoring uses course.rubric.
"""
from __future__ import annotations

import math
from pathlib import Path

import yaml

from course import paths

CAL_DIR = paths.REPO_ROOT / "tests" / "calibration"
HONEST = ("strong", "good")
FROZEN_SPLITS = ("independent",)   # the test split (the first of these that exists)
TUNING_SPLITS = ("tuning", "dev")
HARMFUL_SHARE = 0.35


def ranks(xs: list[float]) -> list[float]:
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
    if n < 2:
        return 0.0
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / math.sqrt(sxx * syy)


def spearman(x, y) -> float:
    return pearson(ranks(list(x)), ranks(list(y)))


def heldout_split(cal_dir: Path | None = None) -> str:
    """The name of the frozen test split in use (see FROZEN_SPLITS)."""
    cal_dir = Path(cal_dir or CAL_DIR)
    return next((s for s in FROZEN_SPLITS if any((cal_dir / s).glob("*.yml"))), FROZEN_SPLITS[-1])


def load(split: str, cal_dir: Path | None = None) -> list[dict]:
    """Rows of one split: a folder name under tests/calibration ('tuning', 'dev', 'reserve', ...),
    'heldout' (the frozen test split, see heldout_split), 'tune' (tuning + dev) or 'legacy' (the first
    set, tests/calibration/<question>.yml)."""
    cal_dir = Path(cal_dir or CAL_DIR)
    if split == "tune":
        return [r for s in TUNING_SPLITS for r in load(s, cal_dir)]
    if split == "heldout":
        split = heldout_split(cal_dir)
    files = sorted(cal_dir.glob("*.yml")) if split == "legacy" else sorted((cal_dir / split).glob("*.yml"))
    rows = []
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for a in data["answers"]:
            rows.append({"question": data["question"], "set": split, **a})
    return rows


def score_rows(rows: list[dict]) -> list[dict]:
    from course.rubric import score

    for r in rows:
        res = score(r["question"], r["text"])
        r["auto"], r["max"], r["review"], r["result"] = res.points, res.max_points, res.needs_review, res
    return rows


def metrics(rows: list[dict]) -> dict:
    n = len(rows)
    if not n:
        return {"n": 0}
    e = [r["score"] for r in rows]
    a = [r["auto"] * 4 / r["max"] for r in rows]
    silent = [r for r, x, y in zip(rows, e, a) if abs(x - y) > 1 and not r["review"]]
    harmful = [r for r in rows if r.get("kind") == "harmful"]
    harm_ok = [r for r in harmful if r["review"] or r["auto"] <= HARMFUL_SHARE * r["max"] + 1e-9]
    honest = [r for r in rows if r.get("kind") in HONEST]
    honest_rev = [r for r in honest if r["review"]]
    return {
        "n": n,
        "rho": spearman(e, a),
        "silent_miss": len(silent) / n,
        "silent_ids": [r["id"] for r in silent],
        "harmful": len(harmful),
        "harmful_ok": (len(harm_ok) / len(harmful)) if harmful else 1.0,
        "harmful_missed": [r["id"] for r in harmful if r not in harm_ok],
        "honest": len(honest),
        "honest_review": (len(honest_rev) / len(honest)) if honest else 0.0,
        "honest_review_ids": [r["id"] for r in honest_rev],
        "auto": sum(1 for r in rows if not r["review"]),
        "mae": sum(abs(x - y) for x, y in zip(e, a)) / n,
    }


def evaluate(split: str, cal_dir: Path | None = None) -> dict:
    """{'all': metrics, <question>: metrics} for one split."""
    rows = score_rows(load(split, cal_dir))
    out = {"all": metrics(rows)}
    for q in sorted({r["question"] for r in rows}):
        out[q] = metrics([r for r in rows if r["question"] == q])
    return out


def table(result: dict, title: str) -> str:
    lines = [f"{title}", f"{'question':34} {'n':>3} {'rho':>6} {'silent>1':>8} {'harm ok':>7} "
             f"{'honest rev':>10} {'auto':>5} {'MAE':>5}"]
    for q, m in result.items():
        if not m.get("n"):
            continue
        lines.append(f"{q:34} {m['n']:>3} {m['rho']:6.3f} {100 * m['silent_miss']:7.1f}% "
                     f"{100 * m['harmful_ok']:6.0f}% {100 * m['honest_review']:9.0f}% {m['auto']:>5} {m['mae']:5.2f}")
    return "\n".join(lines)


if __name__ == "__main__":     # python -m course.rubric_eval [tune|tuning|dev|reserve|heldout|legacy] [-v]
    import sys

    splits = [s for s in sys.argv[1:] if not s.startswith("-")] or ["tune", "heldout"]
    for s in splits:
        res = evaluate(s)
        print(table(res, s))
        if "-v" in sys.argv:
            m = res["all"]
            print("  silent misses:", m["silent_ids"])
            print("  harmful missed:", m["harmful_missed"])
            print("  honest sent to review:", m["honest_review_ids"])
        print()
