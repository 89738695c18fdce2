"""Benchmark: reflection scorer throughput on one core.

Times course.rubric.score() over every calibration answer (tests/calibration/**.yml), repeated,
in this single process, and prints answers per CPU-second (best round; CPU time, because the
machine may be shared) next to two baselines measured in the same run:
  * tokenise only    - course.rubric_text.analyse() alone (the floor: what any scorer must pay)
  * naive reference  - the same scoring, but compiling the rubric (patterns, vocabulary) on every
                       call and with a cold word cache, as a scorer without precompilation would
Target (cohort issue): >= 5,000 answers/s on one core. Always exits 0; read the numbers.

    .venv/bin/python bench/scorer.py [--seconds 2]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course import rubric  # noqa: E402
from course.rubric_text import analyse  # noqa: E402
from course.yamlio import load_yaml  # noqa: E402


def answers() -> list[tuple[str, str]]:
    out = []
    cal = REPO / "tests" / "calibration"
    for f in sorted(cal.glob("*.yml")) + sorted(cal.glob("*/*.yml")):   # the first set and every split folder
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        out += [(d["question"], a["text"]) for a in d["answers"]]
    return out


def rate(fn, items, seconds: float) -> tuple[float, int]:
    """Answers per CPU-second of this process (robust to other jobs sharing the machine),
    best of several rounds."""
    best, total, spent = 0.0, 0, 0.0
    while spent < seconds:
        c0 = time.process_time()
        for q, t in items:
            fn(q, t)
        el = max(1e-9, time.process_time() - c0)
        spent += el
        total += len(items)
        best = max(best, len(items) / el)
    return best, total


def one_core_args():
    """The benchmarks' command line (--seconds), with this process pinned to one core."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})   # one core
    except (AttributeError, OSError):
        pass
    return args


def main() -> int:
    args = one_core_args()
    items = answers()
    words = sum(len(t.split()) for _, t in items) / len(items)
    raw = {q: load_yaml(rubric.REFLECTIONS_DIR / f"{q}.yml")[0] for q in rubric.list_questions()}

    def naive(q, t):
        rb = rubric.build_rubric(raw[q], rubric.REFLECTIONS_DIR / f"{q}.yml")   # compile per call
        return rubric.score_with(rb, t)

    for q in raw:                       # warm the real scorer's caches, as a grader's process would
        rubric.score(q, "")
    tok, _ = rate(lambda q, t: analyse(t), items, args.seconds)
    real, n = rate(rubric.score, items, args.seconds)
    ref, _ = rate(naive, items, max(0.5, args.seconds / 2))
    print(f"reflection scorer benchmark: {len(items)} calibration answers (mean {words:.0f} words), one core")
    print(f"  tokenise only    {tok:10,.0f} answers/s")
    print(f"  course.rubric    {real:10,.0f} answers/s   ({n:,} scored)")
    print(f"  naive reference  {ref:10,.0f} answers/s   (rubric compiled on every call)")
    print(f"  ratio scorer/naive {real / ref:6.1f}x   scorer/tokenise-only {real / tok:5.2f}")
    print(f"  target 5,000 answers/s: {'met' if real >= 5000 else 'NOT met'}"
          f"   (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
