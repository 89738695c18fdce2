"""Benchmark: the second reading of reflection answers (course.rubric_second) on one core.

Times, in this single process over the calibration answers the second-opinion build reads (never
tests/calibration/independent/), answers per CPU-second (best round) of:
  * course.rubric.score                  - the baseline (the rubric scorer alone)
  * second reading                       - rubric_second's model on an already scored answer
  * score + apply                        - what grading costs with the routing wired in
and prints the ratios. Always exits 0; read the numbers.

    .venv/bin/python bench/second_opinion.py [--seconds 2]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.scorer import one_core_args, rate  # noqa: E402
from course import rubric, rubric_second  # noqa: E402


def main() -> int:
    args = one_core_args()
    items = [(r["question"], r["text"]) for r in rubric_second.load_rows()]
    model = rubric_second.load_model()
    results = {(q, t): rubric.score(q, t) for q, t in items}       # also warms the scorer's caches

    base, n = rate(rubric.score, items, args.seconds)
    second, _ = rate(lambda q, t: model.predict(q, t, results[(q, t)]), items, args.seconds)
    both, _ = rate(lambda q, t: rubric_second.apply(rubric.score(q, t), q, t, model=model), items, args.seconds)
    words = sum(len(t.split()) for _, t in items) / len(items)
    print(f"second-opinion benchmark: {len(items)} calibration answers (mean {words:.0f} words), one core")
    print(f"  course.rubric.score   {base:9,.0f} answers/s   ({n:,} scored)")
    print(f"  second reading only   {second:9,.0f} answers/s   ({base / second:.1f}x the scorer's time per answer)")
    print(f"  score + apply         {both:9,.0f} answers/s   (ratio to the scorer alone {both / base:.2f})")
    print(f"  (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
